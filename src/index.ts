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
import type { z } from 'zod';
import type { Locale } from './text.js';
import { DEFAULT_LIMITS, type Limits } from './engine/limits.js';
import { SpecError } from './engine/errors.js';
import { type Operation, perform } from './operations/operation.js';
import { operations } from './operations/index.js';
import type { ExplainBody, ExplainResponse } from './schemas/explain.js';
import type { GradeBody, GradeResponse } from './schemas/grade.js';
import type { ForwardBody, ForwardResponse, GradcheckBody, GradcheckResponse, GradientsBody, GradientsResponse, StepBody, StepResponse } from './schemas/operations.js';

export { SpecError, type ErrorCode, type FieldError, type LocalizedFieldError } from './engine/errors.js';
export { DEFAULT_LIMITS, type Limits } from './engine/limits.js';
export type { Locale } from './text.js';

export interface CallOptions {
  /** The language of warnings, notes, feedback and of a thrown SpecError's messages; English by default. */
  locale?: Locale;
  limits?: Partial<Limits>;
}

function call<Body, Job, Result>(op: Operation<Body, Job, Result>, body: unknown, options: CallOptions = {}): Result {
  const locale = options.locale ?? 'en';
  try {
    return perform(op, body, { limits: { ...DEFAULT_LIMITS, ...options.limits }, locale });
  } catch (e) {
    throw e instanceof SpecError ? e.inLocale(locale) : e;
  }
}

export type ForwardRequest = z.input<typeof ForwardBody>;
export type GradientsRequest = z.input<typeof GradientsBody>;
export type StepRequest = z.input<typeof StepBody>;
export type GradcheckRequest = z.input<typeof GradcheckBody>;
export type GradeRequest = z.input<typeof GradeBody>;
export type ExplainRequest = z.input<typeof ExplainBody>;

/** POST /v1/forward: the value of every leaf and node. */
export const forward = (body: ForwardRequest, options?: CallOptions): z.output<typeof ForwardResponse> => call(operations.forward, body, options);

/** POST /v1/gradients: the gradient of the output with respect to every id, and each node's local derivatives. */
export const gradients = (body: GradientsRequest, options?: CallOptions): z.output<typeof GradientsResponse> => call(operations.gradients, body, options);

/** POST /v1/step: the params after one or more SGD or Adam steps. */
export const step = (body: StepRequest, options?: CallOptions): z.output<typeof StepResponse> => call(operations.step, body, options);

/** POST /v1/gradcheck: central finite differences against backprop, per element. */
export const gradcheck = (body: GradcheckRequest, options?: CallOptions): z.output<typeof GradcheckResponse> => call(operations.gradcheck, body, options);

/** POST /v1/grade: a student's answers graded, with follow-through and diagnoses. */
export const grade = (body: GradeRequest, options?: CallOptions): z.output<typeof GradeResponse> => call(operations.grade, body, options);

/** POST /v1/explain: the forward and backward passes step by step, in the student's notation, as text, LaTeX and Markdown. */
export const explain = (body: ExplainRequest, options?: CallOptions): z.output<typeof ExplainResponse> => call(operations.explain, body, options);
