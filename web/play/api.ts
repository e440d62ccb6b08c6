/**
 * Calls to this service, and nothing else: same origin, the page's language as Accept-Language,
 * and the API key (when the service asks for one) from this tab's session storage only.
 */
import type { Locale } from '../../src/text.js';

/** An RFC 9457 problem as the service writes it (docs/api.md §6). */
export interface Problem {
  status: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export type Answer<T> = { ok: true; value: T } | { ok: false; problem: Problem };

const KEY = 'play.apiKey';

function apiKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function keepApiKey(key: string): void {
  try {
    sessionStorage.setItem(KEY, key);
  } catch {
    // Session storage refused: the key cannot be kept, and the service will ask again.
  }
}

/** POSTs a JSON body; the answer as JSON or as text, or the problem. status 0: no answer at all. */
export const post = <T>(path: string, body: unknown, locale: Locale, as: 'json' | 'text'): Promise<Answer<T>> =>
  send<T>(path, locale, as, JSON.stringify(body));

/** GETs a JSON answer, or the problem. */
export const get = <T>(path: string, locale: Locale): Promise<Answer<T>> => send<T>(path, locale, 'json');

async function send<T>(path: string, locale: Locale, as: 'json' | 'text', body?: string): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'accept-language': locale };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  let response: Response;
  try {
    response = await fetch(path, { method: body === undefined ? 'GET' : 'POST', headers, body, credentials: 'omit' });
  } catch {
    return { ok: false, problem: { status: 0 } };
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Problem;
    return { ok: false, problem: { ...problem, status: response.status } };
  }
  return { ok: true, value: (as === 'json' ? await response.json() : await response.text()) as T };
}
