import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Status = z.object({ status: z.enum(['ok', 'shutting_down']) });

/** Liveness answers while the process runs; readiness turns 503 once shutdown begins. */
export const healthRoutes: FastifyPluginAsyncZod<{ isReady: () => boolean }> = async (app, { isReady }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        description: 'Answers while the process runs, also during shutdown: for a liveness probe or a container HEALTHCHECK.',
        response: { 200: Status },
        responseDocs: { 200: { description: 'The process is running.' } },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: 503 while shutting down',
        description: 'For a readiness probe: once SIGTERM starts the shutdown, it answers 503 so that no new traffic comes while the requests in flight finish.',
        response: { 200: Status, 503: Status },
        responseDocs: {
          200: { description: 'Ready for traffic.' },
          503: {
            description: 'Shutting down: the requests in flight finish, new ones should go elsewhere. This is the readiness answer itself, not an error document.',
            examples: { 'shutting-down': { summary: 'After SIGTERM', value: { status: 'shutting_down' } } },
          },
        },
      },
    },
    async (_, reply) => (isReady() ? { status: 'ok' as const } : reply.code(503).send({ status: 'shutting_down' as const })),
  );
};
