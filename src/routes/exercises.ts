import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Locale, generateExercise, listTemplates } from '../core/exercises/index.js';
import { localeFrom } from '../core/locale.js';
import { ExerciseBody, ExerciseResponse, ExerciseTemplatesResponse } from '../schemas/exercises.js';
import { ProblemDetails } from '../schemas/problem-details.js';

/** Built once: the templates do not change while the service runs. */
const templates = { templates: listTemplates() };

/** The body's locale, else the request's language (Accept-Language). */
const localeOf = (given: Locale | undefined, acceptLanguage: string | undefined): Locale => given ?? localeFrom(acceptLanguage);

export const exercisesRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/exercises/templates',
    {
      schema: {
        tags: ['exercises'],
        summary: 'The exercise templates, with their titles and answer keys',
        response: { 200: ExerciseTemplatesResponse },
      },
    },
    async () => templates,
  );

  app.post(
    '/v1/exercises',
    {
      schema: {
        tags: ['exercises'],
        summary: 'A seeded exercise: fresh numbers, statement, worked solution and expected answers',
        description:
          'The same template and seed always give the same exercise. `problem` is what POST /v1/grade takes back with the student\'s `answers`; `answers` holds the expected value of each key, computed by the evaluator. Statement and solution are markdown in the requested locale (the body\'s `locale`, else pt-BR when Accept-Language starts with pt, else en). An unknown template is a 422 whose path is `template`.',
        body: ExerciseBody,
        response: { 200: ExerciseResponse, 400: ProblemDetails, 422: ProblemDetails },
      },
    },
    async (request) => {
      const { template, seed, locale } = request.body;
      return generateExercise(template, seed, localeOf(locale, request.headers['accept-language']));
    },
  );
};
