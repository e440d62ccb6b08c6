import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listTemplates } from '../core/exercises/index.js';
import { ExerciseTemplatesResponse } from '../schemas/exercises.js';

/** Built once: the templates do not change while the service runs. */
const templates = { templates: listTemplates() };

/** GET /v1/exercises/templates; POST /v1/exercises is an operation (src/operations/exercise.ts). */
export const exerciseTemplatesRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/exercises/templates',
    {
      schema: {
        tags: ['exercises'],
        summary: 'The exercise templates, with their titles and answer keys',
        description:
          'Each template is a kind of exercise (a neuron with each activation, with mse and bce, a 2-2-1 network, a finite-difference check). Its id goes to POST /v1/exercises with a seed; `answerKeys` are the keys every exercise of the template asks for, as POST /v1/grade takes them.',
        response: { 200: ExerciseTemplatesResponse },
        responseDocs: {
          200: {
            description: 'Every template, with its title and description in English and in Brazilian Portuguese.',
          },
        },
      },
    },
    // Each title and description in both languages, whatever the request's language.
    async (_request, reply) => reply.header('content-language', 'en, pt-BR').send(templates),
  );
};
