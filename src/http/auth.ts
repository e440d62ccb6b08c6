/**
 * Optional API keys (API_KEYS). With keys, a request carries `Authorization: Bearer <key>` or is
 * a 401 problem with `WWW-Authenticate` (RFC 6750): every route but the probes, and /metrics
 * and the documentation unless they are public (PUBLIC_METRICS, PUBLIC_DOCS). The student page
 * (/play, unless PUBLIC_PLAY=false turns it off) needs none: it asks its reader for a key to call
 * the API. Keys are compared as SHA-256 digests with timingSafeEqual, against every key: the time
 * taken says nothing of how much of a key matched, of its length, or of which key it was.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { say } from '../text.js';
import type { Guard } from './before-routing.js';
import { HttpError } from './http-error.js';
import { type Surface, surfaceOf } from './surface.js';

export interface AuthOptions {
  /** No keys: no authentication. */
  apiKeys: readonly string[];
  /** /metrics without a key. */
  publicMetrics: boolean;
  /** /docs, /docs/* and /openapi.json without a key. */
  publicDocs: boolean;
}

export const DEFAULT_AUTH: AuthOptions = { apiKeys: [], publicMetrics: false, publicDocs: true };

const REALM = 'Bearer realm="gradient-service"';

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The token of `Authorization: Bearer <token>`, if the header has that form. */
const bearerToken = (authorization: string | undefined): string | undefined =>
  /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];

export class ApiKeys {
  private readonly digests: Buffer[];
  private readonly matched = new WeakMap<FastifyRequest, string | undefined>();

  constructor(keys: readonly string[]) {
    this.digests = keys.map(sha256);
  }

  get required(): boolean {
    return this.digests.length > 0;
  }

  /** The hex SHA-256 of the request's key when it is one of the keys (never the key itself). */
  keyOf(request: FastifyRequest): string | undefined {
    if (this.matched.has(request)) return this.matched.get(request);
    const token = bearerToken(request.headers.authorization);
    let digest: string | undefined;
    if (token !== undefined && this.digests.length > 0) {
      const given = sha256(token);
      let found = false;
      for (const key of this.digests) found = timingSafeEqual(given, key) || found;
      if (found) digest = given.toString('hex');
    }
    this.matched.set(request, digest);
    return digest;
  }
}

function unauthorized(request: FastifyRequest): HttpError {
  // RFC 6750 §3.1: error="invalid_token" when a token was sent, no error code when none was.
  if (bearerToken(request.headers.authorization) !== undefined) {
    return new HttpError(
      401,
      'UNAUTHORIZED',
      say(
        "the API key is not valid: send one of the service's keys as `Authorization: Bearer <key>`",
        'a chave de API não é válida: envie uma das chaves do serviço como `Authorization: Bearer <chave>`',
      ),
      { 'www-authenticate': `${REALM}, error="invalid_token"` },
    );
  }
  return new HttpError(
    401,
    'UNAUTHORIZED',
    say(
      'this service needs an API key: send it as `Authorization: Bearer <key>`',
      'este serviço exige uma chave de API: envie-a como `Authorization: Bearer <chave>`',
    ),
    { 'www-authenticate': REALM },
  );
}

/**
 * Refuses a request without a valid key, when there are keys. It runs after the rate limit, so
 * that requests without a valid key are limited too (per address). Returns the same check, for
 * the requests that no hook sees (src/http/before-routing.ts); none without keys.
 */
export function registerAuth(
  app: FastifyInstance,
  keys: ApiKeys,
  options: AuthOptions,
  isSelf: (request: FastifyRequest) => boolean,
): Guard | undefined {
  if (!keys.required) return undefined;
  const open: Record<Surface, boolean> = {
    probe: true,
    metrics: options.publicMetrics,
    docs: options.publicDocs,
    play: true,
    api: false,
  };
  const refusal = (request: FastifyRequest): HttpError | undefined =>
    open[surfaceOf(request)] || keys.keyOf(request) !== undefined || isSelf(request)
      ? undefined
      : unauthorized(request);
  app.addHook('onRequest', (request, _reply, done) => done(refusal(request)));
  return async (request) => {
    const refused = refusal(request);
    if (refused) throw refused;
  };
}
