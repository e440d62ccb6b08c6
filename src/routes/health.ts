import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Status = z.object({ status: z.enum(['ok', 'shutting_down', 'overloaded']) });

/**
 * Liveness answers while the process runs; readiness turns 503 once shutdown begins, and while
 * the process sheds load (src/http/pressure.ts).
 */
export const healthRoutes: FastifyPluginAsyncZod<{ isReady: () => boolean; isOverloaded?: () => boolean }> = async (
  app,
  { isReady, isOverloaded = () => false },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        description:
          'Answers while the process runs, also during shutdown: for a liveness probe or a container HEALTHCHECK.',
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
        summary: 'Readiness: 503 while shutting down or overloaded',
        description:
          'For a readiness probe: once SIGTERM starts the shutdown, it answers 503 so that no new traffic comes while the requests in flight finish; and while the process sheds load (its event loop saturated or its heap nearly full), so that new traffic goes to other replicas until it recovers.',
        response: { 200: Status, 503: Status },
        responseDocs: {
          200: { description: 'Ready for traffic.' },
          503: {
            description:
              'Shutting down (the requests in flight finish), or overloaded (other requests are answered 503 `OVERLOADED` until it recovers): new traffic should go elsewhere. This is the readiness answer itself, not an error document.',
            examples: {
              'shutting-down': { summary: 'After SIGTERM', value: { status: 'shutting_down' } },
              overloaded: { summary: 'While the process sheds load', value: { status: 'overloaded' } },
            },
          },
        },
      },
    },
    async (_, reply) => {
      if (!isReady()) return reply.code(503).send({ status: 'shutting_down' as const });
      if (isOverloaded()) return reply.code(503).send({ status: 'overloaded' as const });
      return { status: 'ok' as const };
    },
  );
};
