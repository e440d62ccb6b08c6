/**
 * A worker thread of the compute pool: computes one operation and returns the response as JSON
 * text, or the text of a picture with its content type (a string crosses back to the main thread
 * as one copy, where an object would be cloned piece by piece). The work is a job the event loop
 * has prepared (compiled and checked), or a body still as text, too large to parse, validate and
 * compile on the event loop. An error in the request comes back as data, to be answered as
 * one; anything else is a failure of the service and rejects the task.
 */
import { JsonSyntaxError, parseJson } from '../http/json-syntax.js';
import type { Localized } from '../text.js';
import { SpecError } from '../engine/errors.js';
import { type TapeSize, tapeSize } from '../engine/tape.js';
import { type OperationName, operations } from '../operations/index.js';
import { type Operation, type OperationContext, FileAnswer, prepareBody, tapeOf } from '../operations/operation.js';

export type Work =
  | { kind: 'job'; name: OperationName; job: unknown }
  | { kind: 'body'; name: OperationName; text: string; context: OperationContext<unknown> };

export interface ComputeTask {
  work: Work;
  /** Set to 1 when the work starts: the compute-time budget counts from then. */
  started: Int32Array;
}

/** The response as JSON text; for a body compiled here, its graph's size (a job's was counted where it was compiled). */
export interface Computed {
  /** The response body: JSON, or the text of a FileAnswer when `type` is set (empty when it has bytes). */
  json: string;
  /** A FileAnswer's bytes (a zip file). */
  bytes?: Uint8Array;
  /** A FileAnswer's content type. */
  type?: string;
  /** A FileAnswer's own headers. */
  headers?: Record<string, string>;
  graph?: TapeSize;
}

export type ComputeOutcome =
  | Computed
  /** An error in the request, its messages in both languages: the main thread answers in the request's. */
  | { refused: Pick<SpecError, 'code' | 'localized' | 'extra'> }
  /** A body that is not JSON: the message of the parser's SyntaxError, and its hint. */
  | { malformed: string; hint?: Localized };

/** The response of a job; a picture's is text in its own content type. */
async function answer(op: Operation, job: unknown): Promise<Computed> {
  const result: unknown = await op.run(job);
  if (!(result instanceof FileAnswer)) return { json: JSON.stringify(result) };
  const { body, type, headers } = result;
  return typeof body === 'string' ? { json: body, type, headers } : { json: '', bytes: body, type, headers };
}

async function computed(work: Work): Promise<Computed> {
  const op: Operation = operations[work.name];
  if (work.kind === 'job') return answer(op, work.job);
  const job = prepareBody(op, parseJson(work.text), work.context);
  const tape = tapeOf(job);
  return { ...(await answer(op, job)), graph: tape && tapeSize(tape) };
}

export default async function compute({ work, started }: ComputeTask): Promise<ComputeOutcome> {
  Atomics.store(started, 0, 1);
  Atomics.notify(started, 0);
  try {
    return await computed(work);
  } catch (e) {
    if (e instanceof SpecError) return { refused: { code: e.code, localized: e.localized, extra: e.extra } };
    if (e instanceof SyntaxError && work.kind === 'body')
      return { malformed: e.message, hint: e instanceof JsonSyntaxError ? e.hint : undefined };
    throw e;
  }
}
