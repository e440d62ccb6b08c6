import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Computer } from '../http/compute.js';
import { GradeBody, GradeResponse } from '../schemas/grade.js';
import { errorExamplesNamed, problemResponses } from '../schemas/problem-details.js';

export const gradeRoute: FastifyPluginAsyncZod<{ computer: Computer }> = async (app, { computer }) => {
  app.post(
    '/v1/grade',
    {
      config: { rawLargeBodies: true },
      schema: {
        tags: ['grading'],
        summary: "Grade a student's hand-computed answers",
        description:
          'Each answer is compared with the expected value at its tolerance. A wrong answer that is right given the student\'s own earlier wrong answers gets follow-through credit (followThrough: true, followedFrom names them). Otherwise a diagnosis names a common mistake when recomputing with that mistake gives the answer (see the Diagnosis schema). An answer key that names no id is a 422. Feedback is in pt-BR or en (Accept-Language).',
        body: GradeBody,
        response: { 200: GradeResponse, ...problemResponses },
        responseDocs: {
          200: {
            description:
              'The score, and per answer: the expected value, whether it is correct, the credit, the diagnosis of a wrong answer, follow-through, and a feedback sentence in the request\'s language. In the `format` asked for (native by default).',
          },
          422: {
            description: 'An answer key names an id the problem does not have (`UNKNOWN_ANSWER_KEY`, path `answers.<key>`), or the spec cannot be evaluated (unknown id, cycle, shape mismatch...).',
            examples: errorExamplesNamed('unknown-answer-key', 'unknown-id'),
          },
        },
      },
    },
    async (request, reply) => computer.respond('grade', request, reply, GradeResponse),
  );
};
