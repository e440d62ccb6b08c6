/**
 * An operation of the service: one POST route, one library call, one kind of job a worker thread
 * runs. Its entry holds all of it in one place:
 * - `path`, its schemas and its documentation, from which src/http/operation-routes.ts registers
 *   the route (and the OpenAPI document describes it);
 * - `prepare`, which reads the validated body and compiles it, and refuses whatever is over a
 *   limit (work, response size) before any computing. What it returns is plain data that can be
 *   posted to a worker;
 * - `work`, the element operations the job will take: what decides whether it runs on a worker;
 * - `run`, which computes the response body from the job: JSON, or a FileAnswer (possibly once a
 *   promise settles: a picture waits for Graphviz).
 */
import type { z } from 'zod';
import type { Limits } from '../engine/limits.js';
import type { Tape } from '../engine/tape.js';
import type { Locale, Localized } from '../text.js';
import type { ResponseDoc } from '../schemas/problem-details.js';
import { validate } from '../schemas/validate.js';

export interface OperationContext<Query = undefined> {
  limits: Limits;
  /** The language of notes, feedback and text. */
  locale: Locale;
  /** The route's query string, validated (a picture's format). */
  query?: Query;
}

/** The graph a job computes on, if it has one (an exercise's is its own business): what the metrics count. */
export const tapeOf = (job: unknown): Tape | undefined => (job as { tape?: Tape }).tape;

/**
 * An answer that is not JSON: text or bytes in its own content type (a picture, a question bank),
 * with headers of its own (a file's name).
 */
export class FileAnswer {
  constructor(
    readonly body: string | Uint8Array,
    readonly type: string,
    readonly headers?: Record<string, string>,
  ) {}
}

/** What a route's documentation says beside its schemas (OpenAPI: tags, summary, description, and per status a description and examples). */
export interface OperationDocs {
  tags: string[];
  summary: string;
  description: string;
  /** Per status: what the answer holds, and named examples of it. */
  responseDocs?: Record<number, ResponseDoc>;
}

export interface Operation<Body = any, Job = any, Result = any, Query = any, Input = any> {
  /** The route: POST path. */
  readonly path: `/v1/${string}`;
  /** The request body's schema (the route's, and the library's validation). */
  readonly body: z.ZodType<Body, Input>;
  /** The query string's schema, for a route that takes one. */
  readonly query?: z.ZodType<Query>;
  /** The 200 answer: its schema, which answers computed on a worker are checked against in tests. */
  readonly response: z.ZodType;
  /** The 200 answer as documented, when it is not JSON (a picture in each of its content types). */
  readonly responseDocument?: unknown;
  /** The error statuses the route documents, each with its schema. */
  readonly errors: Record<number, z.ZodType>;
  readonly docs: OperationDocs;
  /** Bodies over OFFLOAD_BODY_BYTES are left as text, to be parsed, validated and compiled on a worker thread. */
  readonly largeBodies: boolean;
  /** Headers every answer of the route carries. */
  readonly headers?: Record<string, string>;
  /** What a 413 over MAX_RESPONSE_BYTES tells the client to ask for instead. */
  readonly askForLess?: Localized;
  /** The language of the answer when the body chooses it (an exercise's `locale`), else the request's. */
  language?(body: Body): Locale | undefined;
  /**
   * Element operations `prepare` itself will take, when they can be many (grading by reference
   * draws an authored exercise, up to MAX_DRAWS times): a body estimated at OFFLOAD_WORK or more is
   * prepared on a worker thread too, not on the event loop.
   */
  prepareWork?(body: Body): number;
  prepare(body: Body, context: OperationContext<Query>): Job;
  /** Element operations the job will take: what decides whether it runs on a worker thread. */
  work(job: Job): number;
  run(job: Job): Result;
}

/** An entry of the table, its types inferred from its schemas and functions. */
export const operation = <Body, Job, Result, Query = undefined, Input = unknown>(
  op: Operation<Body, Job, Result, Query, Input>,
): Operation<Body, Job, Result, Query, Input> => op;

/** A body as it came, validated, then prepared (in the body's language when it chooses one): the library's and a worker's first half. */
export function prepareBody<Body, Job, Result, Query>(
  op: Operation<Body, Job, Result, Query>,
  body: unknown,
  context: OperationContext<Query>,
): Job {
  const checked = validate(op.body, body);
  if ('error' in checked) throw checked.error;
  const locale = op.language?.(checked.value) ?? context.locale;
  return op.prepare(checked.value, { ...context, locale });
}

/** The query string as it came, validated (the library's options). */
export function readQuery<Query>(op: Operation<unknown, unknown, unknown, Query>, query: unknown): Query | undefined {
  if (!op.query) return undefined;
  const checked = validate(op.query, query ?? {});
  if ('error' in checked) throw checked.error;
  return checked.value;
}
