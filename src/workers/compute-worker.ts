/**
 * A worker thread of the compute pool: computes one operation and returns the response as JSON
 * text (a string crosses back to the main thread as one copy, where an object would be cloned
 * piece by piece). The work is a job the event loop has prepared (compiled and checked), or a
 * body still as text, too large to parse, validate and compile on the event loop. A problem with
 * the request comes back as data, to be answered as one; anything else is a failure of the
 * service and rejects the task.
 */
import { SpecError } from '../engine/errors.js';
import { type TapeSize, tapeSize } from '../engine/tape.js';
import { type OperationName, operations } from '../operations/index.js';
import { type OperationContext, prepareBody } from '../operations/operation.js';

export type Work =
  | { kind: 'job'; name: OperationName; job: unknown }
  | { kind: 'body'; name: OperationName; text: string; context: OperationContext };

export interface ComputeTask {
  work: Work;
  /** Set to 1 when the work starts: the compute-time budget counts from then. */
  started: Int32Array;
}

/** The response as JSON text; for a body compiled here, its graph's size (a job's was counted where it was compiled). */
export interface Computed {
  json: string;
  graph?: TapeSize;
}

export type ComputeOutcome =
  | Computed
  /** A problem with the request, its messages in both languages: the main thread answers in the request's. */
  | { problem: Pick<SpecError, 'code' | 'problems' | 'extra'> }
  /** A body that is not JSON: the message of the parser's SyntaxError. */
  | { malformed: string };

function computed(work: Work): Computed {
  const op = operations[work.name] as (typeof operations)['forward'];
  if (work.kind === 'job') return { json: JSON.stringify(op.run(work.job as never)) };
  const job = prepareBody(op, JSON.parse(work.text), work.context);
  return { json: JSON.stringify(op.run(job)), graph: tapeSize(job.tape) };
}

export default function compute({ work, started }: ComputeTask): ComputeOutcome {
  Atomics.store(started, 0, 1);
  Atomics.notify(started, 0);
  try {
    return computed(work);
  } catch (e) {
    if (e instanceof SpecError) return { problem: { code: e.code, problems: e.problems, extra: e.extra } };
    if (e instanceof SyntaxError && work.kind === 'body') return { malformed: e.message };
    throw e;
  }
}
