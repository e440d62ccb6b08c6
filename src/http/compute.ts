/**
 * How a compute route answers. A body too large to handle on the event loop goes to a worker
 * thread as text, to be parsed, validated, compiled and computed there. Any other body is
 * prepared on the event loop (compile and limits, no computing); the job then runs right there
 * when it is small, or on a worker thread when its estimated work is above the offload threshold.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Limits } from '../engine/limits.js';
import { tapeSize } from '../engine/tape.js';
import { type OperationName, operations } from '../operations/index.js';
import { type OperationContext, TextAnswer, prepareBody } from '../operations/operation.js';
import type { Computed, Work } from '../workers/compute-worker.js';
import { ClientGoneError, type ComputePool } from '../workers/pool.js';
import { requestLocale } from './language.js';
import { logRequest } from './log.js';
import type { Metrics } from './metrics.js';
import { RawJson } from './raw-json.js';
import { checkResponse } from './zod-compilers.js';

/**
 * Element operations above which a job goes to a worker thread: about a millisecond of compute
 * on the event loop (bench/offload-threshold.ts measures where the round trip to a worker pays).
 */
export const DEFAULT_OFFLOAD_WORK = 300_000;

/** Bodies longer than this (in characters) are parsed on a worker thread: a millisecond or two of parsing, validation and compile. */
export const DEFAULT_OFFLOAD_BODY = 64 * 1024;

export interface ComputeOptions {
  limits: Limits;
  /** Where heavy jobs run; without it every job runs on the event loop. */
  pool?: ComputePool;
  offloadWork: number;
  /** Tests: check responses computed on a worker against their schema, as the serializer does for the others. */
  checkResponses: boolean;
  /** Counts each compiled graph, and the requests whose client went away. */
  metrics?: Metrics;
}

export class Computer {
  constructor(private readonly options: ComputeOptions) {}

  /** `given`: what the route adds to the context from the request (a picture's format). */
  async respond(name: OperationName, request: FastifyRequest, reply: FastifyReply, responseSchema: z.ZodType, given: Partial<OperationContext> = {}): Promise<FastifyReply> {
    const { limits, pool, offloadWork, metrics } = this.options;
    const op = operations[name] as (typeof operations)['forward'];
    const context = { ...given, limits, locale: requestLocale(request) };
    const body = request.body;
    if (body instanceof RawJson && pool) {
      request.log.info({ operation: name, bodyLength: body.text.length }, 'computing on a worker');
      return this.offload(pool, { kind: 'body', name, text: body.text, context }, request, reply, responseSchema);
    }
    const job = body instanceof RawJson ? prepareBody(op, JSON.parse(body.text), context) : op.prepare(body as never, context);
    // Counted before an offload moves the tape's arrays to the worker.
    metrics?.countGraph(name, tapeSize(job.tape));
    const work = op.work(job);
    if (!pool || work < offloadWork) {
      // Only a picture waits (for Graphviz): a JSON answer is sent without a tick of its own.
      let result: unknown = op.run(job);
      if (result instanceof Promise) result = await result;
      return result instanceof TextAnswer ? reply.type(result.type).send(result.text) : reply.send(result);
    }
    request.log.info({ operation: name, work }, 'computing on a worker');
    return this.offload(pool, { kind: 'job', name, job }, request, reply, responseSchema);
  }

  private async offload(pool: ComputePool, work: Work, request: FastifyRequest, reply: FastifyReply, responseSchema: z.ZodType): Promise<FastifyReply> {
    // A client that closes its connection before the answer frees its worker.
    const gone = new AbortController();
    const onClose = (): void => {
      if (!reply.raw.writableFinished) gone.abort();
    };
    reply.raw.once('close', onClose);
    let computed: Computed;
    try {
      computed = await pool.run(work, gone.signal);
    } catch (e) {
      if (!(e instanceof ClientGoneError)) throw e;
      // No answer can be sent, and fastify writes no log line, and runs no onResponse hook, for a response never finished.
      logRequest(request, 499, reply.elapsedTime);
      this.options.metrics?.countRequest(request, 499, reply.elapsedTime);
      return reply;
    } finally {
      reply.raw.off('close', onClose);
    }
    // A body sent as text was compiled on the worker: its graph is counted from there.
    if (computed.graph) this.options.metrics?.countGraph(work.name, computed.graph);
    const { json, type } = computed;
    if (this.options.checkResponses) checkResponse(responseSchema, type ? json : JSON.parse(json), request.url);
    return reply.type(type ?? 'application/json; charset=utf-8').send(json);
  }
}
