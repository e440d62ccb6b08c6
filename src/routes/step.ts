import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertScalarOutput } from '../engine/evaluate.js';
import { checkLimits, type Limits } from '../engine/limits.js';
import { compileProblem } from '../problems/index.js';
import { stepReport } from '../core/report.js';
import { train } from '../core/train.js';
import { StepBody, StepResponse } from '../schemas/operations.js';
import { problemResponses } from '../schemas/problem-details.js';

export const stepRoute: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  app.post(
    '/v1/step',
    {
      schema: {
        tags: ['compute'],
        summary: 'Update step: the params after one or more SGD or Adam steps',
        description:
          'Applies `steps` updates with torch.optim semantics (SGD with optional momentum; Adam with beta1, beta2, eps) and returns the params, the loss before the first and after the last step, and the loss before each step (history).',
        body: StepBody,
        response: { 200: StepResponse, ...problemResponses },
      },
    },
    async (request) => {
      const { learningRate, steps = 1, optimizer = { name: 'sgd' } } = request.body;
      const g = compileProblem(request.body);
      assertScalarOutput(g);
      checkLimits(g, 2 * steps + 1, limits);
      return stepReport(g, train(g, { learningRate, steps, optimizer }));
    },
  );
};
