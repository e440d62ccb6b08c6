/**
 * The gradient service as a library: one call per operation, each taking the same JSON body as
 * its route and returning the same JSON, computed in this process (no HTTP, no worker threads).
 *
 *   import { gradients } from 'gradient-service';
 *   const result = gradients({ neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } });
 *   result.gradients.w; // 0.3342706384098403
 *
 * A body that does not match the route's schema, or that cannot be evaluated, throws a
 * SpecError whose `code` and `errors` (each with a `path` and a `message`, in the call's
 * `locale`) are those of the route's problem response; `localized` has each message in both
 * languages. The limits are the service's defaults unless given.
 */
import type { Locale } from './text.js';
import { DEFAULT_LIMITS, type Limits } from './engine/limits.js';
import { SpecError } from './engine/errors.js';
import { type Operation, prepareBody, readQuery } from './operations/operation.js';
import { operations } from './operations/index.js';

export { SpecError, type ExceededLimit, type FieldError, type LocalizedFieldError } from './engine/errors.js';
/** Every code a call's SpecError can carry: the engine's, grading's (UNKNOWN_ANSWER_KEY) and the schemas' (VALIDATION). */
export type ErrorCode =
  | import('./engine/errors.js').EngineErrorCode
  | import('./core/grading/grade.js').GradingErrorCode
  | import('./schemas/validate.js').ValidationErrorCode;
export { DEFAULT_LIMITS, type Limits } from './engine/limits.js';
export { FileAnswer } from './operations/operation.js';
export type { Locale } from './text.js';

export interface CallOptions {
  /** The language of warnings, notes, feedback, text and of a thrown SpecError's messages; English by default. */
  locale?: Locale;
  limits?: Partial<Limits>;
}

/** The library's call of an operation: its body as the route takes it, its options those of the route's query string. */
type Call<Op> =
  Op extends Operation<infer _Body, infer _Job, infer Result, infer Query, infer Input>
    ? (body: Input, options?: CallOptions & (undefined extends Query ? unknown : Partial<Query>)) => Result
    : never;

function callOf<Op extends Operation>(op: Op): Call<Op> {
  const call = (
    body: unknown,
    { locale = 'en', limits, ...query }: CallOptions & Record<string, unknown> = {},
  ): unknown => {
    try {
      const context = { limits: { ...DEFAULT_LIMITS, ...limits }, locale, query: readQuery(op, query) };
      return op.run(prepareBody(op, body, context));
    } catch (e) {
      throw e instanceof SpecError ? e.inLocale(locale) : e;
    }
  };
  return call as Call<Op>;
}

/** POST /v1/forward: the value of every leaf and node. */
export const forward = callOf(operations.forward);

/** POST /v1/gradients: the gradient of the output with respect to every id, and each node's local derivatives. */
export const gradients = callOf(operations.gradients);

/** POST /v1/step: the params after one or more SGD or Adam steps. */
export const step = callOf(operations.step);

/** POST /v1/gradcheck: central finite differences against backprop, per element. */
export const gradcheck = callOf(operations.gradcheck);

/** POST /v1/grade: a student's answers graded, with follow-through and diagnoses. */
export const grade = callOf(operations.grade);

/** POST /v1/explain: the forward and backward passes step by step, in the student's notation, as text, LaTeX and Markdown. */
export const explain = callOf(operations.explain);

/** POST /v1/exercises: a seeded exercise of a template, with its statement, expected answers and worked solution. */
export const exercise = callOf(operations.exercise);

/** POST /v1/exercises/export: a question bank of an exercise's variants (`format`: moodle-xml), as a FileAnswer holding the file, its content type and its Content-Disposition. */
export const exportExercises = callOf(operations.exportExercises);

/** POST /v1/render: a picture of the graph (`format`: svg, dot or mermaid), as a promise of its text and content type. */
export const render = callOf(operations.render);

/** Each call's request body, as its route takes it. */
export type ForwardRequest = Parameters<typeof forward>[0];
export type GradientsRequest = Parameters<typeof gradients>[0];
export type StepRequest = Parameters<typeof step>[0];
export type GradcheckRequest = Parameters<typeof gradcheck>[0];
export type GradeRequest = Parameters<typeof grade>[0];
export type ExplainRequest = Parameters<typeof explain>[0];
export type ExerciseRequest = Parameters<typeof exercise>[0];
export type RenderRequest = Parameters<typeof render>[0];
export type ExportExercisesRequest = Parameters<typeof exportExercises>[0];
