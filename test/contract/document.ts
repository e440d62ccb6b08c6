/**
 * The served OpenAPI document, read by a maintained third-party validator rather than by the
 * project's own zod schemas: Ajv in JSON Schema 2020-12 (the dialect of OpenAPI 3.1) with
 * ajv-formats compiles each operation's request body schema and the schema of each response
 * status and media type. `#/components/schemas/...` refs resolve through the document's
 * components, added to Ajv as one schema with an $id of its own.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

type Json = Record<string, any>;

export interface Media {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

export interface Header {
  description?: string;
  required?: boolean;
  schema?: Json;
}

export interface Response {
  description?: string;
  headers?: Record<string, Header>;
  content?: Record<string, Media>;
  $ref?: string;
}

export interface Operation {
  parameters?: Json[];
  requestBody?: { required?: boolean; content: Record<string, Media> };
  responses: Record<string, Response>;
}

/** What a response looked like on the wire (app.inject's answer, or a socket's). */
export interface WireResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

const COMPONENTS = 'urn:gradient-service:openapi:components';

/** The document's refs, pointed at the components schema that Ajv holds. */
const resolved = <T>(schema: T): T =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${COMPONENTS}#/$defs/`));

/** The document as GET /openapi.json serves it. */
export async function servedDocument(app: {
  inject: (options: { method: 'GET'; url: string }) => PromiseLike<{ statusCode: number; json: () => unknown }>;
}): Promise<Json> {
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`);
  return res.json() as Json;
}

export const mediaTypeOf = (contentType: unknown): string =>
  String(contentType ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();

export class DocumentValidators {
  readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly doc: Json) {
    // Strict: a keyword Ajv does not know is an error (OpenAPI's own `example` is added).
    // `required` may name properties that the parent schema defines (`oneOf: [{required:
    // ['graph']}, ...]`, as JSON Schema intends). Infinity (what 1e999 parses to) is left to the
    // document's own bounds to refuse, not to Ajv's strictNumbers.
    this.ajv = new Ajv2020({
      strict: true,
      strictRequired: false,
      strictNumbers: false,
      allErrors: true,
      allowUnionTypes: true,
    });
    formats.default(this.ajv);
    this.ajv.addKeyword({ keyword: 'example' });
    this.ajv.addSchema({ $id: COMPONENTS, $defs: resolved(doc.components?.schemas ?? {}) });
  }

  /** Every operation, `POST /v1/forward` style. */
  get operations(): { route: string; method: string; path: string; operation: Operation }[] {
    return Object.entries<Record<string, Operation>>(this.doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operation,
      })),
    );
  }

  operation(method: string, path: string): Operation {
    const operation = this.doc.paths[path]?.[method.toLowerCase()] as Operation | undefined;
    if (!operation) throw new Error(`the document has no ${method} ${path}`);
    return operation;
  }

  /** A response as the operation documents it: a `$ref` to components.responses is followed. */
  response(method: string, path: string, status: number | string): Response | undefined {
    const response = this.operation(method, path).responses[String(status)];
    if (!response?.$ref) return response;
    return this.doc.components.responses[response.$ref.replace('#/components/responses/', '')];
  }

  validator(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(resolved(schema));
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** The request body's validator (application/json). */
  request(method: string, path: string): ValidateFunction {
    const schema = this.operation(method, path).requestBody?.content['application/json']?.schema;
    if (!schema) throw new Error(`${method} ${path} documents no JSON body`);
    return this.validator(schema);
  }

  /** Ajv's errors, short, for a message. */
  errorsOf(validate: ValidateFunction): string {
    return this.ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 1500);
  }

  /**
   * What is wrong with a response by the document: its status not documented for the route, its
   * content type not the documented one, a documented required header missing, a body that
   * breaks the documented schema. Empty when the document describes it. A request for a path
   * or a method that no operation has is described by components.responses: NotFound (404),
   * MethodNotAllowed (405).
   */
  check(method: string, path: string, res: WireResponse): string[] {
    const route = `${method} ${path} ${res.statusCode}`;
    const routed = this.doc.paths[path]?.[method.toLowerCase()] !== undefined;
    if (!routed) {
      const name = ({ 404: 'NotFound', 405: 'MethodNotAllowed' } as Record<number, string>)[res.statusCode];
      const response = name === undefined ? undefined : this.doc.components.responses[name];
      return response
        ? this.checkAgainst(route, response, res)
        : [`${route}: no operation ${method} ${path}, and neither 404 nor 405: ${res.body.slice(0, 300)}`];
    }
    const response = this.response(method, path, res.statusCode);
    if (!response)
      return [
        `${route}: status not documented (${Object.keys(this.operation(method, path).responses).join(', ')}): ${res.body.slice(0, 300)}`,
      ];
    return this.checkAgainst(route, response, res);
  }

  private checkAgainst(route: string, response: Response, res: WireResponse): string[] {
    const mediaType = mediaTypeOf(res.headers['content-type']);
    const media = response.content?.[mediaType];
    if (!media)
      return [
        `${route}: content type ${mediaType || '(none)'} not documented (${Object.keys(response.content ?? {}).join(', ')})`,
      ];
    const problems: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const sent = res.headers[name.toLowerCase()];
      if (sent === undefined) {
        if (header.required) problems.push(`${route}: header ${name} missing`);
        continue;
      }
      // A header is text; an integer header's text must read as one.
      const value = header.schema?.type === 'integer' ? Number(sent) : String(sent);
      const validate = this.validator(header.schema ?? {});
      if (!validate(value))
        problems.push(
          `${route}: header ${name}: ${JSON.stringify(sent)} breaks its schema: ${this.errorsOf(validate)}`,
        );
    }
    let body: unknown = res.body;
    if (mediaType.endsWith('json')) {
      try {
        body = JSON.parse(res.body);
      } catch {
        return [...problems, `${route}: the body is not JSON: ${res.body.slice(0, 300)}`];
      }
    }
    if (media.schema) {
      const validate = this.validator(media.schema);
      if (!validate(body))
        problems.push(`${route}: the body breaks its schema: ${this.errorsOf(validate)}: ${res.body.slice(0, 300)}`);
    }
    return problems;
  }
}
