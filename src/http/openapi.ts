/**
 * The OpenAPI document, made to teach by itself in Swagger UI. The zod schemas give the shapes
 * (fastify-type-provider-zod); this module adds what they cannot say:
 * - each status's own description: the route's `responseDocs`, else for an error status the
 *   default of src/schemas/problem-details.ts, else the description of the zod response schema;
 * - errors as `application/problem+json`, with named examples whose `status` is their status,
 *   and each status on every route that can answer it: 400, 413 and 415 on every route with a
 *   body (the body parser); 408 and 431 on every route (Node's HTTP parser, before routing);
 *   401, 429 and 503 on every /v1 route (API keys, the rate limit, load shedding), with their
 *   headers (WWW-Authenticate, Retry-After, X-RateLimit-*); 404 and 405 as components, since
 *   they answer requests that no operation of the document describes;
 * - the `Accept-Language` header on every /v1 route;
 * - as each success's examples, what the service answers to each request example of the same
 *   name, computed by sending it to the app itself the first time the document is served
 *   (`ServedDocument`), so that the document never shows a number the service would not give.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import {
  BODY_STATUSES,
  type ErrorResponseDoc,
  type HeaderDoc,
  type NamedExample,
  type ResponseDoc,
  errorResponses,
  poolErrorResponse503,
  rateLimitHeaders,
} from '../schemas/problem-details.js';

declare module 'fastify' {
  interface FastifySchema {
    /** OpenAPI only: the meaning of each status of the route; error statuses have defaults. */
    responseDocs?: Record<number, ResponseDoc>;
  }
}

/** package.json's version: src/http/ and dist/http/ are both two levels below the package root (in the container too, which copies package.json). */
export const packageVersion: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export const acceptLanguage = {
  type: 'string',
  enum: ['en', 'pt-BR'],
  description:
    "The language of the answer's text: `en` (the default) or `pt-BR` (Brazilian Portuguese, the tutorial's). It changes grading feedback, gradcheck notes, exercise statements and solutions, the labels of pictures, and the `title`, `detail` and `errors[].message` of every error; never a number, a field name or a `code`. A full header such as `pt-BR,pt;q=0.9,en;q=0.8` works as well: the supported language with the highest weight wins.",
  // Prefilled in Swagger UI's "Try it out": the default, so that an English reader gets English; pt-BR is one click away.
  examples: ['en'],
};

type Json = Record<string, any>;
type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/** The description a route's zod response schema gives itself, if any (what @fastify/swagger would show). */
function schemaDescription(response: unknown, status: string): string | undefined {
  const schema = (response as Record<string, unknown> | undefined)?.[status];
  return schema instanceof z.ZodType ? z.globalRegistry.get(schema)?.description : undefined;
}

const PROBLEM_SCHEMA = { $ref: '#/components/schemas/ProblemDetails' };

const isProblem = (schema: Json | undefined): boolean =>
  typeof schema?.$ref === 'string' && schema.$ref.endsWith('/ProblemDetails');

/** Node's HTTP parser answers these on any path, before there is a route (src/http/problem.ts writeClientError). */
const EVERY_ROUTE_STATUSES = [408, 431] as const;

/** The /v1 routes: API keys (401), the rate limit (429), load shedding (503); the probes are spared them. */
const API_STATUSES = [401, 429, 503] as const;

/** The headers of a response as @fastify/swagger takes them: each a schema with its description. */
const swaggerHeaders = (headers: Record<string, HeaderDoc>): Json =>
  Object.fromEntries(
    Object.entries(headers).map(([name, { description, schema }]) => [name, { ...schema, description }]),
  );

/** The same as OpenAPI Header Objects, for the components that @fastify/swagger does not convert. */
const headerObjects = (headers: Record<string, HeaderDoc>): Json =>
  Object.fromEntries(
    Object.entries(headers).map(([name, { description, schema, required }]) => [
      name,
      { description, ...(required && { required }), schema },
    ]),
  );

/**
 * 404 and 405 answer requests that no operation describes (a path no route has; a method its
 * route does not have), so they are `components.responses`, for app.ts to put in the document.
 */
export const componentResponses = Object.fromEntries(
  (
    [
      ['NotFound', 404],
      ['MethodNotAllowed', 405],
    ] as const
  ).map(([name, status]) => {
    const { description, examples, headers } = errorResponses[status];
    return [
      name,
      {
        description,
        ...(headers && { headers: headerObjects(headers) }),
        content: { [PROBLEM_MEDIA_TYPE]: { schema: PROBLEM_SCHEMA, examples } },
      },
    ];
  }),
);

