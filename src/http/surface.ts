/**
 * Which part of the service a request is for, by the route it matched (by its path when it
 * matched none, a 404 or a 405): the probes, /metrics, the documentation, the student page
 * (/play and its assets), or the API (everything else). API keys, the rate limit and load
 * shedding each decide by it. A request the router refused before routing (a URL that does not
 * decode) has only its path: a path under /v1 that does not decode is the API's.
 */
import type { FastifyRequest } from 'fastify';

export type Surface = 'probe' | 'metrics' | 'docs' | 'play' | 'api';

export function surfaceOf(request: FastifyRequest): Surface {
  const route = request.routeOptions.url ?? request.url.split('?')[0];
  if (route === '/healthz' || route === '/readyz') return 'probe';
  if (route === '/metrics') return 'metrics';
  if (route === '/play' || route.startsWith('/play/')) return 'play';
  if (route === '/' || route === '/openapi.json' || route === '/docs' || route.startsWith('/docs/')) return 'docs';
  return 'api';
}
