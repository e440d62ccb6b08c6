/** POST /v1/grade (docs/api.md §5): a spec, the student's answers, and how to compare them. */
import { z } from 'zod';
import { DEFAULT_GRADE_FORMAT, FD_EPSILON, docNumber } from '../core/defaults.js';
import { DIAGNOSIS_DEFINITIONS, diagnosisCodes } from '../core/grading/mistakes.js';
import { formats } from '../core/grading/format-names.js';
import { MAX_ID_LENGTH } from '../engine/compile.js';
import { gradeExamples } from './examples.js';
import { Optimizer } from './operations.js';
import { exactlyOneSpec, oneSpec, specFields } from './spec.js';
import { say } from '../text.js';
import { schemaMessage } from './validate.js';
import { MAX_ANSWER_TEXT_LENGTH } from '../core/grading/numbers.js';
import { Finite, WireNumber, WireValue } from './values.js';
import { Tolerance } from './tolerance.js';
import { ExerciseReference } from './authored.js';
import { ExerciseSeed } from './exercises.js';

/** Follow-through compares answers with each other: their number is bounded so grading stays fast. */
const MAX_ANSWERS = 200;
/** The longest key: `fd(dA/dB)` with two ids of the longest. */
const MAX_ANSWER_KEY_LENGTH = 2 * MAX_ID_LENGTH + 16;

const Positive = Finite.positive();

/**
 * Any JSON number: one beyond float64 (1e999) parses to ±Infinity, which zod's number refuses. In
 * an answer it is graded as unparseable, like the text "1e999", rather than refused: one student's
 * answer must not fail the whole submission.
 */
const AnswerNumber = z
  .custom<number>((v) => typeof v === 'number')
  .meta({ type: 'number', description: 'Any JSON number; one that is not finite (1e999) is graded as unparseable.' });
/** Any JSON text; one over MAX_ANSWER_TEXT_LENGTH characters is graded as unparseable. */
const AnswerText = z
  .string()
  .meta({ description: `Text; one over ${MAX_ANSWER_TEXT_LENGTH} characters is graded as unparseable.` });
/** What an LMS sends for a blank field: graded as unparseable ("no answer was given"), never refused. */
const AnswerBlank = z.union([z.null(), z.boolean()]);
/** Any object but the {value, tolerance} form (an object with a `value` member is that form, and checked as such). */
const AnswerObject = z
  .custom<Record<string, unknown>>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.hasOwn(v, 'value'),
  )
  .meta({
    type: 'object',
    not: { required: ['value'] },
    description: 'Any other object (without a `value` member): graded as unparseable.',
  });
const RawAnswer = z.union([AnswerNumber, AnswerText, AnswerBlank, z.array(z.unknown()), AnswerObject]).meta({
  id: 'RawAnswer',
  description:
    "A number, or text with '.' or ',' as the decimal separator ('0,4502'), or a fraction ('1/8'); vectors as lists and matrices as lists of rows of those. A number that is not finite ('1e999', 'Infinity', 'NaN', or the JSON number 1e999) is graded as unparseable. So is anything else, each answer on its own: null, true/false, an empty list, an object, a text over 1000 characters, a list nested deeper than rank 4. null, '' and [] read as no answer given.",
});

/** The answer in a result: the number(s) read, or the answer as sent, objects as their JSON text, texts cut at 100 characters. */
const SubmittedScalar = z.union([AnswerNumber, z.string(), z.boolean(), z.null()]);
/** Lists of scalars nested up to rank 4, as numbers.ts reads an answer. */
const SubmittedRow = z.array(SubmittedScalar);
const SubmittedLists = z.array(
  z.union([
    SubmittedScalar,
    z.array(z.union([SubmittedScalar, SubmittedRow, z.array(z.union([SubmittedScalar, SubmittedRow]))])),
  ]),
);
const Submitted = z.union([WireValue, SubmittedScalar, SubmittedLists]);

