/**
 * Validation of a request body against its zod schema, for the routes and the library alike.
 * zod only validates: the body is used as it was parsed, because zod rebuilds records into plain
 * objects, where an id such as `__proto__` would be lost. Defaults are therefore applied in the
 * core. A body that does not match is a SpecError with code VALIDATION and one problem per issue.
 */
import type { z } from 'zod';
import { safeParse } from 'zod/v4/core';
import { type FieldProblem, SpecError } from '../engine/errors.js';

/** A zod issue path as users write it: `graph.nodes[2].args[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

const problemOf = (issue: z.core.$ZodIssue): FieldProblem => ({
  path: formatPath(issue.path),
  message: issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue.message,
});

/** The body itself when it matches the schema; otherwise a SpecError naming every field that does not. */
export function validate<T>(schema: z.ZodType<T>, data: unknown): { value: T } | { error: SpecError } {
  const result = safeParse(schema, data, { error: (issue) => (issue.input === undefined ? 'is required' : undefined) });
  return result.success ? { value: data as T } : { error: new SpecError('VALIDATION', result.error.issues.map(problemOf)) };
}
