import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { forward } from '../engine/evaluate.js';
import { checkLimits, type Limits } from '../engine/limits.js';
import { compileProblem } from '../problems/index.js';
import { forwardReport } from '../core/report.js';
import { ForwardBody, ForwardResponse } from '../schemas/operations.js';
import { problemResponses } from '../schemas/problem-details.js';

export const forwardRoute: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  app.post(
    '/v1/forward',
    {
      schema: {
        tags: ['compute'],
        summary: 'Forward pass: the value of every leaf and node',
        description: 'Evaluates the graph (or neuron, or network) and returns the value of every id. Non-finite results are written as "NaN", "Infinity" or "-Infinity" and listed in warnings.',
        body: ForwardBody,
        response: { 200: ForwardResponse, ...problemResponses },
      },
    },
    async (request) => {
      const g = compileProblem(request.body);
      checkLimits(g, 1, limits);
      return forwardReport(g, forward(g));
    },
  );
};
