/**
 * RFC 9457 problem details, the body of every error, and what the OpenAPI document says about
 * each error status: its description and named examples (src/http/openapi.ts puts them in).
 */
import { z } from 'zod';

export const ProblemDetails = z
  .object({
    type: z.string().meta({ description: 'A URI naming the kind of problem.', example: 'urn:gradient-service:problem:unknown-id' }),
    title: z.string().meta({ example: 'Unknown id' }),
    status: z.number().int().meta({ example: 422 }),
    detail: z.string().meta({ example: "graph.nodes[2].args[0]: unknown id 'q': not an input, a param or a node" }),
    code: z.string().meta({ description: 'Machine-readable kind: UNKNOWN_ID, CYCLE, SHAPE_MISMATCH, VALIDATION, TOO_LARGE, TIME_BUDGET, BUSY, ...', example: 'UNKNOWN_ID' }),
    errors: z.array(z.object({ path: z.string().meta({ example: 'graph.nodes[2].args[0]' }), message: z.string().meta({ example: "unknown id 'q': not an input, a param or a node" }) })),
    requestId: z.string().optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'ProblemDetails', description: 'RFC 9457 problem details (application/problem+json).' });

/**
 * The error responses every compute route may give (see each route's description): 413 for a
 * request over a limit or over the compute-time budget, 503 (with Retry-After) when every
 * compute worker is busy and the queue is full. 400, 413 and 415 come from the body parser on
 * every route with a body, and the OpenAPI document lists them there in any case.
 */
export const problemResponses = { 400: ProblemDetails, 413: ProblemDetails, 415: ProblemDetails, 422: ProblemDetails, 503: ProblemDetails };

/** The statuses the JSON body parser answers on every route with a body, before the route runs. */
export const BODY_STATUSES = [400, 413, 415] as const;

/** An OpenAPI Example Object. */
export interface NamedExample {
  summary: string;
  value: unknown;
}

const example = (summary: string, status: number, code: string, title: string, detail: string, errors: { path: string; message: string }[] = [], extra: object = {}): NamedExample => ({
  summary,
  value: {
    type: `urn:gradient-service:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail,
    code,
    errors,
    ...extra,
    requestId: '5a6e1d79-219e-4464-a726-89fbafca6458',
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
    'the body is not valid JSON: Expected double-quoted property name in JSON at position 19',
  ),
  'not-found': example('No such route (a typo in the path)', 404, 'NOT_FOUND', 'Not found', 'no route POST /v1/gradient; see /docs'),
  'body-too-large': example('The body is over BODY_LIMIT_BYTES', 413, 'TOO_LARGE', 'Too large', 'the request body is larger than the limit (BODY_LIMIT_BYTES)'),
  'too-many-values': example(
    'The response would carry more numbers than MAX_RESPONSE_VALUES (the gradients of a 1000×1000 matmul)',
    413,
    'TOO_LARGE',
    'Too large',
    `graph: ${TOO_MANY_VALUES}`,
    oneError('graph', TOO_MANY_VALUES),
  ),
  'unsupported-media-type': example('The body was sent as text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'send the body as application/json'),
  'unknown-id': example(
    "A typo in expr: z = u + c, and there is no c",
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
  ),
  'unknown-template': example(
    'No template of that name',
    422,
    'INVALID_SPEC',
    'The spec cannot be evaluated',
    "template: unknown template 'neuron-sigmod'; the templates are neuron-sigmoid, neuron-tanh, neuron-relu, neuron-leaky-relu, neuron-softplus, neuron-identity, neuron-sigmoid-mse, neuron-sigmoid-bce, network-2-2-1, finite-difference-sigmoid",
    oneError(
      'template',
      "unknown template 'neuron-sigmod'; the templates are neuron-sigmoid, neuron-tanh, neuron-relu, neuron-leaky-relu, neuron-softplus, neuron-identity, neuron-sigmoid-mse, neuron-sigmoid-bce, network-2-2-1, finite-difference-sigmoid",
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

/** What each error status means on any route, unless the route says more (its `responseDocs`). */
export const errorResponses: Record<number, { description: string; examples: Record<string, NamedExample> }> = {
  400: {
    description:
      'The body is not JSON (`MALFORMED_JSON`), or the schema refuses it (`VALIDATION`: a missing or unknown field), or a value is not finite or a matrix is ragged (`INVALID_VALUE`), or `expr` does not parse (`EXPR_SYNTAX`). `errors[].path` names each field.',
    examples: errorExamplesNamed('validation', 'malformed-json'),
  },
  404: {
    description: 'No route has this method and path; /docs lists them.',
    examples: errorExamplesNamed('not-found'),
  },
  413: {
    description:
      'Too large: a body over `BODY_LIMIT_BYTES`, or a request over a limit (nodes, elements, work, numbers in the response), found before anything is computed; the detail names the limit and how to ask for less. `TIME_BUDGET`: a computation stopped after `COMPUTE_BUDGET_MS` of compute time.',
    examples: errorExamplesNamed('body-too-large', 'too-many-values'),
  },
  415: {
    description: 'The body is not `application/json` (send the header `Content-Type: application/json`).',
    examples: errorExamplesNamed('unsupported-media-type'),
  },
  422: {
    description:
      'The spec is well formed but cannot be evaluated: an unknown or duplicate id, a cycle, a shape mismatch, an unknown op, a wrong number of args, a bad attr, a non-scalar output where a scalar is needed, a value outside an op\'s domain. `errors[].path` names the field.',
    examples: errorExamplesNamed('unknown-id'),
  },
  503: {
    description: 'Every compute worker is busy and `WORKER_QUEUE` requests already wait; the `Retry-After` header says in how many seconds to try again.',
    examples: errorExamplesNamed('busy'),
  },
};
