/** POST /v1/grade: a student's hand-computed answers, graded. */
import { DEFAULT_GRADE_FORMAT } from '../core/defaults.js';
import { inFormat } from '../core/grading/formats.js';
import {
  type GradeOptions,
  type ReadAnswer,
  asSent,
  grade,
  gradeValueCount,
  gradingPasses,
  readAnswers,
} from '../core/grading/grade.js';
import type { Format } from '../core/grading/format-names.js';
import { say } from '../text.js';
import { NUMBER_BYTES, checkResponseBytes, checkResponseSize, checkWork } from '../engine/limits.js';
import type { Tape } from '../engine/tape.js';
import { compileSpec } from '../specs/index.js';
import { authoredDrawWork } from '../core/exercises/authored/work.js';
import { referencedProblem } from '../core/exercises/reference.js';
import type { z } from 'zod';
import { GradeBody, GradeResponse } from '../schemas/grade.js';
import { operation } from './operation.js';
import { errorExamplesNamed, problemResponses } from '../schemas/problem-details.js';

export interface GradeJob {
  tape: Tape;
  /** Forward and backward passes grading may make. */
  passes: number;
  answers: ReadAnswer[];
  options: GradeOptions;
  format: Format;
  /** CodeRunner's Expected column. */
  showExpected?: boolean;
}

export const ASK_FOR_FEWER_ANSWERS = say(
  'send fewer answers, or answers about smaller tensors',
  'envie menos respostas, ou respostas sobre tensores menores',
);

/** A result's keys, score, diagnosis and feedback sentences (in pt-BR, the longer), besides its numbers, key and answer. */
const RESULT_BYTES = 1_000;

/**
 * Bytes of a grade, at most, in any format: each result with its expected, submitted and
 * follow-through values, its key (named in several places) and the student's answer (quoted in
 * `submitted` and in the feedback, as the report echoes it: a text too long to read cut at 100
 * characters).
 */
const gradeBytes = (tape: Tape, answers: readonly ReadAnswer[]): number =>
  answers.reduce((n, a) => n + RESULT_BYTES + 6 * a.key.length + 3 * JSON.stringify(asSent(a.raw)).length, 1_000) +
  NUMBER_BYTES * gradeValueCount(tape, answers);

/**
 * A body that names an exercise and a seed, as the body of the problem drawn again: its spec and
 * settings, which the body's own override; grading then cannot tell the two apart.
 */
function byReference(body: z.output<typeof GradeBody>): z.output<typeof GradeBody> {
  const { exercise, seed, ...rest } = body;
  if (exercise === undefined) return body;
  const { learningRate, epsilon, optimizer, tolerance, ...spec } = referencedProblem(exercise, seed!);
  return {
    ...spec,
    ...(learningRate !== undefined ? { learningRate } : {}),
    ...(epsilon !== undefined ? { epsilon } : {}),
    ...(optimizer !== undefined ? { optimizer } : {}),
    ...(tolerance !== undefined ? { tolerance } : {}),
    ...withoutUndefined(rest),
  } as z.output<typeof GradeBody>;
}

const withoutUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export const gradeOperation = operation({
  path: '/v1/grade',
  body: GradeBody,
  response: GradeResponse,
  errors: problemResponses,
  largeBodies: true,
  askForLess: ASK_FOR_FEWER_ANSWERS,
  docs: {
    tags: ['grading'],
    summary: "Grade a student's hand-computed answers",
    description:
      'Each answer is compared with the expected value at its tolerance. A wrong answer that is right given the student\'s own earlier wrong answers gets follow-through credit (followThrough: true, followedFrom names them). Otherwise a diagnosis names a common mistake when recomputing with that mistake gives the answer (see the Diagnosis schema). An answer key that names no id is a 422. Grading by reference: send `exercise` (an authored exercise, or {"template": id}) and `seed` instead of a spec, and the server draws the problem again, exactly as POST /v1/exercises drew it. Feedback is in pt-BR or en (Accept-Language).',
    responseDocs: {
      200: {
        description: `The score, and per answer: the expected value, whether it is correct, the credit, the diagnosis of a wrong answer, follow-through, and a feedback sentence in the request's language. In the \`format\` asked for (${DEFAULT_GRADE_FORMAT} by default).`,
      },
      422: {
        description:
          'An answer key names an id the problem does not have (`UNKNOWN_ANSWER_KEY`, path `answers.<key>`), or the spec cannot be evaluated (unknown id, cycle, shape mismatch...), or the exercise graded by reference is unknown or wrong (path under `exercise`, as POST /v1/exercises says).',
        examples: errorExamplesNamed('unknown-answer-key', 'unknown-id'),
      },
    },
  },
  // Grading an authored exercise by reference draws it first, up to MAX_DRAWS times.
  prepareWork: ({ exercise }) => (exercise && !('template' in exercise) ? authoredDrawWork(exercise) : 0),
  prepare(sent, { limits, locale }): GradeJob {
    const body = byReference(sent);
    const {
      answers,
      tolerance,
      followThrough,
      learningRate,
      epsilon,
      optimizer,
      format = DEFAULT_GRADE_FORMAT,
      showExpected,
    } = body;
    const tape = compileSpec(body, limits);
    const read = readAnswers(tape, answers, tolerance);
    const passes = gradingPasses(tape, read);
    checkWork(
      tape,
      passes,
      limits,
      say(
        'send fewer answers (finite differences of large tensors cost the most), or a smaller graph',
        'envie menos respostas (as diferenças finitas de tensores grandes são as mais caras), ou um grafo menor',
      ),
    );
    checkResponseSize(tape, gradeValueCount(tape, read), limits, ASK_FOR_FEWER_ANSWERS);
    checkResponseBytes(tape, gradeBytes(tape, read), limits, ASK_FOR_FEWER_ANSWERS);
    return {
      tape,
      passes,
      answers: read,
      options: { followThrough, learningRate, epsilon, optimizer, locale },
      format,
      showExpected,
    };
  },
  work: ({ tape, passes }) => passes * tape.passWork,
  run: ({ tape, answers, options, format, showExpected }) =>
    inFormat(grade(tape, answers, options), format, { showExpected }),
});
