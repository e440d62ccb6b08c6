/**
 * How a compute route answers. A body too large to handle on the event loop goes to a worker
 * thread as text, to be parsed, validated, compiled and computed there. Any other body is
 * prepared on the event loop (compile and limits, no computing); the job then runs right there
 * when it is small, or on a worker thread when its estimated work is above the offload threshold.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Limits } from '../engine/limits.js';
import { tapeSize } from '../engine/tape.js';
import { type OperationName, operations } from '../operations/index.js';
import { FileAnswer, type Operation, prepareBody, tapeOf } from '../operations/operation.js';
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

/**
 * Whether preparing a validated body takes OFFLOAD_WORK or more. Validated bodies have no defaults
 * or transforms: sent to the worker as JSON, they are validated there as the same body.
 */
const longToPrepare = (op: Operation, body: unknown, offloadWork: number): boolean =>
  op.prepareWork !== undefined && op.prepareWork(body) >= offloadWork;

export class Computer {
  constructor(private readonly options: ComputeOptions) {}

  /** Answers `request` with the operation `name`: on the event loop, or on a worker thread. */
  async respond(name: OperationName, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { limits, pool, offloadWork, metrics } = this.options;
    const op: Operation = operations[name];
    const body = request.body;
    const query = request.query;
    // A body too large to parse on the event loop, or one whose preparing is long (grading an
    // authored exercise by reference draws it), is parsed, validated and prepared on a worker thread.
    const text = body instanceof RawJson ? body.text : longToPrepare(op, body, offloadWork) ? JSON.stringify(body) : '';
    if (pool && text) {
      const chosen = body instanceof RawJson ? undefined : op.language?.(body);
      // An answer in the language the body chose says so (src/http/language.ts keeps it).
      if (chosen) reply.header('content-language', chosen);
      request.log.info({ operation: name, bodyLength: text.length }, 'computing on a worker');
      const context = { limits, locale: requestLocale(request), query };
      return this.offload(pool, { kind: 'body', name, text, context }, request, reply);
    }
    const job: unknown =
      body instanceof RawJson
        ? prepareBody(op, JSON.parse(body.text), { limits, locale: requestLocale(request), query })
        : this.prepare(op, body, query, request, reply);
    // Counted before an offload moves the tape's arrays to the worker.
    const tape = tapeOf(job);
    if (tape) metrics?.countGraph(name, tapeSize(tape));
    const work = op.work(job);
    if (!pool || work < offloadWork) {
      // Only a picture waits (for Graphviz): a JSON answer is sent without a tick of its own.
      let result: unknown = op.run(job);
      if (result instanceof Promise) result = await result;
      if (!(result instanceof FileAnswer)) return reply.send(result);
      if (result.headers) reply.headers(result.headers);
      return reply.type(result.type).send(result.body);
    }
    request.log.info({ operation: name, work }, 'computing on a worker');
    return this.offload(pool, { kind: 'job', name, job }, request, reply);
  }

  /** A body parsed and validated by its route, prepared in its language: the request's, or the one the body chose. */
  private prepare(op: Operation, body: unknown, query: unknown, request: FastifyRequest, reply: FastifyReply): unknown {
    const chosen = op.language?.(body);
    // An answer in the language the body chose says so (src/http/language.ts keeps it).
    if (chosen) reply.header('content-language', chosen);
    return op.prepare(body, { limits: this.options.limits, locale: chosen ?? requestLocale(request), query });
  }

  private async offload(
    pool: ComputePool,
    work: Work,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
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
    const { json, bytes, type, headers } = computed;
    if (this.options.checkResponses && !bytes)
      checkResponse(operations[work.name].response, type ? json : JSON.parse(json), request.url);
    if (headers) reply.headers(headers);
    // Bytes come back from the worker as a plain Uint8Array: a Buffer over the same memory is what fastify sends as is.
    const payload = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : json;
    return reply.type(type ?? 'application/json; charset=utf-8').send(payload);
  }
}
