/**
 * The compute pool: worker threads (piscina) for the jobs too heavy for the event loop, so that
 * health probes and small requests keep answering while they run.
 * - Each job has a compute-time budget, counted from when a worker starts it. Over it, the task
 *   is aborted: piscina terminates that worker and starts a fresh one, and the caller gets a
 *   BudgetExceededError. A job whose client has gone is stopped the same way.
 * - At most `threads` jobs run and `queue` wait; one more is refused with a PoolBusyError at
 *   once, rather than waiting in an unbounded queue.
 */
import { JsonSyntaxError } from '../http/json-syntax.js';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { SpecError } from '../engine/errors.js';
import type { ComputeOutcome, ComputeTask, Computed, Work } from './compute-worker.js';

export interface PoolOptions {
  /** Worker threads; the machine's cores by default. */
  threads: number;
  /** Jobs that may wait for a thread. */
  queue: number;
  /** Compute time one job may take, in ms. */
  budgetMs: number;
}

export const DEFAULT_POOL: PoolOptions = {
  threads: availableParallelism(),
  queue: 2 * availableParallelism(),
  budgetMs: 10_000,
};

export class BudgetExceededError extends Error {
  constructor(readonly budgetMs: number) {
    super(`the computation took more than the compute-time budget of ${budgetMs} ms`);
  }
}

/** The client closed its connection before its job was done: the job was stopped. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection before the computation was done');
  }
}

export class PoolBusyError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly threads: number,
    readonly queue: number,
  ) {
    super('every compute worker is busy and the queue is full');
  }
}

const WORKER_NICE = 10;

/** Under tests and `tsx`, the worker is TypeScript: its thread loads tsx first. */
const workerFile = new URL(`./compute-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
const workerExecArgv = workerFile.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [];

/** The typed arrays of a prepared job (its tape's arrays): moved to the worker rather than copied. */
function buffersOf(work: Work): ArrayBuffer[] {
  const tape = work.kind === 'job' ? (work.job as { tape?: Record<string, unknown> }).tape : undefined;
  if (!tape) return [];
  return Object.values(tape).flatMap((v) =>
    ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer ? [v.buffer] : [],
  );
}

export class ComputePool {
  private pool?: Piscina<ComputeTask, ComputeOutcome>;
  /** Jobs submitted and not yet settled: running or waiting. */
  private inFlight = 0;
  private closed = false;

  constructor(readonly options: PoolOptions) {}

  /**
   * Computes on a worker thread; resolves to the response as JSON text (and the size of a graph
   * compiled there). `cancel` (the client going away) stops the work like the budget does.
   */
  async run(work: Work, cancel?: AbortSignal): Promise<Computed> {
    const { threads, queue, budgetMs } = this.options;
    if (this.closed) throw new PoolBusyError(1, threads, queue);
    if (this.inFlight >= threads + queue) throw new PoolBusyError(this.retryAfterSeconds(), threads, queue);
    this.pool ??= new Piscina<ComputeTask, ComputeOutcome>({
      filename: workerFile.href,
      execArgv: workerExecArgv,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 60_000,
      // Workers run at a lower priority than the event loop (nice +10, where the platform allows:
      // piscina's optional @napi-rs/nice), so that with every core busy computing, probes and
      // small requests still get the CPU first.
      niceIncrement: WORKER_NICE,
    });
    const started = new Int32Array(new SharedArrayBuffer(4));
    const overBudget = new AbortController();
    const abort = cancel ? AbortSignal.any([overBudget.signal, cancel]) : overBudget.signal;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const start = Atomics.waitAsync(started, 0, 0);
    if (start.async) {
      void start.value.then(() => {
        if (!settled) timer = setTimeout(() => overBudget.abort(), budgetMs);
      });
    }
    this.inFlight++;
    try {
      const outcome = await this.pool.run({ work, started }, { signal: abort, transferList: buffersOf(work) });
      if ('refused' in outcome)
        throw new SpecError(outcome.refused.code, outcome.refused.localized, outcome.refused.extra);
      if ('malformed' in outcome) throw new JsonSyntaxError(outcome.malformed, outcome.hint);
      return outcome;
    } catch (e) {
      if (overBudget.signal.aborted) throw new BudgetExceededError(budgetMs);
      if (cancel?.aborted) throw new ClientGoneError();
      throw e;
    } finally {
      settled = true;
      this.inFlight--;
      clearTimeout(timer);
      Atomics.notify(started, 0); // releases the wait of a job that never started
    }
  }

  /** Jobs running on a worker thread now: at most `threads`. */
  get busy(): number {
    return Math.min(this.inFlight, this.options.threads);
  }

  /** Jobs waiting for a worker thread: at most `queue`; one more is refused with a PoolBusyError. */
  get queued(): number {
    return Math.max(0, this.inFlight - this.options.threads);
  }

  /** Worker threads alive: started with the first job, each stopped after a minute idle. */
  get threads(): number {
    return this.pool?.threads.length ?? 0;
  }

  /** Seconds until a slot is likely free: the mean run time of the jobs so far, from 1 to 60. */
  private retryAfterSeconds(): number {
    const mean = this.pool?.histogram.runTime.mean;
    return Math.min(60, Math.max(1, Number.isFinite(mean) ? Math.ceil(mean! / 1000) : 1));
  }

  /** Lets the running jobs finish, then stops the threads. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }
}
