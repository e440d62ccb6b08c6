/**
 * The server's timeouts, for running behind a load balancer: an idle keep-alive connection is kept
 * longer than the balancer keeps its own (60 s is the common default), so that the server never
 * closes a connection the balancer is about to reuse (a 502 at the balancer); the headers'
 * timeout is longer still (Node closes a keep-alive connection on it otherwise), and the whole
 * request must arrive within `requestMs`. These bound receiving a request, not computing it
 * (COMPUTE_BUDGET_MS does that).
 */
import type { ServerOptions } from 'node:http';

export interface ServerTimeouts {
  keepAliveMs: number;
  headersMs: number;
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { keepAliveMs: 72_000, headersMs: 73_000, requestMs: 120_000 };

/** Fastify's options for them (headersTimeout through Node's own server options). */
export function timeoutOptions({ keepAliveMs, headersMs, requestMs }: ServerTimeouts): {
  keepAliveTimeout: number;
  requestTimeout: number;
  http: ServerOptions;
} {
  return {
    keepAliveTimeout: keepAliveMs,
    requestTimeout: requestMs,
    http: { headersTimeout: headersMs, requestTimeout: requestMs },
  };
}
