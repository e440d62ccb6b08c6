/**
 * CORS (@fastify/cors) for the configured origins only (CORS_ORIGINS), so that a course page can
 * call the service from the browser. A request from any other origin, or without one, gets no
 * CORS header at all. Preflights are answered before the API keys are checked (a browser sends
 * no Authorization header with them), and every answer to an allowed origin, errors included,
 * carries Access-Control-Allow-Origin so that the page can read the problem.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept-Language', 'X-Request-Id'],
    exposedHeaders: [
      'Retry-After',
      'X-Request-Id',
      'Content-Language',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ],
    maxAge: 600,
    // An OPTIONS without Access-Control-Request-Method is answered as a preflight too, rather than with a text/plain 400.
    strictPreflight: false,
  });
}
