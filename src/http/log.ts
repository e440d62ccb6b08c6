import type { FastifyRequest } from 'fastify';

/**
 * The one log line each request writes: when its response is sent, or when its client went away
 * before (status 499, as nginx logs it).
 */
export function logRequest(request: FastifyRequest, statusCode: number, elapsedMs: number): void {
  request.log.info({ method: request.method, url: request.url, statusCode, responseTimeMs: Math.round(elapsedMs * 100) / 100 }, 'request');
}
