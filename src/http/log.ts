import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import { SELF_HEADER } from './self-requests.js';

/** The unexpected error each failed request (a 500) met, for its log line. */
const failures = new WeakMap<FastifyRequest, Error>();

/** Marks a request as failed by an unexpected error: its log line is at error level, with the error and its stack. */
export function noteFailure(request: FastifyRequest, error: Error): void {
  failures.set(request, error);
}

/**
 * The one log line each request writes: when its response is sent, or when its client went away
 * before (status 499, as nginx logs it). At error level with the error's stack for a failure (a
 * 500); at warn for another 5xx, a refusal the service expects to make under load (503 BUSY or
 * OVERLOADED), with no stack; at info otherwise.
 */
export function logRequest(request: FastifyRequest, statusCode: number, elapsedMs: number): void {
  const line = {
    method: request.method,
    url: request.url,
    statusCode,
    responseTimeMs: Math.round(elapsedMs * 100) / 100,
  };
  const err = failures.get(request);
  if (err) request.log.error({ ...line, err }, 'request');
  else if (statusCode >= 500) request.log.warn(line, 'request');
  else request.log.info(line, 'request');
}

/**
 * What pino writes as "[Redacted]" wherever a request's headers or a body are logged: API keys,
 * cookies, the secret of the app's own requests (src/http/self-requests.ts), and bodies, which
 * are the users' data. Nothing logs them today (logRequest above writes the method, the URL and
 * the status); this keeps it so.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  `req.headers["${SELF_HEADER}"]`,
  'req.body',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  `headers["${SELF_HEADER}"]`,
  'body',
];

type LoggerOption = FastifyServerOptions['logger'];

/** The logger's options (a level, a stream...) with REDACTED_PATHS added to any redaction they ask for. */
export function withRedaction(logger: LoggerOption): LoggerOption {
  if (!logger) return false;
  const options = logger === true ? {} : logger;
  const given = options.redact;
  const paths = [...REDACTED_PATHS, ...(Array.isArray(given) ? given : (given?.paths ?? []))];
  return { ...options, redact: given && !Array.isArray(given) ? { ...given, paths } : paths };
}
