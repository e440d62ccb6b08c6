/** Every POST route, registered from the table of operations (src/operations/index.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Computer } from '../http/compute.js';
import { type OperationName, operations } from '../operations/index.js';

export const operationRoutes: FastifyPluginAsyncZod<{ computer: Computer }> = async (app, { computer }) => {
  for (const name of Object.keys(operations) as OperationName[]) {
    const op = operations[name];
    const { tags, summary, description, responseDocs } = op.docs;
    app.post(
      op.path,
      {
        config: { rawLargeBodies: op.largeBodies },
        schema: {
          tags,
          summary,
          description,
          ...(op.query && { querystring: op.query }),
          body: op.body,
          response: { 200: op.responseDocument ?? op.response, ...op.errors },
          ...(responseDocs && { responseDocs }),
        },
      },
      async (request, reply) => {
        if (op.headers) reply.headers(op.headers);
        return computer.respond(name, request, reply);
      },
    );
  }
};
