/**
 * RFC 9457 problem details, the body of every error, and what the OpenAPI document says about
 * each error status: its description and named examples (src/http/openapi.ts puts them in).
 */
import { z } from 'zod';

export const ProblemDetails = z
  .object({
    type: z
      .string()
      .meta({ description: 'A URI naming the kind of problem.', example: 'urn:gradient-service:problem:unknown-id' }),
    title: z.string().meta({ example: 'Unknown id' }),
    status: z.number().int().meta({ example: 422 }),
    detail: z.string().meta({ example: "graph.nodes[2].args[0]: unknown id 'q': not an input, a param or a node" }),
    code: z.string().meta({
      description:
        'Machine-readable kind: UNKNOWN_ID, CYCLE, SHAPE_MISMATCH, VALIDATION, TOO_LARGE, TIME_BUDGET, BUSY, OVERLOADED, UNAUTHORIZED, RATE_LIMITED, METHOD_NOT_ALLOWED, ...',
      example: 'UNKNOWN_ID',
    }),
    errors: z.array(
      z.object({
        path: z.string().meta({ example: 'graph.nodes[2].args[0]' }),
        message: z.string().meta({ example: "unknown id 'q': not an input, a param or a node" }),
      }),
    ),
    requestId: z.string().optional().meta({
      description:
        'As in the logs and the X-Request-Id header; absent from a 408 or a 431, written before there is a request.',
    }),
  })
  .catchall(z.unknown())
  .meta({ id: 'ProblemDetails', description: 'RFC 9457 problem details (application/problem+json).' });

/**
 * The error responses every compute route may give (see each route's description): 413 for a
 * request over a limit or over the compute-time budget, 503 (with Retry-After) when every
 * compute worker is busy and the queue is full. 400, 413 and 415 come from the body parser on
 * every route with a body, and the OpenAPI document lists them there in any case; the statuses of
 * the HTTP edge (401, 408, 429, 431, and 503 when overloaded) it lists on every route they reach
 * (src/http/openapi.ts).
 */
export const problemResponses = {
  400: ProblemDetails,
  413: ProblemDetails,
  415: ProblemDetails,
  422: ProblemDetails,
  503: ProblemDetails,
};

/** The statuses the JSON body parser answers on every route with a body, before the route runs. */
export const BODY_STATUSES = [400, 413, 415] as const;

/** An OpenAPI Example Object. */
export interface NamedExample {
  summary: string;
  value: unknown;
}

/** The request id of the examples; a problem written before there is a request (431, 408) has none. */
const REQUEST_ID = { requestId: '5a6e1d79-219e-4464-a726-89fbafca6458' };

