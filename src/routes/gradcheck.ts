import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertScalarOutput } from '../engine/evaluate.js';
import { GRADCHECK_DEFAULTS, checkedSlots, gradcheck } from '../core/gradcheck.js';
import { checkLimits, type Limits } from '../engine/limits.js';
import { localeFrom } from '../core/locale.js';
import { compileProblem } from '../problems/index.js';
import { gradcheckReport } from '../core/report.js';
import { GradcheckBody, GradcheckResponse } from '../schemas/operations.js';
import { problemResponses } from '../schemas/problem-details.js';

export const gradcheckRoute: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  app.post(
    '/v1/gradcheck',
    {
      schema: {
        tags: ['compute'],
        summary: 'Gradient check: central finite differences against backprop, per element',
        description:
          'For each element of each checked leaf: numeric = (lossPlus - lossMinus) / (2 epsilon), compared with the analytic gradient; pass when absError <= atol + rtol * |numeric|. An element whose perturbation moves the input of a relu, abs or leaky_relu across 0 lists those nodes in `kinks`, with a note in pt-BR or en (Accept-Language).',
        body: GradcheckBody,
        response: { 200: GradcheckResponse, ...problemResponses },
      },
    },
    async (request) => {
      const { epsilon = GRADCHECK_DEFAULTS.epsilon, rtol = GRADCHECK_DEFAULTS.rtol, atol = GRADCHECK_DEFAULTS.atol, wrt } = request.body;
      const g = compileProblem(request.body);
      assertScalarOutput(g);
      const elements = checkedSlots(g, wrt).reduce((n, s) => n + g.leafValues[s]!.data.length, 0);
      checkLimits(g, 2 * elements + 2, limits);
      return gradcheckReport({ epsilon, rtol, atol }, gradcheck(g, { epsilon, rtol, atol, wrt }), localeFrom(request.headers['accept-language']));
    },
  );
};
