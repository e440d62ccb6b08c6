import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Locale, generateExercise, listTemplates } from '../core/exercises/index.js';
import { localeFrom } from '../text.js';
import { ExerciseBody, ExerciseResponse, ExerciseTemplatesResponse } from '../schemas/exercises.js';
import { ProblemDetails, errorExamplesNamed } from '../schemas/problem-details.js';

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
        description: 'Each template is a kind of exercise (a neuron with each activation, with mse and bce, a 2-2-1 network, a finite-difference check). Its id goes to POST /v1/exercises with a seed; `answerKeys` are the keys every exercise of the template asks for, as POST /v1/grade takes them.',
        response: { 200: ExerciseTemplatesResponse },
        responseDocs: { 200: { description: 'Every template, with its title and description in English and in Brazilian Portuguese.' } },
      },
    },
    // Each title and description in both languages, whatever the request's language.
    async (_request, reply) => reply.header('content-language', 'en, pt-BR').send(templates),
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
        response: { 200: ExerciseResponse, 400: ProblemDetails, 413: ProblemDetails, 415: ProblemDetails, 422: ProblemDetails },
        responseDocs: {
          200: { description: 'The exercise: its statement, the problem to grade against, the answer keys, the expected answers and the worked solution.' },
          400: { description: 'The body is not JSON (`MALFORMED_JSON`), or the schema refuses it (`VALIDATION`: no template or seed, a negative seed, an unknown field).', examples: errorExamplesNamed('malformed-json') },
          413: { description: 'The body is over `BODY_LIMIT_BYTES`.', examples: errorExamplesNamed('body-too-large') },
          422: { description: 'No template has this id (path `template`); GET /v1/exercises/templates lists them.', examples: errorExamplesNamed('unknown-template') },
        },
      },
    },
    async (request, reply) => {
      const { template, seed, locale } = request.body;
      const language = localeOf(locale, request.headers['accept-language']);
      // The exercise is in this language whatever Accept-Language says (src/http/language.ts keeps it).
      reply.header('content-language', language);
      return generateExercise(template, seed, language);
    },
  );
};
