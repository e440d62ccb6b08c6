/**
 * The one place where errors become HTTP answers: RFC 9457 problem details with a machine code
 * and the paths of the offending fields. Internals (stack traces, messages of unexpected
 * errors) never reach a client; they go to the log.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, type FieldProblem, SpecError } from '../engine/errors.js';
import { BudgetExceededError, PoolBusyError } from '../workers/pool.js';

const STATUS: Record<ErrorCode, number> = {
  INVALID_VALUE: 400,
  EXPR_SYNTAX: 400,
  INVALID_SPEC: 422,
  UNKNOWN_ID: 422,
  DUPLICATE_ID: 422,
  CYCLE: 422,
  UNKNOWN_OP: 422,
  ARITY: 422,
  BAD_ATTR: 422,
  SHAPE_MISMATCH: 422,
  NON_SCALAR_OUTPUT: 422,
  DOMAIN: 422,
  UNKNOWN_ANSWER_KEY: 422,
  TOO_LARGE: 413,
  VALIDATION: 400,
};

const TITLES: Record<string, string> = {
  INVALID_VALUE: 'Invalid value',
  EXPR_SYNTAX: 'The expr text does not parse',
  INVALID_SPEC: 'The spec cannot be evaluated',
  UNKNOWN_ID: 'Unknown id',
  DUPLICATE_ID: 'Duplicate id',
  CYCLE: 'The graph has a cycle',
  UNKNOWN_OP: 'Unknown op',
  ARITY: 'Wrong number of args',
  BAD_ATTR: 'Invalid attr',
  SHAPE_MISMATCH: 'Shape mismatch',
  NON_SCALAR_OUTPUT: 'The output is not a scalar',
  DOMAIN: 'Value outside the domain of an op',
  UNKNOWN_ANSWER_KEY: 'Unknown answer key',
  TOO_LARGE: 'Too large',
  VALIDATION: 'The request does not match the schema',
  TIME_BUDGET: 'Over the compute-time budget',
  BUSY: 'Busy',
  MALFORMED_JSON: 'Malformed JSON',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  NOT_FOUND: 'Not found',
  INTERNAL: 'Internal error',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: FieldProblem[];
  requestId?: string;
  [extra: string]: unknown;
}

const typeUri = (code: string): string => `urn:gradient-service:problem:${code.toLowerCase().replaceAll('_', '-')}`;

export function problem(status: number, code: string, detail: string, errors: FieldProblem[] = [], extra: Record<string, unknown> = {}): Problem {
  return { type: typeUri(code), title: TITLES[code] ?? 'Error', status, detail, code, errors, ...extra };
}

function sendProblem(reply: FastifyReply, request: FastifyRequest, p: Problem): FastifyReply {
  if (typeof p.retryAfterSeconds === 'number') reply.header('retry-after', String(p.retryAfterSeconds));
  return reply
    .code(p.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send({ ...p, requestId: request.id });
}

const detailOf = (errors: FieldProblem[]): string =>
  errors.length === 1 ? `${errors[0].path || 'body'}: ${errors[0].message}` : `${errors.length} problems, first ${errors[0].path || 'body'}: ${errors[0].message}`;

export function toProblem(error: FastifyError | Error): Problem {
  if (error instanceof SpecError) {
    return problem(STATUS[error.code], error.code, detailOf(error.errors), error.errors, error.extra);
  }
  if (error instanceof BudgetExceededError) {
    return problem(413, 'TIME_BUDGET', `${error.message} (COMPUTE_BUDGET_MS) and was stopped: ask for less work (fewer steps, a narrower wrt, fewer answers or a smaller graph)`, [], {
      budgetMs: error.budgetMs,
    });
  }
  if (error instanceof PoolBusyError) {
    return problem(503, 'BUSY', `every compute worker (${error.threads}, WORKERS) is busy and ${error.queue} requests are waiting (WORKER_QUEUE): retry in ${error.retryAfterSeconds} s`, [], {
      retryAfterSeconds: error.retryAfterSeconds,
    });
  }
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'TOO_LARGE', 'the request body is larger than the limit (BODY_LIMIT_BYTES)');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'MALFORMED_JSON', 'the body is empty: send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(400, 'MALFORMED_JSON', `the body is not valid JSON: ${fe.message}`);
  }
  if (error instanceof SyntaxError || fe.statusCode === 400) return problem(400, 'MALFORMED_JSON', `the body is not valid JSON: ${error.message}`);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return problem(fe.statusCode, fe.code ?? 'CLIENT_ERROR', error.message);
  return problem(500, 'INTERNAL', 'the service failed on this request; the request id identifies it in the logs');
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const p = toProblem(error);
    if (p.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, request, p);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, problem(404, 'NOT_FOUND', `no route ${request.method} ${request.url}; see /docs`)),
  );
}
