/**
 * What fastify's router refuses before there is a route: a path that does not percent-decode
 * (FST_ERR_BAD_URL, `GET /v1/forward%`), a path parameter over maxParamLength
 * (FST_ERR_MAX_PARAM_LENGTH). Fastify hands these to its `frameworkErrors` option with a request
 * and a reply, but runs none of the app's hooks for them: no onRequest (the rate limit, the API
 * keys), no onSend (the request id, nosniff), no onResponse (the metrics, the log line). Here they
 * get what those hooks give every other request, then their problem document.
 * Before those, what Node's HTTP parser refuses (fastify's clientErrorHandler: a header block too
 * large, a request too slow, bytes that are not HTTP) is answered on the socket by
 * writeClientError, with no request to speak of: it is counted as a problem and logged here.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { languageHeaders } from './language.js';
import { type ErrorAnswer, type Problem, writeClientError } from './problem.js';

/** An onRequest check that refuses a request by rejecting with the HttpError of the refusal. */
export type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface Edge {
  /** The app's onRequest checks, in their order. */
  guards: readonly Guard[];
  /** The headers every answer carries (the app's onSend hook). */
  headers: (request: FastifyRequest, reply: FastifyReply) => void;
  /** Once the answer is sent: what the app's onResponse hooks do (the metrics, the log line). */
  answered: (request: FastifyRequest, statusCode: number, elapsedMs: number) => void;
  /** The error handler's answer (src/http/problem.ts). */
  answer: ErrorAnswer;
  /** A problem written on a connection before there was a request. */
  unparsed: (problem: Problem) => void;
}

type FrameworkErrorHandler = (error: Error, request: FastifyRequest, reply: FastifyReply) => void;

export class BeforeRouting {
  private edge?: Edge;

  /** fastify's `frameworkErrors` option, given when the app is created, before its hooks exist: `bind` gives it them. */
  readonly handler: FrameworkErrorHandler = (error, request, reply) => void this.answer(error, request, reply);

  /** fastify's `clientErrorHandler` option. */
  readonly clientError = (error: Error, socket: Socket): void =>
    writeClientError(error, socket, (p) => this.edge?.unparsed(p));

  bind(edge: Edge): void {
    this.edge = edge;
  }

  private async answer(error: Error, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const started = performance.now();
    const edge = this.edge;
    if (!edge) throw new Error('BeforeRouting: a request arrived before buildApp bound it');
    reply.raw.once('finish', () => edge.answered(request, reply.statusCode, performance.now() - started));
    edge.headers(request, reply);
    // A problem document's language, as every other problem says it (no onSend hook runs here).
    languageHeaders(request, reply);
    let refusal: Error = error;
    try {
      for (const guard of edge.guards) await guard(request, reply);
    } catch (e) {
      refusal = e as Error;
    }
    edge.answer(refusal, request, reply);
  }
}
