/**
 * A worker thread of the compute pool: runs one operation's job and returns the response as
 * JSON text (a string crosses back to the main thread as one copy, where an object would be
 * cloned piece by piece). A problem with the request comes back as data, to be answered as
 * one; anything else is a failure of the service and rejects the task.
 */
import { SpecError } from '../engine/errors.js';
import { type OperationName, operations } from '../operations/index.js';

export interface ComputeTask {
  name: OperationName;
  job: unknown;
  /** Set to 1 when the job starts running: the compute-time budget counts from then. */
  started: Int32Array;
}

export type ComputeOutcome = { json: string } | { problem: Pick<SpecError, 'code' | 'errors' | 'extra'> };

export default function compute({ name, job, started }: ComputeTask): ComputeOutcome {
  Atomics.store(started, 0, 1);
  Atomics.notify(started, 0);
  try {
    const run = operations[name].run as (job: unknown) => unknown;
    return { json: JSON.stringify(run(job)) };
  } catch (e) {
    if (e instanceof SpecError) return { problem: { code: e.code, errors: e.errors, extra: e.extra } };
    throw e;
  }
}
