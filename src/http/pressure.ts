/**
 * Load shedding (@fastify/under-pressure): while the event loop is saturated (its mean delay over
 * a sample above `maxEventLoopDelayMs`, or its utilization above `maxEventLoopUtilization`) or
 * the heap is nearly full (above `maxHeapUsedFraction` of V8's heap limit), requests are answered
 * at once with a 503 problem and Retry-After instead of queueing behind the others, and /readyz
 * turns 503 so that a balancer sends new traffic elsewhere. The probes and /metrics are always
 * answered. A threshold of 0 is not checked.
 */
import { getHeapStatistics } from 'node:v8';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Localized, say } from '../text.js';
import { HttpError } from './http-error.js';

export interface SheddingOptions {
  maxEventLoopDelayMs: number;
  /** A fraction of V8's heap size limit (0 to 1). */
  maxHeapUsedFraction: number;
  /** The event loop's busy fraction over a sample (0 to 1). */
  maxEventLoopUtilization: number;
  /** How often the measurements are taken (the plugin's default, 1 s, unless a test says). */
  sampleIntervalMs?: number;
}

export const DEFAULT_SHEDDING: SheddingOptions = {
  maxEventLoopDelayMs: 1000,
  maxHeapUsedFraction: 0.9,
  maxEventLoopUtilization: 0,
};

const RETRY_AFTER_SECONDS = 10;

const REASONS: Record<string, Localized> = {
  eventLoopDelay: say(
    'its event loop is saturated (MAX_EVENT_LOOP_DELAY_MS)',
    'seu laço de eventos está saturado (MAX_EVENT_LOOP_DELAY_MS)',
  ),
  eventLoopUtilization: say(
    'its event loop is saturated (MAX_EVENT_LOOP_UTILIZATION)',
    'seu laço de eventos está saturado (MAX_EVENT_LOOP_UTILIZATION)',
  ),
  heapUsedBytes: say(
    'its memory is nearly full (MAX_HEAP_USED_FRACTION)',
    'sua memória está quase cheia (MAX_HEAP_USED_FRACTION)',
  ),
};

function overloaded(type: string): HttpError {
  const reason = REASONS[type] ?? say('it is overloaded', 'ele está sobrecarregado');
  const s = RETRY_AFTER_SECONDS;
  return new HttpError(
    503,
    'OVERLOADED',
    say(
      `the service is refusing work while ${reason.en}: retry in ${s} s`,
      `o serviço está recusando trabalho enquanto ${reason['pt-BR']}: tente de novo em ${s} s`,
    ),
    {},
    { retryAfterSeconds: s },
  );
}

/**
 * Sheds the requests that `exempt` does not exempt, from where it is registered on. Returns
 * whether the process is under pressure now (for /readyz); always false without options.
 */
export async function registerLoadShedding(
  app: FastifyInstance,
  options: SheddingOptions | undefined,
  exempt: (request: FastifyRequest) => boolean,
): Promise<() => boolean> {
  if (!options) return () => false;
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    // Any fraction above 0 is at least a byte (0 is not checked).
    maxHeapUsedBytes:
      options.maxHeapUsedFraction > 0
        ? Math.max(1, Math.floor(options.maxHeapUsedFraction * getHeapStatistics().heap_size_limit))
        : 0,
    maxEventLoopUtilization: options.maxEventLoopUtilization,
    // Over the last sample, not since the process started.
    eventLoopUtilizationMode: 'interval',
    ...(options.sampleIntervalMs !== undefined && { sampleInterval: options.sampleIntervalMs }),
    // Called only under pressure: nothing (the request goes on), or the 503 for the error handler.
    pressureHandler: (request, _reply, type) => (exempt(request) ? undefined : Promise.reject(overloaded(type))),
  });
  return () => app.isUnderPressure();
}
