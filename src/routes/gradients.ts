import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Computer } from '../http/compute.js';
import { GradientsBody, GradientsResponse } from '../schemas/operations.js';
import { problemResponses } from '../schemas/problem-details.js';

export const gradientsRoute: FastifyPluginAsyncZod<{ computer: Computer }> = async (app, { computer }) => {
  app.post(
    '/v1/gradients',
    {
      config: { rawLargeBodies: true },
      schema: {
        tags: ['compute'],
        summary: 'Backpropagation: the gradient of the output with respect to every id',
        description:
          'Forward values, dOutput/dId for every id (shaped like its value; 0 where the output does not depend on the id) and, for scalar graphs, the local derivative of each node with respect to each of its args. The output must be a scalar.',
        body: GradientsBody,
        response: { 200: GradientsResponse, ...problemResponses },
        responseDocs: {
          200: {
            description:
              'The forward `values`, the `gradients` (dOutput/dId for every id: `gradients.w` is dL/dw) and, for scalar graphs, the `local` derivative of each node with respect to each arg: the chain rule multiplies these along each path. For a network, each layer\'s dL/da, dL/dz, dL/dW and dL/db.',
          },
        },
      },
    },
    async (request, reply) => computer.respond('gradients', request, reply, GradientsResponse),
  );
};
