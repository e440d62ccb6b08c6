import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Computer } from '../http/compute.js';
import { ForwardBody, ForwardResponse } from '../schemas/operations.js';
import { problemResponses } from '../schemas/problem-details.js';

export const forwardRoute: FastifyPluginAsyncZod<{ computer: Computer }> = async (app, { computer }) => {
  app.post(
    '/v1/forward',
    {
      config: { rawLargeBodies: true },
      schema: {
        tags: ['compute'],
        summary: 'Forward pass: the value of every leaf and node',
        description: 'Evaluates the graph (or neuron, or network) and returns the value of every id. Non-finite results are written as "NaN", "Infinity" or "-Infinity" and listed in warnings.',
        body: ForwardBody,
        response: { 200: ForwardResponse, ...problemResponses },
        responseDocs: { 200: { description: 'The value of every leaf and node (`values`), the output id and any warnings; for a network, each layer\'s z and a.' } },
      },
    },
    async (request, reply) => computer.respond('forward', request, reply, ForwardResponse),
  );
};
