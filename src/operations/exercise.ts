/** POST /v1/exercises: a seeded exercise with its statement, expected answers and worked solution. */
import { generateAuthoredExercise } from '../core/exercises/authored/index.js';
import { authoredDrawWork } from '../core/exercises/authored/work.js';
import { generateExercise } from '../core/exercises/index.js';
import type { AuthoredExerciseInput } from '../schemas/authored.js';
import { ExerciseBody, ExerciseResponse } from '../schemas/exercises.js';
import { ProblemDetails, errorExamplesNamed } from '../schemas/problem-details.js';
import type { Locale } from '../text.js';
import { operation } from './operation.js';

export interface ExerciseJob {
  template?: string;
  exercise?: AuthoredExerciseInput;
  seed: number | string;
  locale: Locale;
}

export const exerciseOperation = operation({
  path: '/v1/exercises',
  body: ExerciseBody,
  response: ExerciseResponse,
  errors: { 400: ProblemDetails, 413: ProblemDetails, 415: ProblemDetails, 422: ProblemDetails, 503: ProblemDetails },
  largeBodies: false,
  docs: {
    tags: ['exercises'],
    summary: 'A seeded exercise: fresh numbers, statement, worked solution and expected answers',
    description:
      "Give a template id or an authored exercise (`exercise`: a neuron, network or graph whose leaves are value sources, the keys to ask, optional constraints, title and statement; docs/api.md), with a seed. The same template (or exercise) and seed always give the same exercise. `problem` is what POST /v1/grade takes back with the student's `answers`; `answers` holds the expected value of each key, computed by the evaluator. Statement and solution are markdown in the requested locale (the body's `locale`, else pt-BR when Accept-Language starts with pt, else en). An unknown template is a 422 whose path is `template`.",
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
        description:
          'No template has this id (path `template`; GET /v1/exercises/templates lists them), or an authored field is wrong (`INVALID_SPEC`, its path under `exercise`: min above max, a step of 0, decimals out of 0..6, an empty choices, an answer key or placeholder of no id, a constraint that can never hold), or no variant in MAX_DRAWS (200) draws meets the constraints (path `exercise.constraints.<name>` of the one that failed most).',
        examples: errorExamplesNamed('unknown-template'),
      },
    },
  },
  // The exercise is in the body's language whatever Accept-Language says.
  language: (body) => body.locale,
  prepare: ({ template, exercise, seed }, { locale }): ExerciseJob => ({ template, exercise, seed, locale }),
  // A template's graph is small and drawn in a millisecond or less; an authored exercise's may be
  // large and redrawn up to MAX_DRAWS times, so it is drawn on a worker thread when that is long.
  work: ({ exercise }) => (exercise ? authoredDrawWork(exercise) : 0),
  run: ({ template, exercise, seed, locale }) =>
    exercise ? generateAuthoredExercise(exercise, seed, locale) : generateExercise(template!, seed, locale),
});
