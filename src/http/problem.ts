/**
 * The one place where errors become HTTP answers: RFC 9457 problem details with a machine code
 * and the paths of the offending fields. Internals (stack traces, messages of unexpected
 * errors) never reach a client; they go to the log.
 */
import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { type Locale, type Localized, localeFrom, quote, say } from '../text.js';
import { type EngineErrorCode, type ExceededLimit, type FieldError, SpecError } from '../engine/errors.js';
import { type Limits, namingSetting } from '../engine/limits.js';
import { LIMIT_SETTINGS } from '../settings.js';
import type { GradingErrorCode } from '../core/grading/grade.js';
import type { ValidationErrorCode } from '../schemas/validate.js';
import { BudgetExceededError, PoolBusyError } from '../workers/pool.js';
import { HttpError } from './http-error.js';
import { requestLocale } from './language.js';
import { noteFailure } from './log.js';
import { RouteMethods } from './methods.js';
import { jsonSyntaxMessage } from './json-syntax.js';
import type { ProblemDetails } from '../schemas/problem-details.js';

/** The status of each code a SpecError carries: the engine's, grading's and the schemas'. */
const STATUS: Record<EngineErrorCode | GradingErrorCode | ValidationErrorCode, number> = {
  INVALID_VALUE: 400,
  EXPR_SYNTAX: 400,
  INVALID_SPEC: 422,
  UNKNOWN_ID: 422,
  DUPLICATE_ID: 422,
  CYCLE: 422,
  UNKNOWN_OP: 422,
  ARITY: 422,
  BAD_ATTR: 422,
  INVALID_ATTR: 400,
  SHAPE_MISMATCH: 422,
  NON_SCALAR_OUTPUT: 422,
  DOMAIN: 422,
  UNKNOWN_ANSWER_KEY: 422,
  TOO_LARGE: 413,
  VALIDATION: 400,
};

/** A SpecError's status; a code without one (none is raised) is a request that cannot be processed. */
const statusOf = (code: string): number => (Object.hasOwn(STATUS, code) ? STATUS[code as keyof typeof STATUS] : 422);

/** A limit's message with the setting it is read from (src/settings.ts), which the engine never names: `... more than the limit of 6 (MAX_NODES)`. */
export const withSetting = (message: Localized, limit: ExceededLimit): Localized =>
  Object.hasOwn(LIMIT_SETTINGS, limit.name)
    ? namingSetting(message, limit, LIMIT_SETTINGS[limit.name as keyof Limits])
    : message;

/** The error with each message of a field over a limit naming the limit's setting. */
function namingSettings(error: SpecError): SpecError {
  if (!error.localized.some((f) => f.limit)) return error;
  return new SpecError(
    error.code,
    error.localized.map((f) => (f.limit ? { ...f, message: withSetting(f.message, f.limit) } : f)),
    error.extra,
  );
}

/** Each code's title in both languages: RFC 9457's short summary of the problem type. */
const TITLES: Record<string, Localized> = {
  INVALID_VALUE: say('Invalid value', 'Valor inválido'),
  EXPR_SYNTAX: say('The expr text does not parse', 'O texto de expr não pôde ser lido'),
  INVALID_SPEC: say('The spec cannot be evaluated', 'A especificação não pode ser avaliada'),
  UNKNOWN_ID: say('Unknown id', 'Id desconhecido'),
  DUPLICATE_ID: say('Duplicate id', 'Id repetido'),
  CYCLE: say('The graph has a cycle', 'O grafo tem um ciclo'),
  UNKNOWN_OP: say('Unknown op', 'Operação desconhecida'),
  ARITY: say('Wrong number of args', 'Número errado de argumentos'),
  BAD_ATTR: say('Invalid attr', 'Atributo inválido'),
  INVALID_ATTR: say('An attr of the wrong kind', 'Um atributo de tipo errado'),
  SHAPE_MISMATCH: say('Shape mismatch', 'Formas incompatíveis'),
  NON_SCALAR_OUTPUT: say('The output is not a scalar', 'A saída não é um escalar'),
  DOMAIN: say('Value outside the domain of an op', 'Valor fora do domínio de uma operação'),
  UNKNOWN_ANSWER_KEY: say('Unknown answer key', 'Chave de resposta desconhecida'),
  TOO_LARGE: say('Too large', 'Grande demais'),
  VALIDATION: say('The request does not match the schema', 'A requisição não segue o esquema'),
  TIME_BUDGET: say('Over the compute-time budget', 'Acima do tempo de cálculo permitido'),
  BUSY: say('Busy', 'Serviço ocupado'),
  MALFORMED_JSON: say('Malformed JSON', 'JSON malformado'),
  UNSUPPORTED_MEDIA_TYPE: say('Unsupported media type', 'Tipo de mídia não suportado'),
  NOT_FOUND: say('Not found', 'Não encontrado'),
  METHOD_NOT_ALLOWED: say('Method not allowed', 'Método não permitido'),
  UNAUTHORIZED: say('Unauthorized', 'Não autorizado'),
  RATE_LIMITED: say('Too many requests', 'Requisições demais'),
  OVERLOADED: say('Overloaded', 'Serviço sobrecarregado'),
  HEADERS_TOO_LARGE: say('Request headers too large', 'Cabeçalhos da requisição grandes demais'),
  REQUEST_TIMEOUT: say('Request timeout', 'Tempo esgotado para a requisição'),
  BAD_REQUEST: say('Bad request', 'Requisição inválida'),
  BAD_URL: say('Invalid URL', 'URL inválida'),
  URI_TOO_LONG: say('URI too long', 'URI longa demais'),
  INTERNAL: say('Internal error', 'Erro interno'),
};