/** The API keys of API_KEYS, as `Authorization: Bearer <key>`: in the document only when keys are set. */
const BEARER_SCHEME = 'apiKey';
export const securitySchemes = {
  [BEARER_SCHEME]: {
    type: 'http' as const,
    scheme: 'bearer',
    description:
      'One of the keys the deployment sets in API_KEYS, sent as `Authorization: Bearer <key>`: every /v1 route answers 401 without a valid one.',
  },
};

/**
 * @fastify/swagger's `transform`: jsonSchemaTransform, then statuses, descriptions, media types,
 * headers and examples. `secured` when the deployment sets API keys: then every /v1 route
 * requires the bearer scheme; without keys no route mentions it, so that Swagger UI shows no
 * lock and no "Authorize" for a key that does not exist.
 */
export function transformRoute(
  input: TransformInput,
  { secured }: { secured: boolean },
): ReturnType<typeof jsonSchemaTransform> {
  const { responseDocs = {}, ...schema } = (input.schema ?? {}) as Json;
  const out = jsonSchemaTransform({ ...input, schema } as TransformInput);
  const transformed = out.schema as Json;
  if (!input.schema || transformed.hide) return out;

  const api = input.url.startsWith('/v1/');
  // A route that declares 503 itself computes on the worker pool: busy as well as overloaded.
  const declares503 = transformed.response?.[503] !== undefined;
  const responses: Json = { ...transformed.response };
  const edge = [
    ...EVERY_ROUTE_STATUSES,
    ...(transformed.body !== undefined ? BODY_STATUSES : []),
    ...(api ? API_STATUSES : []),
  ];
  for (const status of edge) responses[status] ??= PROBLEM_SCHEMA;
  for (const [key, response] of Object.entries(responses)) {
    const status = Number(key);
    const doc: ResponseDoc | undefined = responseDocs[status];
    // A limited route sends its rate-limit headers with every answer that passes the limit.
    const limitHeaders = api && status < 300 ? { headers: swaggerHeaders(rateLimitHeaders(false)) } : {};
    if (status >= 400 && isProblem(response)) {
      const defaults: ErrorResponseDoc = (status === 503 && declares503
        ? poolErrorResponse503
        : errorResponses[status]) ?? { description: `An error (${status}).`, examples: {} };
      responses[key] = {
        description: doc?.description ?? defaults.description,
        ...(defaults.headers && { headers: swaggerHeaders(defaults.headers) }),
        content: { [PROBLEM_MEDIA_TYPE]: { schema: response, examples: doc?.examples ?? defaults.examples } },
      };
    } else if (response.content) {
      // Declared per media type already (a route that answers other than JSON).
      responses[key] = { ...response, ...limitHeaders, description: doc?.description ?? response.description };
      if (doc?.examples)
        for (const media of Object.values<Json>(response.content))
          media.examples = { ...doc.examples, ...media.examples };
    } else {
      const description = doc?.description ?? schemaDescription(input.schema.response, key);
      responses[key] = {
        ...(description !== undefined && { description }),
        ...limitHeaders,
        content: { 'application/json': { schema: response, ...(doc?.examples && { examples: doc.examples }) } },
      };
    }
  }
  transformed.response = responses;

  if (api) {
    const headers: Json = transformed.headers ?? { type: 'object', properties: {} };
    transformed.headers = { ...headers, properties: { ...headers.properties, 'Accept-Language': acceptLanguage } };
    if (secured) transformed.security = [{ [BEARER_SCHEME]: [] }];
  }
  return out;
}

interface Endpoint {
  requestBody?: { content?: Record<string, { examples?: Record<string, NamedExample> }> };
  responses?: Record<
    string,
    { headers?: Record<string, Json>; content?: Record<string, { examples?: Record<string, NamedExample> }> }
  >;
}

/**
 * `required: true` on the headers that every response of their status carries (Retry-After on a
 * 429 or a 503, WWW-Authenticate on a 401...): @fastify/swagger turns a response's headers into
 * Header Objects with a schema and a description only.
 */
