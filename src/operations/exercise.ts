/** POST /v1/exercises: a seeded exercise with its statement, expected answers and worked solution. */
import { generateExercise } from '../core/exercises/index.js';
import { ExerciseBody, ExerciseResponse } from '../schemas/exercises.js';
import { ProblemDetails, errorExamplesNamed } from '../schemas/problem-details.js';
import type { Locale } from '../text.js';
import { operation } from './operation.js';

export interface ExerciseJob {
  template: string;
  seed: number | string;
  locale: Locale;
}

export const exerciseOperation = operation({
  path: '/v1/exercises',
  body: ExerciseBody,
  response: ExerciseResponse,
  // A template's exercise is small and quick: no worker, so no 503 of a busy pool.
  errors: { 400: ProblemDetails, 413: ProblemDetails, 415: ProblemDetails, 422: ProblemDetails },
  largeBodies: false,
  docs: {
    tags: ['exercises'],
    summary: 'A seeded exercise: fresh numbers, statement, worked solution and expected answers',
    description:
      "The same template and seed always give the same exercise. `problem` is what POST /v1/grade takes back with the student's `answers`; `answers` holds the expected value of each key, computed by the evaluator. Statement and solution are markdown in the requested locale (the body's `locale`, else pt-BR when Accept-Language starts with pt, else en). An unknown template is a 422 whose path is `template`.",
    responseDocs: {
      200: {
        description:
          'The exercise: its statement, the problem to grade against, the answer keys, the expected answers and the worked solution.',
      },
      400: {
        description:
          'The body is not JSON (`MALFORMED_JSON`), or the schema refuses it (`VALIDATION`: no template or seed, a negative seed, an unknown field).',
        examples: errorExamplesNamed('malformed-json'),
      },
      413: { description: 'The body is over `BODY_LIMIT_BYTES`.', examples: errorExamplesNamed('body-too-large') },
      422: {
        description: 'No template has this id (path `template`); GET /v1/exercises/templates lists them.',
        examples: errorExamplesNamed('unknown-template'),
      },
    },
  },
  // The exercise is in the body's language whatever Accept-Language says.
  language: (body) => body.locale,
  prepare: ({ template, seed }, { locale }): ExerciseJob => ({ template, seed, locale }),
  // Drawing, solving and explaining a template's small graph: well under the offload threshold.
  work: () => 0,
  run: ({ template, seed, locale }) => generateExercise(template, seed, locale),
});