const example = (
  summary: string,
  status: number,
  code: string,
  title: string,
  detail: string,
  errors: { path: string; message: string }[] = [],
  extra: object = {},
  requestId: object = REQUEST_ID,
): NamedExample => ({
  summary,
  value: {
    type: `urn:gradient-service:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail,
    code,
    errors,
    ...extra,
    ...requestId,
  },
});

const TOO_MANY_VALUES =
  'the response would carry 2004002 numbers, more than the limit of 1000000 (MAX_RESPONSE_VALUES): list the ids you need in `include` (for example the output and the params), or send a smaller graph';

const oneError = (path: string, message: string) => [{ path, message }];

/**
 * Error examples by name, each what the service answers (in English) to a request that
 * test/http/openapi.test.ts sends, so that they stay true.
 */
export const errorExamples = {
  validation: example(
    'A field the schema requires is missing (the neuron has no y)',
    400,
    'VALIDATION',
    'The request does not match the schema',
    'neuron.y: is required',
    oneError('neuron.y', 'is required'),
  ),
  'malformed-json': example(
    'The body is not JSON (a trailing comma)',
    400,
    'MALFORMED_JSON',
    'Malformed JSON',
    'the body is not valid JSON: Expected double-quoted property name in JSON at position 19; is there a stray comma?',
  ),
  'not-found': example(
    'No such route (a typo in the path)',
    404,
    'NOT_FOUND',
    'Not found',
    'no route POST /v1/gradient; see /docs',
  ),
  'body-too-large': example(
    'The body is over BODY_LIMIT_BYTES',
    413,
    'TOO_LARGE',
    'Too large',
    'the request body is larger than the limit (BODY_LIMIT_BYTES)',
  ),
  'too-many-values': example(
    'The response would carry more numbers than MAX_RESPONSE_VALUES (the gradients of a 1000×1000 matmul)',
    413,
    'TOO_LARGE',
    'Too large',
    `graph: ${TOO_MANY_VALUES}`,
    oneError('graph', TOO_MANY_VALUES),
  ),
  'unsupported-media-type': example(
    'The body was sent as text/plain',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported media type',
    'send the body as application/json',
  ),
  'unsupported-encoding': example(
    'The body was sent compressed (Content-Encoding: gzip); Accept-Encoding: identity says what is read',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported media type',
    'the body is sent with Content-Encoding: gzip; send it uncompressed',
  ),
  'unsupported-charset': example(
    'The body was declared in another charset than UTF-8 (charset=utf-16)',
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Unsupported media type',
    'the body is declared as charset=utf-16; send JSON in UTF-8 (charset=utf-8, or no charset)',
  ),
  'missing-key': example(
    'API_KEYS is set and the request has no Authorization header',
    401,
    'UNAUTHORIZED',
    'Unauthorized',
    'this service needs an API key: send it as `Authorization: Bearer <key>`',
  ),
  'invalid-key': example(
    'API_KEYS is set and the request has a key that is not one of them',
    401,
    'UNAUTHORIZED',
    'Unauthorized',
    "the API key is not valid: send one of the service's keys as `Authorization: Bearer <key>`",
  ),
  'method-not-allowed': example(
    'A known path with another method (GET /v1/forward); Allow lists its methods',
    405,
    'METHOD_NOT_ALLOWED',
    'Method not allowed',
    '/v1/forward does not answer GET, only POST',
  ),
  'request-timeout': example(
    'The request did not arrive within HEADERS_TIMEOUT_MS or REQUEST_TIMEOUT_MS (written on the connection, which is then closed)',
    408,
    'REQUEST_TIMEOUT',
    'Request timeout',
    'the request did not arrive in time (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS)',
    [],
    {},
    {},
  ),
  'rate-limited': example(
    'More requests than RATE_LIMIT_MAX in RATE_LIMIT_WINDOW_MS from one address (or with one API key)',
    429,
    'RATE_LIMITED',
    'Too many requests',
    'more than 1200 requests in 60 s from this address (RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS): retry in 60 s',
    [],
    { retryAfterSeconds: 60 },
  ),
  'headers-too-large': example(
    "A request line and headers over Node's limit (a 60 kB header or a 70 kB URL; written on the connection, which is then closed)",
    431,
    'HEADERS_TOO_LARGE',
    'Request headers too large',
    'the request line and headers are larger than the server accepts (16 KiB): send a shorter URL, and fewer or shorter headers',
    [],
    {},
    {},
  ),
  overloaded: example(
    'The process is shedding load (here its heap is nearly full); Retry-After says when to try again',
    503,
    'OVERLOADED',
    'Overloaded',
    'the service is refusing work while its memory is nearly full (MAX_HEAP_USED_FRACTION): retry in 10 s',
    [],
    { retryAfterSeconds: 10 },
  ),
  'unknown-id': example(
    'A typo in expr: z = u + c, and there is no c',
    422,
    'UNKNOWN_ID',
    'Unknown id',
    "graph.expr: unknown id 'c' (line 1, column 16): not an input, a param or a node",
    oneError('graph.expr', "unknown id 'c' (line 1, column 16): not an input, a param or a node"),
  ),
  'unknown-answer-key': example(
    'An answer about an id the problem does not have',
    422,
    'UNKNOWN_ANSWER_KEY',
    'Unknown answer key',
    "answers.dL/dq: answer key 'dL/dq' names no id 'q' of this problem",
    oneError('answers.dL/dq', "answer key 'dL/dq' names no id 'q' of this problem"),
    { suggestions: [] },
  ),
  'unknown-template': example(
    'No template of that name',
    422,
    'INVALID_SPEC',
    'The spec cannot be evaluated',
    "template: unknown template 'neuron-sigmod'; the templates are neuron-sigmoid, neuron-tanh, neuron-relu, neuron-leaky-relu, neuron-softplus, neuron-identity, neuron-sigmoid-mse, neuron-sigmoid-bce, network-2-2-1, finite-difference-sigmoid, conv2d-1channel, max-pool-backward, batch-norm-backward, rnn-bptt, lstm-step, softmax-ce-3",
    oneError(
      'template',
      "unknown template 'neuron-sigmod'; the templates are neuron-sigmoid, neuron-tanh, neuron-relu, neuron-leaky-relu, neuron-softplus, neuron-identity, neuron-sigmoid-mse, neuron-sigmoid-bce, network-2-2-1, finite-difference-sigmoid, conv2d-1channel, max-pool-backward, batch-norm-backward, rnn-bptt, lstm-step, softmax-ce-3",
    ),
  ),
  busy: example(
    'Every compute worker is busy; Retry-After says when to try again',
    503,
    'BUSY',
    'Busy',
    'every compute worker (2, WORKERS) is busy and 4 requests are waiting (WORKER_QUEUE): retry in 1 s',
    [],
    { retryAfterSeconds: 1 },
  ),
} satisfies Record<string, NamedExample>;

export type ErrorExampleName = keyof typeof errorExamples;

/** Some of the error examples, for a route whose status means something narrower than the default. */
export const errorExamplesNamed = (...names: ErrorExampleName[]): Record<string, NamedExample> =>
  Object.fromEntries(names.map((name) => [name, errorExamples[name]]));

/** An OpenAPI header of a response: `required` when every response of its status carries it. */
export interface HeaderDoc {
  description: string;
  schema: { type: 'integer' | 'string'; minimum?: number };
  required?: boolean;
}

const RETRY_AFTER: HeaderDoc = {
  description: 'Seconds to wait before trying again.',
  schema: { type: 'integer', minimum: 1 },
  required: true,
};

/** What @fastify/rate-limit sends on every response of a limited route (RATE_LIMIT_MAX, RATE_LIMIT_WINDOW_MS). */
export const rateLimitHeaders = (required: boolean): Record<string, HeaderDoc> => ({
  'X-RateLimit-Limit': {
    description: 'The requests one client (an API key, else an address) may send per window: RATE_LIMIT_MAX.',
    schema: { type: 'integer', minimum: 1 },
    required,
  },
  'X-RateLimit-Remaining': {
    description: 'The requests this client has left in the current window.',
    schema: { type: 'integer', minimum: 0 },
    required,
  },
  'X-RateLimit-Reset': {
    description: 'Seconds until the current window ends.',
    schema: { type: 'integer', minimum: 0 },
    required,
  },
});

/** What one status of a route means, and its examples when they cannot come from a request example. */
export interface ResponseDoc {
  description: string;
  examples?: Record<string, NamedExample>;
}

export interface ErrorResponseDoc {
  description: string;
  examples: Record<string, NamedExample>;
  headers?: Record<string, HeaderDoc>;
}

/** What each error status means on any route, unless the route says more (its `responseDocs`). */
export const errorResponses: Record<number, ErrorResponseDoc> = {
  400: {
    description:
      'The body is not JSON (`MALFORMED_JSON`), or the schema refuses it (`VALIDATION`: a missing or unknown field), or a value is not finite or a matrix is ragged (`INVALID_VALUE`: JSON Schema cannot say that the rows of a matrix have one length), or `expr` does not parse (`EXPR_SYNTAX`), or an attr is of the wrong kind or a required one is missing (`INVALID_ATTR`: a stride of 1.5, a kernel of 0, a slice without its end). `errors[].path` names each field.',
    examples: errorExamplesNamed('validation', 'malformed-json'),
  },
  401: {
    description:
      'When API_KEYS is set: no `Authorization: Bearer <key>` header, or a key that is not one of them. `WWW-Authenticate` names the scheme (RFC 6750), with `error="invalid_token"` for a wrong key.',
    examples: errorExamplesNamed('missing-key', 'invalid-key'),
    headers: {
      'WWW-Authenticate': {
        description: '`Bearer realm="gradient-service"`, with `error="invalid_token"` when a key was sent.',
        schema: { type: 'string' },
        required: true,
      },
    },
  },
  404: {
    description: 'No route has this path; /docs lists them.',
    examples: errorExamplesNamed('not-found'),
  },
  405: {
    description: 'The path exists, but not with this method; `Allow` lists its methods.',
    examples: errorExamplesNamed('method-not-allowed'),
    headers: {
      Allow: {
        description: "The path's methods, such as `POST` or `GET, HEAD`.",
        schema: { type: 'string' },
        required: true,
      },
    },
  },
  408: {
    description:
      'The request line and headers did not arrive within HEADERS_TIMEOUT_MS, or the whole request within REQUEST_TIMEOUT_MS. Written on the connection before there is a request to route, so the problem has no `requestId`; the connection is then closed.',
    examples: errorExamplesNamed('request-timeout'),
  },
  413: {
    description:
      'Too large: a body over `BODY_LIMIT_BYTES`, or a request over a limit (nodes, elements, work, numbers in the response), found before anything is computed; the detail names the limit and how to ask for less. `TIME_BUDGET`: a computation stopped after `COMPUTE_BUDGET_MS` of compute time.',
    examples: errorExamplesNamed('body-too-large', 'too-many-values'),
  },
  415: {
    description:
      'The body is not `application/json` (send the header `Content-Type: application/json`), or it is compressed (a `Content-Encoding` other than identity; the answer has `Accept-Encoding: identity`), or it is declared in a charset other than UTF-8.',
    examples: errorExamplesNamed('unsupported-media-type', 'unsupported-encoding', 'unsupported-charset'),
    headers: {
      'Accept-Encoding': {
        description: '`identity`, when the body was refused for its `Content-Encoding`.',
        schema: { type: 'string' },
      },
    },
  },
  422: {
    description:
      "The spec is well formed but cannot be evaluated: an unknown or duplicate id, a cycle, a shape mismatch, an unknown op, a wrong number of args, a bad attr, a non-scalar output where a scalar is needed, a value outside an op's domain. `errors[].path` names the field.",
    examples: errorExamplesNamed('unknown-id'),
  },
  429: {
    description:
      'This client sent more than RATE_LIMIT_MAX requests in RATE_LIMIT_WINDOW_MS (1200 per 60 s by default), counted by its API key, else by its address (behind a proxy, the forwarded one when TRUST_PROXY names the proxy). `Retry-After` says in how many seconds the window ends.',
    examples: errorExamplesNamed('rate-limited'),
    headers: { 'Retry-After': RETRY_AFTER, ...rateLimitHeaders(true) },
  },
  431: {
    description:
      "The request line and headers are larger than Node's limit (16 KiB by default): a URL or a header too long. Written on the connection before there is a request to route, so the problem has no `requestId`; the connection is then closed.",
    examples: errorExamplesNamed('headers-too-large'),
  },
  503: {
    description:
      'The process is shedding load (`OVERLOADED`): its event loop is saturated (MAX_EVENT_LOOP_DELAY_MS, MAX_EVENT_LOOP_UTILIZATION) or its heap nearly full (MAX_HEAP_USED_FRACTION); /readyz says so too, so that a balancer sends traffic to other replicas. The `Retry-After` header says in how many seconds to try again.',
    examples: errorExamplesNamed('overloaded'),
    headers: { 'Retry-After': RETRY_AFTER },
  },
};

/** 503 on a route that computes on the worker pool: busy as well as overloaded. */
export const poolErrorResponse503: ErrorResponseDoc = {
  description:
    'Every compute worker is busy and `WORKER_QUEUE` requests already wait (`BUSY`), or the process is shedding load (`OVERLOADED`: its event loop saturated or its heap nearly full). The `Retry-After` header says in how many seconds to try again.',
  examples: errorExamplesNamed('busy', 'overloaded'),
  headers: { 'Retry-After': RETRY_AFTER },
};
