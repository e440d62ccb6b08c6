import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertScalarOutput, backward, forward } from '../engine/evaluate.js';
import { checkLimits, type Limits } from '../engine/limits.js';
import { compileProblem } from '../problems/index.js';
import { gradientsReport } from '../core/report.js';
import { GradientsBody, GradientsResponse } from '../schemas/operations.js';
import { problemResponses } from '../schemas/problem-details.js';

export const gradientsRoute: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  app.post(
    '/v1/gradients',
    {
      schema: {
        tags: ['compute'],
        summary: 'Backpropagation: the gradient of the output with respect to every id',
        description:
          'Forward values, dOutput/dId for every id (shaped like its value; 0 where the output does not depend on the id) and, for scalar graphs, the local derivative of each node with respect to each of its args. The output must be a scalar.',
        body: GradientsBody,
        response: { 200: GradientsResponse, ...problemResponses },
      },
    },
    async (request) => {
      const g = compileProblem(request.body);
      assertScalarOutput(g);
      checkLimits(g, 2, limits);
      const values = forward(g);
      return gradientsReport(g, values, backward(g, values));
    },
  );
};
