/**
 * zod validates every request and documents every response, but the body reaches the handler
 * as it was parsed: zod rebuilds records into plain objects, where an id such as `__proto__`
 * would be lost. Defaults are therefore applied in the core, and responses are written with
 * JSON.stringify (their id maps have no prototype).
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import type { z } from 'zod';
import { safeParse } from 'zod/v4/core';

export class RequestValidationError extends Error {
  readonly issues: z.core.$ZodIssue[];
  constructor(issues: z.core.$ZodIssue[]) {
    super('the request does not match the schema');
    this.issues = issues;
  }
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = safeParse(schema, data, { error: (issue) => (issue.input === undefined ? 'is required' : undefined) });
    return result.success ? { value: data } : { error: new RequestValidationError(result.error.issues) };
  };

/** With `checkResponses` (tests), a response that breaks its schema fails loudly. */
export function serializerCompiler(checkResponses: boolean): FastifySerializerCompiler<z.ZodType> {
  return ({ schema, url }) =>
    (data) => {
      if (checkResponses) {
        const result = safeParse(schema, data);
        if (!result.success) throw new Error(`response of ${url} breaks its schema: ${JSON.stringify(result.error.issues).slice(0, 2000)}`);
      }
      return JSON.stringify(data);
    };
}

/** A zod issue path as users write it: `graph.nodes[2].args[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
