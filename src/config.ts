/** The one place that reads configuration: the environment, with defaults for a laptop. */
import { DEFAULT_LIMITS, type Limits } from './engine/limits.js';
import { DEFAULT_OFFLOAD_BODY, DEFAULT_OFFLOAD_WORK } from './http/compute.js';
import { DEFAULT_POOL, type PoolOptions } from './workers/pool.js';

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  /** Largest request body in bytes. */
  bodyLimit: number;
  limits: Limits;
  pool: PoolOptions;
  /** Jobs estimated above this many element operations run on a worker thread. */
  offloadWork: number;
  /** Bodies longer than this run on a worker thread from the parse on. */
  offloadBody: number;
  /** How long shutdown waits for requests in flight, in ms. */
  shutdownGraceMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer of at least ${min}, got '${raw}'`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024),
    limits: {
      maxNodes: int(env, 'MAX_NODES', DEFAULT_LIMITS.maxNodes),
      maxElements: int(env, 'MAX_ELEMENTS', DEFAULT_LIMITS.maxElements),
      maxTotalElements: int(env, 'MAX_TOTAL_ELEMENTS', DEFAULT_LIMITS.maxTotalElements),
      maxWork: int(env, 'MAX_WORK', DEFAULT_LIMITS.maxWork),
      maxResponseValues: int(env, 'MAX_RESPONSE_VALUES', DEFAULT_LIMITS.maxResponseValues),
    },
    pool: {
      threads: int(env, 'WORKERS', DEFAULT_POOL.threads, 1),
      queue: int(env, 'WORKER_QUEUE', DEFAULT_POOL.queue),
      budgetMs: int(env, 'COMPUTE_BUDGET_MS', DEFAULT_POOL.budgetMs, 1),
    },
    offloadWork: int(env, 'OFFLOAD_WORK', DEFAULT_OFFLOAD_WORK),
    offloadBody: int(env, 'OFFLOAD_BODY_BYTES', DEFAULT_OFFLOAD_BODY),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000),
  };
}
