/**
 * What a response may hold, and how long it may wait for its client:
 * - MAX_RESPONSE_BYTES bounds every body. The operations refuse, before computing, a response
 *   whose size follows from the spec; this is the backstop for the others (a gradcheck's kinks,
 *   an answer computed on a worker): a body over the limit is replaced by a 413 problem that says
 *   how to ask for less, and is never sent. The documentation is exempt.
 * - A client that does not read its answer leaves it in the process's memory. Large answers (over
 *   what the kernel's socket buffer takes at once) count against MAX_UNREAD_RESPONSE_BYTES until
 *   their client has taken them; one that would go over it is a 503 with Retry-After instead. An
 *   answer not taken within SEND_TIMEOUT_MS is abandoned and its connection closed.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Localized, say } from '../text.js';
import { responseBytesMessage } from '../engine/limits.js';
import { operations } from '../operations/index.js';
import { requestLocale } from './language.js';
import { type Problem, type ProblemObserver, problem, withSetting } from './problem.js';
import { surfaceOf } from './surface.js';

export interface SendOptions {
  /** Bytes of large answers written and not yet taken by their clients, all connections together. */
  maxUnreadBytes: number;
  /** How long one large answer may wait for its client to take it, in ms. */
  sendTimeoutMs: number;
}

export const DEFAULT_SEND: SendOptions = { maxUnreadBytes: 64 * 1024 * 1024, sendTimeoutMs: 60_000 };

/** Answers up to this size go into the kernel's socket buffer at once: they are not counted. */
export const SMALL_RESPONSE_BYTES = 64 * 1024;

/** How to ask each route for less: its operation says. */
const ASK_FOR_LESS: Record<string, Localized | undefined> = Object.fromEntries(
  Object.values(operations).map((op) => [op.path, op.askForLess]),
);
const ASK_FOR_SMALLER = say(
  'ask for less: send a smaller graph, with shorter ids',
  'peça menos: envie um grafo menor, com ids mais curtos',
);

type Payload = string | Buffer;
const isPayload = (payload: unknown): payload is Payload => typeof payload === 'string' || Buffer.isBuffer(payload);

/** The payload's size in bytes when it may be over `limit` (a string's UTF-8 is 1 to 3 bytes a unit); 0 when it surely is not. */
function bytesOver(payload: Payload, limit: number): number {
  if (typeof payload !== 'string') return payload.length > limit ? payload.length : 0;
  if (3 * payload.length <= limit) return 0;
  const bytes = Buffer.byteLength(payload);
  return bytes > limit ? bytes : 0;
}

function replaceBy(request: FastifyRequest, reply: FastifyReply, p: Problem): string {
  reply
    .code(p.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('content-language', requestLocale(request));
  if (typeof p.retryAfterSeconds === 'number') reply.header('retry-after', String(p.retryAfterSeconds));
  return JSON.stringify({ ...p, requestId: request.id });
}

/** Large answers not yet taken by their clients: their bytes, and when each is abandoned. */
class Unread {
  bytes = 0;
  /** Each answer waiting, by its response, with its deadline: in the order they began to wait, so also by deadline (one SEND_TIMEOUT_MS for all). */
  private readonly deadlines = new Map<ServerResponse, number>();

  constructor(private readonly options: SendOptions) {}

  /** Counts the answer until its response has finished or its connection has closed; closes the connection at the deadline. */
  track(request: FastifyRequest, reply: FastifyReply, bytes: number): void {
    const res = reply.raw;
    const deadline = Date.now() + this.options.sendTimeoutMs;
    this.bytes += bytes;
    this.deadlines.set(res, deadline);
    const timer = setTimeout(() => {
      request.log.warn(
        { responseBytes: bytes, sendTimeoutMs: this.options.sendTimeoutMs },
        'the client did not take its answer in time (SEND_TIMEOUT_MS): connection closed',
      );
      res.destroy();
    }, this.options.sendTimeoutMs);
    timer.unref();
    const settle = (): void => {
      clearTimeout(timer);
      this.bytes -= bytes;
      this.deadlines.delete(res);
      res.off('finish', settle);
      res.off('close', settle);
    };
    res.once('finish', settle);
    res.once('close', settle);
  }

  /** Seconds until the first answer waiting is taken or abandoned, at most. */
  retryAfterSeconds(): number {
    const first = this.deadlines.values().next().value ?? Date.now();
    return Math.max(1, Math.ceil((first - Date.now()) / 1000));
  }
}

export function registerResponseBytes(
  app: FastifyInstance,
  maxResponseBytes: number,
  send: SendOptions,
  observe: ProblemObserver,
): void {
  const unread = new Unread(send);
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!isPayload(payload)) return done(null, payload);
    const over = bytesOver(payload, maxResponseBytes);
    if (over && surfaceOf(request) !== 'docs' && surfaceOf(request) !== 'play') {
      const route = request.routeOptions.url ?? '';
      const message = responseBytesMessage(over, maxResponseBytes, ASK_FOR_LESS[route] ?? ASK_FOR_SMALLER, false);
      const p = problem(
        requestLocale(request),
        413,
        'TOO_LARGE',
        withSetting(message, { name: 'maxResponseBytes', count: over, max: maxResponseBytes }),
      );
      observe(p);
      request.log.info({ responseBytes: over, maxResponseBytes }, 'answer over MAX_RESPONSE_BYTES replaced by a 413');
      return done(null, replaceBy(request, reply, p));
    }
    if (payload.length <= SMALL_RESPONSE_BYTES) return done(null, payload);
    // A string's length: its bytes for the ASCII of JSON, and close enough for the budget otherwise.
    const bytes = payload.length;
    if (unread.bytes > 0 && unread.bytes + bytes > send.maxUnreadBytes) {
      const s = unread.retryAfterSeconds();
      const p = problem(
        requestLocale(request),
        503,
        'OVERLOADED',
        say(
          `answers of ${unread.bytes} bytes in all are waiting for clients that have not read them, and this one would take the total over the limit of ${send.maxUnreadBytes} (MAX_UNREAD_RESPONSE_BYTES): retry in ${s} s`,
          `respostas que somam ${unread.bytes} bytes esperam clientes que ainda não as leram, e esta levaria o total acima do limite de ${send.maxUnreadBytes} (MAX_UNREAD_RESPONSE_BYTES): tente de novo em ${s} s`,
        ),
        [],
        { retryAfterSeconds: s },
      );
      observe(p);
      request.log.warn(
        { responseBytes: bytes, unreadBytes: unread.bytes, maxUnreadBytes: send.maxUnreadBytes },
        'answer refused: too many bytes unread by clients',
      );
      return done(null, replaceBy(request, reply, p));
    }
    unread.track(request, reply, bytes);
    done(null, payload);
  });
}