export const GradeBody = z
  .strictObject({
    ...specFields,
    exercise: ExerciseReference.optional().meta({
      description:
        'Grading by reference, instead of a spec: an authored exercise or {"template": id}, with the seed; the server draws the problem again, and grades as if it had been sent with its learningRate, epsilon, optimizer and tolerance (the body\'s own override them).',
    }),
    seed: ExerciseSeed.optional(),
    answers: z
      .record(
        z.string().max(MAX_ANSWER_KEY_LENGTH),
        z.union([RawAnswer, z.strictObject({ value: RawAnswer, tolerance: Tolerance.optional() })]),
      )
      .refine((a) => Object.keys(a).length > 0, {
        error: () => schemaMessage(say('give at least one answer', 'envie pelo menos uma resposta')),
      })
      .refine((a) => Object.keys(a).length <= MAX_ANSWERS, {
        error: () =>
          schemaMessage(
            say(`at most ${MAX_ANSWERS} answers in one request`, `no máximo ${MAX_ANSWERS} respostas por requisição`),
          ),
      })
      .meta({
        // The refinements as JSON Schema.
        minProperties: 1,
        maxProperties: MAX_ANSWERS,
        description:
          "Answer key -> the student's answer (or {value, tolerance} for a tolerance of its own). Keys: an id (`u`: its forward value), `dL/dw` (the derivative of one id with respect to another), `step(w)` (w after one update with learningRate), `fd(dL/dw)` (the central finite difference with epsilon). Results come back in this order.",
      }),
    tolerance: Tolerance.optional(),
    followThrough: z.boolean().optional().meta({
      description: "Credit a step that is right given the student's own earlier wrong answers (on by default).",
    }),
    learningRate: Positive.optional().meta({ description: 'Needed by step(...) answers.' }),
    epsilon: Positive.optional().meta({ description: `For fd(...) answers; ${docNumber(FD_EPSILON)} by default.` }),
    optimizer: Optimizer.optional(),
    format: z
      .enum(formats)
      .optional()
      .meta({
        description: `${DEFAULT_GRADE_FORMAT} (default), gradescope (results.json), prairielearn (external grader results) or coderunner (combinator grader result).`,
      }),
    showExpected: z.boolean().optional().meta({
      description:
        'coderunner format: show the Expected column (true by default), each value rounded to what the tolerance asks and, for follow-through, the value the answer was compared with and the answers it follows from. false leaves it out, so that the table gives no answer away.',
    }),
  })
  .superRefine((body, ctx) => {
    if (body.exercise === undefined) {
      if (body.seed !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['seed'],
          message: schemaMessage(say('a seed goes with an exercise', 'uma semente (seed) acompanha um exercise')),
        });
      }
      return exactlyOneSpec(body, ctx);
    }
    const spec = (['graph', 'neuron', 'network'] as const).find((k) => body[k] !== undefined);
    if (spec || body.seed === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: spec ? [spec] : ['seed'],
        message: schemaMessage(
          spec
            ? say('give an exercise or a spec, not both', 'envie um exercise ou uma especificação, não os dois')
            : say('an exercise needs its seed', 'um exercise precisa da sua semente (seed)'),
        ),
      });
    }
  })
  .meta({
    description:
      "A problem spec (or an exercise and a seed), the student's answers, and the grading rules. Feedback speaks the Accept-Language (pt-BR or en).",
    oneOf: [...oneSpec.oneOf, { required: ['exercise', 'seed'] }],
    ...gradeExamples(),
  });

const Diagnosis = z.enum(diagnosisCodes).meta({
  id: 'Diagnosis',
  description: Object.entries(DIAGNOSIS_DEFINITIONS)
    .map(([code, text]) => `${code}: ${text.en}`)
    .join(' '),
});

export const AnswerResult = z
  .object({
    key: z.string(),
    /** The number(s) read from the answer, or the answer as sent when it could not be read. */
    submitted: Submitted,
    expected: WireValue,
    correct: z.boolean(),
    /** 1 when correct; for a tensor answer, the fraction of its elements that are right. */
    credit: z.number().min(0).max(1),
    /** max |submitted - expected| over the elements; null when the answer could not be read or compared. */
    absError: WireNumber.nullable(),
    diagnosis: Diagnosis.nullable(),
    feedback: z.string(),
    /** Right only given the student's own earlier answers (error carried forward). */
    followThrough: z.boolean(),
    /** The earlier answer keys whose values the follow-through used. */
    followedFrom: z.array(z.string()),
    /** The expected value given those earlier answers, when follow-through applies. */
    followThroughExpected: WireValue.optional(),
    tolerance: Tolerance,
  })
  .meta({ id: 'AnswerResult' });

export const NativeGrade = z
  .object({
    score: z.number().min(0).max(1),
    correct: z.number().int(),
    total: z.number().int(),
    results: z.array(AnswerResult),
    feedback: z.string(),
    locale: z.enum(['en', 'pt-BR']),
  })
  .meta({ id: 'Grade' });

/** Feedback quotes the student's text: Gradescope must show it as text, never as HTML or Markdown. */
const GradescopeText = z.literal('text').meta({
  description: 'How Gradescope shows the output: as plain text, since feedback quotes what the student typed.',
});

export const GradescopeResults = z
  .object({
    score: z.number(),
    max_score: z.number(),
    output: z.string(),
    output_format: GradescopeText,
    tests: z.array(
      z.object({
        name: z.string(),
        score: z.number(),
        max_score: z.number(),
        status: z.enum(['passed', 'failed']),
        output: z.string(),
        output_format: GradescopeText,
      }),
    ),
  })
  .meta({ id: 'GradescopeResults', description: 'Gradescope autograder results.json' });

export const PrairieLearnResults = z
  .object({
    gradable: z.boolean(),
    score: z.number().min(0).max(1),
    message: z.string(),
    tests: z.array(z.object({ name: z.string(), points: z.number(), max_points: z.number(), message: z.string() })),
  })
  .meta({ id: 'PrairieLearnResults', description: 'PrairieLearn external grader results' });

export const CodeRunnerResult = z
  .object({
    fraction: z.number().min(0).max(1),
    testresults: z.array(z.array(z.union([z.string(), z.boolean()]))),
    prologuehtml: z.string(),
  })
  .meta({ id: 'CodeRunnerResult', description: 'CodeRunner combinator template grader result' });

export const GradeResponse = z.union([NativeGrade, GradescopeResults, PrairieLearnResults, CodeRunnerResult]);
