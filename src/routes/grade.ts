import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { inFormat } from '../core/grading/formats.js';
import { grade } from '../core/grading/grade.js';
import { MAX_NODES_FOR_NODE_MISTAKES } from '../core/grading/mistakes.js';
import type { CompiledGraph } from '../engine/compile.js';
import { checkLimits, type Limits } from '../engine/limits.js';
import { localeFrom } from '../core/locale.js';
import { compileProblem } from '../problems/index.js';
import { GradeBody, GradeResponse } from '../schemas/grade.js';
import { problemResponses } from '../schemas/problem-details.js';

/**
 * Forward/backward passes one answer may cost: its own, follow-through, and for diagnosis one
 * recomputation per mistake variant (a few per node on graphs small enough to try them), each
 * possibly on top of follow-through.
 */
const passesPerAnswer = (g: CompiledGraph): number =>
  4 + 4 * (g.tape.length <= MAX_NODES_FOR_NODE_MISTAKES ? g.tape.reduce((n, node) => n + node.args.length + 4, 2) : 2);

export const gradeRoute: FastifyPluginAsyncZod<{ limits: Limits }> = async (app, { limits }) => {
  app.post(
    '/v1/grade',
    {
      schema: {
        tags: ['grading'],
        summary: "Grade a student's hand-computed answers",
        description:
          'Each answer is compared with the expected value at its tolerance. A wrong answer that is right given the student\'s own earlier wrong answers gets follow-through credit (followThrough: true, followedFrom names them). Otherwise a diagnosis names a common mistake when recomputing with that mistake gives the answer (see the Diagnosis schema). An answer key that names no id is a 422. Feedback is in pt-BR or en (Accept-Language).',
        body: GradeBody,
        response: { 200: GradeResponse, ...problemResponses },
      },
    },
    async (request) => {
      const { answers, tolerance, followThrough, learningRate, epsilon, optimizer, format = 'native' } = request.body;
      const g = compileProblem(request.body);
      checkLimits(g, passesPerAnswer(g) * Object.keys(answers).length, limits);
      const locale = localeFrom(request.headers['accept-language']);
      return inFormat(grade(g, { answers, tolerance, followThrough, learningRate, epsilon, optimizer, locale }), format);
    },
  );
};