const ERROR = say('Error', 'Erro');

/** An RFC 9457 problem document, as every error answer carries it. */
export type Problem = z.output<typeof ProblemDetails>;

const typeUri = (code: string): string => `urn:gradient-service:problem:${code.toLowerCase().replaceAll('_', '-')}`;

/** A problem document in one language; `detail` is given in both, with the title of the code. */
export function problem(
  locale: Locale,
  status: number,
  code: string,
  detail: Localized,
  errors: FieldError[] = [],
  extra: Record<string, unknown> = {},
): Problem {
  return {
    type: typeUri(code),
    title: (TITLES[code] ?? ERROR)[locale],
    status,
    detail: detail[locale],
    code,
    errors,
    ...extra,
  };
}

/** Told of each problem as it is sent: the metrics count them by code. */
export type ProblemObserver = (p: Problem) => void;

function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  p: Problem,
  observe: ProblemObserver,
  headers: Record<string, string> = {},
): FastifyReply {
  observe(p);
  reply.headers(headers);
  if (typeof p.retryAfterSeconds === 'number') reply.header('retry-after', String(p.retryAfterSeconds));
  return reply
    .code(p.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send({ ...p, requestId: request.id });
}

/** `path: message`, or how many problems and the first, in one language. */
function detailOf(error: SpecError, locale: Locale): Localized {
  const [first] = error.errorsIn(locale);
  const path = first.path || say('body', 'corpo')[locale];
  const n = error.localized.length;
  return n === 1
    ? say(`${path}: ${first.message}`, `${path}: ${first.message}`)
    : say(`${n} problems, first ${path}: ${first.message}`, `${n} problemas; o primeiro em ${path}: ${first.message}`);
}

/** The problem document of an error, in the request's language. */
export function toProblem(error: FastifyError | Error, locale: Locale = 'en'): Problem {
  if (error instanceof HttpError) return problem(locale, error.status, error.code, error.detail, [], error.extra);
  if (error instanceof SpecError) {
    // The engine names no route nor setting: the settings of limits, and where to read the catalogue, are said here.
    const named = namingSettings(error);
    const detail = detailOf(named, locale);
    const hinted =
      named.code === 'UNKNOWN_OP'
        ? say(`${detail.en}; GET /v1/ops lists the catalogue`, `${detail['pt-BR']}; GET /v1/ops lista o catálogo`)
        : detail;
    return problem(locale, statusOf(named.code), named.code, hinted, named.errorsIn(locale), named.extra);
  }
  if (error instanceof BudgetExceededError) {
    const ms = error.budgetMs;
    return problem(
      locale,
      413,
      'TIME_BUDGET',
      say(
        `the computation took more than the compute-time budget of ${ms} ms (COMPUTE_BUDGET_MS) and was stopped: ask for less work (fewer steps, a narrower wrt, fewer answers or a smaller graph)`,
        `o cálculo levou mais que o tempo permitido de ${ms} ms (COMPUTE_BUDGET_MS) e foi interrompido: peça menos trabalho (menos passos, um wrt mais restrito, menos respostas ou um grafo menor)`,
      ),
      [],
      { budgetMs: ms },
    );
  }
  if (error instanceof PoolBusyError) {
    const { threads, queue, retryAfterSeconds: s } = error;
    return problem(
      locale,
      503,
      'BUSY',
      say(
        `every compute worker (${threads}, WORKERS) is busy and ${queue} requests are waiting (WORKER_QUEUE): retry in ${s} s`,
        `todos os processos de cálculo (${threads}, WORKERS) estão ocupados e ${queue} requisições estão esperando (WORKER_QUEUE): tente de novo em ${s} s`,
      ),
      [],
      { retryAfterSeconds: s },
    );
  }
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(
        locale,
        413,
        'TOO_LARGE',
        say(
          'the request body is larger than the limit (BODY_LIMIT_BYTES)',
          'o corpo da requisição é maior que o limite (BODY_LIMIT_BYTES)',
        ),
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(
        locale,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        say('send the body as application/json', 'envie o corpo como application/json'),
      );
    case 'FST_ERR_BAD_URL':
      return problem(
        locale,
        400,
        'BAD_URL',
        say(
          'the path is not a valid URL: a % must start an escape of two hex digits of UTF-8 (write % itself as %25)',
          'o caminho não é uma URL válida: um % deve começar um escape de dois dígitos hexadecimais de UTF-8 (escreva o próprio % como %25)',
        ),
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(
        locale,
        414,
        'URI_TOO_LONG',
        say(
          'a segment of the path is longer than the router accepts',
          'um segmento do caminho é mais longo do que o roteador aceita',
        ),
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(
        locale,
        400,
        'MALFORMED_JSON',
        say('the body is empty: send a JSON object', 'o corpo está vazio: envie um objeto JSON'),
      );
  }
  if (error instanceof SyntaxError || fe.statusCode === 400)
    return problem(locale, 400, 'MALFORMED_JSON', jsonSyntaxMessage(error));
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code ?? 'CLIENT_ERROR';
    return problem(
      locale,
      fe.statusCode,
      code,
      say(error.message, `a requisição foi recusada (${code}, status ${fe.statusCode})`),
    );
  }
  return problem(
    locale,
    500,
    'INTERNAL',
    say(
      'the service failed on this request; the request id identifies it in the logs',
      'o serviço falhou nesta requisição; o id da requisição (requestId) a identifica nos logs',
    ),
  );
}

/** Answers an error as its problem document (what the error handler does), for the answers fastify gives no error handler. */
export type ErrorAnswer = (error: Error, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/** Sets the error handler and the not-found handler; returns what the error handler does, for src/http/before-routing.ts. */
export function registerProblemHandlers(app: FastifyInstance, observe: ProblemObserver = () => {}): ErrorAnswer {
  // Before any route is registered, so that it sees them all.
  const routes = new RouteMethods(app);
  const answer: ErrorAnswer = (error, request, reply) => {
    const p = toProblem(error, requestLocale(request));
    // An unexpected error is logged with its stack, on the request's line (src/http/log.ts); a
    // refusal (503 BUSY, OVERLOADED, 413 TIME_BUDGET...) is not a failure of the service.
    if (p.code === 'INTERNAL') noteFailure(request, error);
    return sendProblem(reply, request, p, observe, error instanceof HttpError ? error.headers : {});
  };
  app.setErrorHandler((error: FastifyError, request, reply) => answer(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const allow = routes.allowed(request.url);
    // A path whose route has this method, but nothing there (a file that @fastify/static does not
    // find under /docs/static/*), is a 404 like a path no route has.
    if (allow.length > 0 && !allow.includes(request.method)) {
      const path = quote(request.url.split('?')[0]);
      const { method } = request;
      const refused = say(
        `${path} does not answer ${method}, only ${allow.join(', ')}`,
        `${path} não aceita ${method}, só ${allow.join(', ')}`,
      );
      return sendProblem(reply, request, problem(requestLocale(request), 405, 'METHOD_NOT_ALLOWED', refused), observe, {
        allow: allow.join(', '),
      });
    }
    const route = `${request.method} ${quote(request.url)}`;
    const notFound = say(`no route ${route}; see /docs`, `não há rota ${route}; veja /docs`);
    return sendProblem(reply, request, problem(requestLocale(request), 404, 'NOT_FOUND', notFound), observe);
  });
  return answer;
}

/** `Accept-Language` from the bytes of a request that could not be parsed, if they got that far. */
function rawLocale(packet: unknown): Locale {
  if (!Buffer.isBuffer(packet)) return 'en';
  return localeFrom(/\r\naccept-language:[ \t]*([^\r\n]*)/i.exec(packet.toString('latin1'))?.[1]);
}

/**
 * Fastify's clientErrorHandler: what Node's HTTP parser refuses before there is a request to
 * route, written as a problem document on the socket, which is then closed: a request line and
 * headers over Node's limit (431), a request that took longer than HEADERS_TIMEOUT_MS or
 * REQUEST_TIMEOUT_MS to arrive (408), anything else that is not HTTP (400).
 */
export function writeClientError(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
  observe: ProblemObserver = () => {},
): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const locale = rawLocale(error.rawPacket);
  const p =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(
          locale,
          431,
          'HEADERS_TOO_LARGE',
          say(
            `the request line and headers are larger than the server accepts (${maxHeaderSize / 1024} KiB): send a shorter URL, and fewer or shorter headers`,
            `a linha de requisição e os cabeçalhos são maiores do que o servidor aceita (${maxHeaderSize / 1024} KiB): envie uma URL mais curta, e menos cabeçalhos ou cabeçalhos mais curtos`,
          ),
        )
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(
            locale,
            408,
            'REQUEST_TIMEOUT',
            say(
              'the request did not arrive in time (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS)',
              'a requisição não chegou a tempo (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS)',
            ),
          )
        : problem(locale, 400, 'BAD_REQUEST', say('the request is not valid HTTP', 'a requisição não é HTTP válido'));
  observe(p);
  const body = JSON.stringify(p);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Language: ${locale}\r\nX-Content-Type-Options: nosniff\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
