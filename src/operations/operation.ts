/**
 * An operation of the service (forward, gradients, step, gradcheck, grade) in two halves, so the
 * same code serves the HTTP routes, the library and the worker threads:
 * - `prepare` reads the body and compiles it, and refuses whatever is over a limit (work, response
 *   size) before any computing. What it returns is plain data that can be posted to a worker.
 * - `run` computes the response body from it: JSON, or a TextAnswer (possibly once a promise
 *   settles: a picture waits for Graphviz).
 */
import type { z } from 'zod';
import type { Limits } from '../engine/limits.js';
import type { Locale } from '../text.js';
import type { RenderFormat } from '../core/render/index.js';
import { validate } from '../schemas/validate.js';

export interface OperationContext {
  limits: Limits;
  /** The language of notes and feedback. */
  locale: Locale;
  /** POST /v1/render: the picture's format, from the query. */
  format?: RenderFormat;
}

/** An answer that is not JSON: text in its own content type (a picture). */
export class TextAnswer {
  constructor(
    readonly text: string,
    readonly type: string,
  ) {}
}

export interface Operation<Body, Job, Result> {
  /** The request body's schema (the route's, and the library's validation). */
  readonly body: z.ZodType<Body>;
  prepare(body: Body, context: OperationContext): Job;
  /** Element operations the job will take: what decides whether it runs on a worker thread. */
  work(job: Job): number;
  run(job: Job): Result;
}

export const operation = <Body, Job, Result>(op: Operation<Body, Job, Result>): Operation<Body, Job, Result> => op;

/** A body as it came, validated, then prepared: the first half of `perform`. */
export function prepareBody<Body, Job, Result>(op: Operation<Body, Job, Result>, body: unknown, context: OperationContext): Job {
  const checked = validate(op.body, body);
  if ('error' in checked) throw checked.error;
  return op.prepare(checked.value, context);
}

/** The whole operation on a body as it came (validated here): the library's call. */
export function perform<Body, Job, Result>(op: Operation<Body, Job, Result>, body: unknown, context: OperationContext): Result {
  return op.run(prepareBody(op, body, context));
}
