/**
 * zod validates every request (src/schemas/validate.ts) and documents every response. Responses
 * are written with JSON.stringify (their id maps have no prototype).
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import type { z } from 'zod';
import { safeParse } from 'zod/v4/core';
import { validate } from '../schemas/validate.js';
import { RawJson } from './raw-json.js';

/** A body left as text (RawJson) is validated where it is parsed, on a worker thread. */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) =>
    data instanceof RawJson ? { value: data } : validate(schema, data);

/** Throws when a response breaks its schema: tests check every response this way. */
export function checkResponse(schema: z.ZodType, data: unknown, url: string): void {
  const result = safeParse(schema, data);
  if (!result.success)
    throw new Error(`response of ${url} breaks its schema: ${JSON.stringify(result.error.issues).slice(0, 2000)}`);
}

/** With `checkResponses` (tests), a response that breaks its schema fails loudly. */
export function serializerCompiler(checkResponses: boolean): FastifySerializerCompiler<z.ZodType> {
  return ({ schema, url }) =>
    (data) => {
      if (checkResponses) checkResponse(schema, data, url);
      return JSON.stringify(data);
    };
}
