import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Computer } from '../http/compute.js';
import { GradcheckBody, GradcheckResponse } from '../schemas/operations.js';
import { problemResponses } from '../schemas/problem-details.js';

export const gradcheckRoute: FastifyPluginAsyncZod<{ computer: Computer }> = async (app, { computer }) => {
  app.post(
    '/v1/gradcheck',
    {
      config: { rawLargeBodies: true },
      schema: {
        tags: ['compute'],
        summary: 'Gradient check: central finite differences against backprop, per element',
        description:
          'For each element of each checked leaf: numeric = (lossPlus - lossMinus) / (2 epsilon), compared with the analytic gradient; pass when absError <= atol + rtol * |numeric|. An element whose perturbation moves the input of a relu, abs or leaky_relu across 0 lists those nodes in `kinks`, with a note in pt-BR or en (Accept-Language).',
        body: GradcheckBody,
        response: { 200: GradcheckResponse, ...problemResponses },
        responseDocs: { 200: { description: 'Whether every checked element passes, the largest errors, and per element the analytic gradient, the numeric one, the two losses it comes from and any kinks crossed.' } },
      },
    },
    async (request, reply) => computer.respond('gradcheck', request, reply, GradcheckResponse),
  );
};
