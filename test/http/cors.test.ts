/** CORS (CORS_ORIGINS): the configured origins get CORS headers and preflights; any other gets none. */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const COURSE = 'https://course.example.edu';
const OTHER = 'https://elsewhere.example.com';
const KEY = 'course-platform-key-0001';
const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };

const corsHeaders = (res: LightMyRequestResponse): string[] =>
  Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
const list = (header: unknown): string[] =>
  String(header)
    .split(',')
    .map((h) => h.trim().toLowerCase());

const preflight = (app: App, origin: string, url = '/v1/gradients') =>
  app.inject({
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, accept-language',
    },
  });

const post = (app: App, origin: string, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/gradients',
    headers: { origin, 'content-type': 'application/json', ...headers },
    payload: neuron,
  });

let app: App;
let keyed: App;
let none: App;
beforeAll(async () => {
  app = await buildTestApp({ pool: false, corsOrigins: [COURSE, 'http://localhost:8080'] });
  keyed = await buildTestApp({ pool: false, corsOrigins: [COURSE], auth: { apiKeys: [KEY] } });
  none = await buildTestApp({ pool: false });
});
afterAll(async () => {
  await Promise.all([app.close(), keyed.close(), none.close()]);
});

describe('from an allowed origin', () => {
  it('answers the preflight of a /v1 route: methods, and the headers a page sends', async () => {
    const res = await preflight(app, COURSE);
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(COURSE);
    expect(list(res.headers['access-control-allow-methods'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(list(res.headers['access-control-allow-headers'])).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'accept-language']),
    );
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
    expect(list(res.headers.vary)).toContain('origin');
  });

  it('lets the page read the answer and its headers', async () => {
    const res = await post(app, COURSE);
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(COURSE);
    expect(list(res.headers['access-control-expose-headers'])).toEqual(
      expect.arrayContaining([
        'retry-after',
        'x-request-id',
        'content-language',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
      ]),
    );
    expect((await post(app, 'http://localhost:8080')).headers['access-control-allow-origin']).toBe(
      'http://localhost:8080',
    );
  });

  it('answers the preflight without a key (browsers send none with it), and lets the page read a 401', async () => {
    const res = await preflight(keyed, COURSE);
    expect(res.statusCode).toBe(204);
    const refused = await post(keyed, COURSE);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(COURSE);
    expect((await post(keyed, COURSE, { authorization: `Bearer ${KEY}` })).statusCode).toBe(200);
  });
});

describe('from any other origin', () => {
  it('sends no CORS header, on the preflight or the answer', async () => {
    for (const origin of [OTHER, `${COURSE}.evil.example`, 'null', COURSE.replace('https', 'http')]) {
      const pre = await preflight(app, origin);
      expect(pre.statusCode, origin).not.toBe(204);
      expect(corsHeaders(pre), origin).toEqual([]);
      const res = await post(app, origin);
      expect(res.statusCode).toBe(200);
      expect(corsHeaders(res), origin).toEqual([]);
    }
  });

  it('answers its preflight as any wrong method: 405 with Allow', async () => {
    const pre = await preflight(app, OTHER);
    expect(pre.statusCode).toBe(405);
    expect(pre.headers.allow).toBe('POST');
  });
});

describe('without CORS_ORIGINS', () => {
  it('sends no CORS header to anyone', async () => {
    for (const origin of [COURSE, OTHER]) {
      const pre = await preflight(none, origin);
      expect(pre.statusCode).toBe(405);
      expect(corsHeaders(pre)).toEqual([]);
      expect(corsHeaders(await post(none, origin))).toEqual([]);
    }
  });
});
