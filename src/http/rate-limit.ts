/**
 * The rate limit (@fastify/rate-limit): at most `max` requests per `windowMs`, counted per API key
 * (by the key's digest, never the key) for a request with a valid key, else per client address
 * (`request.ip`, the forwarded address behind a trusted proxy: TRUST_PROXY). Requests without a
 * valid key are counted before they are refused, so a flood of them is limited per address. The
 * API and the documentation are limited (app.ts says which requests are exempt): not the probes or
 * /metrics. Counts are kept in this process (each replica counts its own requests), or with
 * REDIS_URL in Redis, shared by every replica (src/http/rate-limit-redis.ts).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { say } from '../text.js';
import type { ApiKeys } from './auth.js';
import type { Guard } from './before-routing.js';
import { HttpError } from './http-error.js';
import type { Metrics } from './metrics.js';

export interface RateLimitOptions {
  /** Requests one client may send per window. */
  max: number;
  windowMs: number;
  /** Where the counts are shared by every replica (redis: or rediss:); none: in this process. */
  redisUrl?: string;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 1200, windowMs: 60_000 };

/** What the limit counts by: `key:<sha-256>` or `address:<ip>` (an IPv6 address by its /64, as the plugin does). */
function clientOf(request: FastifyRequest, keys: ApiKeys): string {
  const key = keys.keyOf(request);
  return key !== undefined ? `key:${key}` : `address:${rateLimit.normalizeIP(request.ip)}`;
}

function tooMany(perKey: boolean, { max, windowMs }: RateLimitOptions, ttlMs: number): HttpError {
  const s = Math.max(1, Math.ceil(ttlMs / 1000));
  const window = windowMs % 1000 === 0 ? `${windowMs / 1000} s` : `${windowMs} ms`;
  return new HttpError(
    429,
    'RATE_LIMITED',
    perKey
      ? say(
          `more than ${max} requests in ${window} with this API key (RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS): retry in ${s} s`,
          `mais de ${max} requisições em ${window} com esta chave de API (RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS): tente de novo em ${s} s`,
        )
      : say(
          `more than ${max} requests in ${window} from this address (RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS): retry in ${s} s`,
          `mais de ${max} requisições em ${window} a partir deste endereço (RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS): tente de novo em ${s} s`,
        ),
    {},
    { retryAfterSeconds: s },
  );
}

/**
 * Registers the limit as an onRequest hook, run where it is registered (before the API keys are
 * checked). Returns the same check, for the requests that no hook sees (src/http/before-routing.ts).
 */
export async function registerRateLimit(
  app: FastifyInstance,
  options: RateLimitOptions,
  keys: ApiKeys,
  exempt: (request: FastifyRequest) => boolean,
  metrics: Metrics,
): Promise<Guard> {
  // The Redis client is loaded only for a service that shares its counts.
  const shared =
    options.redisUrl === undefined
      ? undefined
      : new (await import('./rate-limit-redis.js')).SharedCounts(options.redisUrl, app.log);
  await app.register(rateLimit, {
    // Not per route: this hook alone applies it, in the order chosen here.
    global: false,
    max: options.max,
    timeWindow: options.windowMs,
    keyGenerator: (request) => clientOf(request, keys),
    errorResponseBuilder: (request, context) => tooMany(keys.keyOf(request) !== undefined, options, context.ttl),
    ...(shared && { redis: shared.client, nameSpace: shared.keyPrefix }),
  });
  const limiter = app.rateLimit();
  // The limiter sets the x-ratelimit-* headers (and Retry-After) and throws the 429.
  let check: Guard = (request, reply) => limiter.call(app, request, reply) as Promise<void>;
  if (shared) {
    const letThrough = metrics.watchRateLimitStore(() => shared.isUp);
    check = shared.failOpen(check, letThrough);
    app.addHook('onClose', async () => shared.close());
  }
  const limit: Guard = async (request, reply) => {
    if (!exempt(request)) await check(request, reply);
  };
  // The check itself, not `limit`: one promise a request fewer, and `exempt` asked once.
  app.addHook('onRequest', (request, reply, done) => {
    if (exempt(request)) return done();
    check(request, reply).then(() => done(), done);
  });
  return limit;
}
