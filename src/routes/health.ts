import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Status = z.object({ status: z.enum(['ok', 'shutting_down']) });

/** Liveness answers while the process runs; readiness turns 503 once shutdown begins. */
export const healthRoutes: FastifyPluginAsyncZod<{ isReady: () => boolean }> = async (app, { isReady }) => {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: Status } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Readiness: 503 while shutting down', response: { 200: Status, 503: Status } } },
    async (_, reply) => (isReady() ? { status: 'ok' as const } : reply.code(503).send({ status: 'shutting_down' as const })),
  );
};
