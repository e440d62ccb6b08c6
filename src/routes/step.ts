import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Computer } from '../http/compute.js';
import { StepBody, StepResponse } from '../schemas/operations.js';
import { problemResponses } from '../schemas/problem-details.js';

export const stepRoute: FastifyPluginAsyncZod<{ computer: Computer }> = async (app, { computer }) => {
  app.post(
    '/v1/step',
    {
      config: { rawLargeBodies: true },
      schema: {
        tags: ['compute'],
        summary: 'Update step: the params after one or more SGD or Adam steps',
        description:
          'Applies `steps` updates with torch.optim semantics (SGD with optional momentum; Adam with beta1, beta2, eps) and returns the params, the loss before the first and after the last step, and the loss before each step (history).',
        body: StepBody,
        response: { 200: StepResponse, ...problemResponses },
        responseDocs: { 200: { description: 'The `params` after the last step (w - learningRate · dL/dw for plain SGD), the loss before the first and after the last step, and the loss before each step.' } },
      },
    },
    async (request, reply) => computer.respond('step', request, reply, StepResponse),
  );
};