function requireHeaders(endpoint: Endpoint): void {
  for (const [status, response] of Object.entries(endpoint.responses ?? {})) {
    const docs = { ...errorResponses[Number(status)]?.headers, ...(status === '503' && poolErrorResponse503.headers) };
    for (const [name, header] of Object.entries(response.headers ?? {}))
      if (docs[name]?.required) header.required = true;
  }
}

/** The request examples of an operation, or one plain request for an operation without a body. */
function requestExamples(endpoint: Endpoint): [string, NamedExample | undefined][] {
  const examples = endpoint.requestBody?.content?.['application/json']?.examples;
  if (examples) return Object.entries(examples);
  return endpoint.requestBody ? [] : [['answer', undefined]];
}

/** The document written out once, as it is served: its bytes, their media type and their ETag. */
interface Written {
  body: Buffer;
  type: string;
  /** Strong (RFC 9110 §8.8.3): the same bytes, the same tag. */
  etag: string;
}

const writers = {
  json: { type: 'application/json; charset=utf-8', write: (doc: Json): string => JSON.stringify(doc) },
  yaml: { type: 'application/x-yaml; charset=utf-8', write: (doc: Json): string => stringifyYaml(doc) },
};

export type DocumentFormat = keyof typeof writers;

/** If-None-Match (RFC 9110 §13.1.2): `*`, or a list of tags compared weakly (W/"x" matches "x"). */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * The document as /openapi.json and Swagger UI serve it: app.swagger(), with what the service
 * answers to each request example as the example of the same name in its response's media type.
 * Built once, on the first request for it; the requests go through app.inject like any other.
 * Written out once in each format, on the first request for it: the document is about 400 kB,
 * whose serialization each time (6 ms in JSON, hundreds in YAML) let a flood of it from a single
 * client hold the event loop; it is served as the same bytes since, with an ETag.
 */
export class ServedDocument {
  private building?: Promise<Json>;
  private readonly written = new Map<DocumentFormat, Promise<Written>>();

  /** `selfHeaders` mark the example requests as the app's own, so that API keys, the rate limit and load shedding let them through (src/http/self-requests.ts). */
  constructor(
    private readonly app: FastifyInstance,
    private readonly selfHeaders: Record<string, string> = {},
  ) {}

  get(): Promise<Json> {
    this.building ??= this.build().catch((e: unknown) => {
      this.building = undefined;
      throw e;
    });
    return this.building;
  }

  /** Answers with the document in `format`: a 304 to a request whose If-None-Match has its ETag. */
  async serve(request: FastifyRequest, reply: FastifyReply, format: DocumentFormat): Promise<FastifyReply> {
    const { body, type, etag } = await this.write(format);
    // Cached, but checked each time: a new version of the service has a new document.
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (notModified(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type(type).send(body);
  }

  private write(format: DocumentFormat): Promise<Written> {
    let written = this.written.get(format);
    if (!written) {
      written = this.get().then((doc) => {
        const body = Buffer.from(writers[format].write(doc));
        return { body, type: writers[format].type, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
      });
      written.catch(() => this.written.delete(format));
      this.written.set(format, written);
    }
    return written;
  }

  private async build(): Promise<Json> {
    const doc = structuredClone(this.app.swagger()) as Json;
    for (const [path, item] of Object.entries<Record<string, Endpoint>>(doc.paths ?? {})) {
      for (const [method, endpoint] of Object.entries(item)) {
        requireHeaders(endpoint);
        if (path.includes('{')) continue;
        for (const [name, example] of requestExamples(endpoint)) {
          const res = await this.app.inject({
            method: method.toUpperCase() as 'GET',
            url: path,
            headers: { ...this.selfHeaders, 'x-request-id': `openapi-example-${name}` },
            ...(example && { payload: example.value as object }),
          });
          if (res.statusCode >= 300) continue;
          const mediaType = String(res.headers['content-type'] ?? '')
            .split(';')[0]
            .trim();
          const media = endpoint.responses?.[String(res.statusCode)]?.content?.[mediaType];
          // A file of bytes (a zip) is no example a reader can read: Swagger UI offers it as a download.
          if (!media || media.examples?.[name] || !/json|xml|^text\//.test(mediaType)) continue;
          const value = mediaType.endsWith('json') ? res.json() : res.body;
          media.examples = {
            ...media.examples,
            [name]: { summary: example?.summary ?? `What ${method.toUpperCase()} ${path} answers`, value },
          };
        }
      }
    }
    return doc;
  }
}
