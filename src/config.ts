/** The one place that reads configuration: the environment, with defaults for a laptop. */
import { DEFAULT_LIMITS, type Limits } from './engine/limits.js';

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  /** Largest request body in bytes. */
  bodyLimit: number;
  limits: Limits;
  /** How long shutdown waits for requests in flight, in ms. */
  shutdownGraceMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
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
      maxWork: int(env, 'MAX_WORK', DEFAULT_LIMITS.maxWork),
    },
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000),
  };
}
