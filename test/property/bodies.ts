/**
 * What the property tests of validate()'s hand-written paths share (fast-nodes, by-hand): bodies
 * written as entries, so that keys such as `__proto__` become own keys once parsed, numbers JSON
 * cannot carry, and the comparison of validate() with zod alone.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { z } from 'zod';
import { validate, validateWithZod } from '../../src/schemas/validate.js';

/** An object as its entries, so that keys such as `__proto__` become own keys once parsed. */
export class Entries {
  constructor(readonly entries: [string, unknown][]) {}
}

export const object = (entries: [string, unknown][]) => new Entries(entries);

/** Numbers JSON cannot carry, written as markers and revived after parsing (a library caller can pass them). */
const SPECIAL: Record<string, number> = { '\u0000NaN': NaN, '\u0000Inf': Infinity, '\u0000-Inf': -Infinity };

const text = (value: unknown): string => {
  if (value instanceof Entries)
    return `{${value.entries
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${text(v)}`)
      .join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(text).join(',')}]`;
  if (typeof value === 'number' && !Number.isFinite(value))
    return JSON.stringify(Number.isNaN(value) ? '\u0000NaN' : value > 0 ? '\u0000Inf' : '\u0000-Inf');
  return JSON.stringify(value);
};

/** The value as JSON.parse would give it, with Entries as objects and the markers as NaN and ±Infinity. */
export const parse = (value: unknown): unknown =>
  JSON.parse(text(value), (_key, v) => (typeof v === 'string' && Object.hasOwn(SPECIAL, v) ? SPECIAL[v] : v));

export const goodId = fc.oneof(
  fc.constantFrom('x', 'w', 'b', 'n1', '_', 'y_hat', '__proto__', 'constructor', 'a'.repeat(128)),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
);
export const badId = fc.constantFrom('', '1a', 'a-b', 'é', 'a b', 'a'.repeat(129), 'x\n');
export const number = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(-0, 0.5, 1e308, -Number.MAX_VALUE, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
export const nonFinite = fc.constantFrom(NaN, Infinity, -Infinity);
export const junk = fc.oneof(
  fc.constantFrom(null, true, false, [], [1], ['x'], [[1]]),
  fc.constant(object([])),
  fc.constant(object([['a', 1]])),
  nonFinite,
  number,
  badId,
);

/** What a caller sees of validate's answer: the body itself, or the error's code, problems in both languages and extras. */
function seen(result: ReturnType<typeof validate>, data: unknown) {
  if ('value' in result) return { same: result.value === data };
  const { code, localized, extra } = result.error;
  return { code, localized, extra };
}

/** validate() answers as zod alone does (validateWithZod): the same verdict, paths, messages and suggestions. */
export const agrees = (schema: z.ZodType) => (data: unknown) => {
  expect(seen(validate(schema, data), data)).toEqual(seen(validateWithZod(schema, data), data));
};
