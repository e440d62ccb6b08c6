/**
 * The OpenAPI document, made to teach by itself in Swagger UI. The zod schemas give the shapes
 * (fastify-type-provider-zod); this module adds what they cannot say:
 * - each status's own description: the route's `responseDocs`, else for an error status the
 *   default of src/schemas/problem-details.ts, else the description of the zod response schema;
 * - errors as `application/problem+json`, with named examples whose `status` is their status;
 *   400, 413 and 415 on every route with a body, since the body parser answers them there;
 * - the `Accept-Language` header on every /v1 route;
 * - as each success's examples, what the service answers to each request example of the same
 *   name, computed by sending it to the app itself the first time the document is served
 *   (`ServedDocument`), so that the document never shows a number the service would not give.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BODY_STATUSES, type NamedExample, errorResponses } from '../schemas/problem-details.js';

export type { NamedExample };

/** What one status of a route means, and its examples when they cannot come from a request example. */
export interface ResponseDoc {
  description: string;
  examples?: Record<string, NamedExample>;
}

declare module 'fastify' {
  interface FastifySchema {
    /** OpenAPI only: the meaning of each status of the route; error statuses have defaults. */
    responseDocs?: Record<number, ResponseDoc>;
  }
}

/** package.json's version: src/http/ and dist/http/ are both two levels below the package root (in the container too, which copies package.json). */
export const packageVersion: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export const acceptLanguage = {
  type: 'string',
  enum: ['en', 'pt-BR'],
  description:
    "The language of the answer's text: `en` (the default) or `pt-BR` (Brazilian Portuguese, the tutorial's). It changes grading feedback, gradcheck notes, exercise statements and solutions, the labels of pictures, and the `title`, `detail` and `errors[].message` of every error; never a number, a field name or a `code`. A full header such as `pt-BR,pt;q=0.9,en;q=0.8` works as well: the supported language with the highest weight wins.",
  // Prefilled in Swagger UI's "Try it out": the tutorial's language.
  examples: ['pt-BR'],
};

type Json = Record<string, any>;
type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/** The description a route's zod response schema gives itself, if any (what @fastify/swagger would show). */
function schemaDescription(response: unknown, status: string): string | undefined {
  const schema = (response as Record<string, unknown> | undefined)?.[status];
  return schema instanceof z.ZodType ? z.globalRegistry.get(schema)?.description : undefined;
}

const isProblem = (schema: Json | undefined): boolean => typeof schema?.$ref === 'string' && schema.$ref.endsWith('/ProblemDetails');

/** @fastify/swagger's `transform`: jsonSchemaTransform, then descriptions, media types and examples per status. */
export function transformRoute(input: TransformInput): ReturnType<typeof jsonSchemaTransform> {
  const { responseDocs = {}, ...schema } = (input.schema ?? {}) as Json;
  const out = jsonSchemaTransform({ ...input, schema } as TransformInput);
  const transformed = out.schema as Json;
  if (!input.schema || transformed.hide) return out;

  const responses: Json = { ...transformed.response };
  if (transformed.body !== undefined) for (const status of BODY_STATUSES) responses[status] ??= { $ref: '#/components/schemas/ProblemDetails' };
  for (const [key, response] of Object.entries(responses)) {
    const status = Number(key);
    const doc: ResponseDoc | undefined = responseDocs[status];
    if (status >= 400 && isProblem(response)) {
      const defaults = errorResponses[status] ?? { description: `An error (${status}).`, examples: {} };
      responses[key] = {
        description: doc?.description ?? defaults.description,
        ...(status === 503 && { headers: { 'Retry-After': { type: 'integer', description: 'Seconds to wait before trying again.' } } }),
        content: { [PROBLEM_MEDIA_TYPE]: { schema: response, examples: doc?.examples ?? defaults.examples } },
      };
    } else if (response.content) {
      // Declared per media type already (a route that answers other than JSON).
      responses[key] = { ...response, description: doc?.description ?? response.description };
      if (doc?.examples) for (const media of Object.values<Json>(response.content)) media.examples = { ...doc.examples, ...media.examples };
    } else {
      const description = doc?.description ?? schemaDescription(input.schema.response, key);
      responses[key] = {
        ...(description !== undefined && { description }),
        content: { 'application/json': { schema: response, ...(doc?.examples && { examples: doc.examples }) } },
      };
    }
  }
  transformed.response = responses;

  if (input.url.startsWith('/v1/')) {
    const headers: Json = transformed.headers ?? { type: 'object', properties: {} };
    transformed.headers = { ...headers, properties: { ...headers.properties, 'Accept-Language': acceptLanguage } };
  }
  return out;
}

interface Operation {
  requestBody?: { content?: Record<string, { examples?: Record<string, NamedExample> }> };
  responses?: Record<string, { content?: Record<string, { examples?: Record<string, NamedExample> }> }>;
}

/** The request examples of an operation, or one plain request for an operation without a body. */
function requestExamples(operation: Operation): [string, NamedExample | undefined][] {
  const examples = operation.requestBody?.content?.['application/json']?.examples;
  if (examples) return Object.entries(examples);
  return operation.requestBody ? [] : [['answer', undefined]];
}

/**
 * The document as /openapi.json and Swagger UI serve it: app.swagger(), with what the service
 * answers to each request example as the example of the same name in its response's media type.
 * Built once, on the first request for it; the requests go through app.inject like any other.
 */
export class ServedDocument {
  private building?: Promise<Json>;
  private built?: Json;

  constructor(private readonly app: FastifyInstance) {}

  get(): Promise<Json> {
    this.building ??= this.build().catch((e: unknown) => {
      this.building = undefined;
      throw e;
    });
    return this.building;
  }

  /** Once get() has resolved (Swagger UI's hooks wait for it). */
  current(): Json {
    if (!this.built) throw new Error('the OpenAPI document is not built yet');
    return this.built;
  }

  private async build(): Promise<Json> {
    const doc = structuredClone(this.app.swagger()) as Json;
    for (const [path, item] of Object.entries<Record<string, Operation>>(doc.paths ?? {})) {
      if (path.includes('{')) continue;
      for (const [method, operation] of Object.entries(item)) {
        for (const [name, example] of requestExamples(operation)) {
          const res = await this.app.inject({
            method: method.toUpperCase() as 'GET',
            url: path,
            headers: { 'x-request-id': `openapi-example-${name}` },
            ...(example && { payload: example.value as object }),
          });
          if (res.statusCode >= 300) continue;
          const mediaType = String(res.headers['content-type'] ?? '').split(';')[0].trim();
          const media = operation.responses?.[String(res.statusCode)]?.content?.[mediaType];
          if (!media || media.examples?.[name]) continue;
          const value = mediaType.endsWith('json') ? res.json() : res.body;
          media.examples = { ...media.examples, [name]: { summary: example?.summary ?? `What ${method.toUpperCase()} ${path} answers`, value } };
        }
      }
    }
    this.built = doc;
    return doc;
  }
}
