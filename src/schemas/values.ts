import { z } from 'zod';
import { say } from '../text.js';
import { ID_PATTERN, MAX_ID_LENGTH } from '../engine/compile.js';
import { schemaMessage } from './validate.js';

export const FINITE = say('must be a finite number', 'deve ser um número finito');

/**
 * A number of a request within ±Number.MAX_VALUE. zod 4's number refuses a non-finite one by
 * itself (1e999 parses to Infinity), so the bounds never refuse anything more: they are there so
 * that the OpenAPI document says it (`minimum`/`maximum`), and a client's validator refuses 1e999
 * as the service does.
 */
export const float64 = <T extends z.ZodNumber>(n: T): T => n.min(-Number.MAX_VALUE).max(Number.MAX_VALUE) as T;

/**
 * A finite number: JSON cannot carry NaN, and 1e999 parses to Infinity, which zod 4's number
 * refuses by itself (a refinement per element would cost more than parsing the JSON).
 */
export const Finite = float64(
  z.number({
    error: (issue) =>
      issue.code === 'invalid_type' && typeof issue.input === 'number' ? schemaMessage(FINITE) : undefined,
  }),
);

export const Value = z.union([Finite, z.array(Finite).min(1), z.array(z.array(Finite).min(1)).min(1)]).meta({
  id: 'Value',
  description:
    'A scalar, a vector [n] or a matrix [m, n] of finite numbers. The rows of a matrix must have equal length: JSON Schema cannot say so, and a ragged matrix is a 400 (`INVALID_VALUE`, its path names the first row whose length differs).',
});

export const WireNumber = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]).meta({
  id: 'WireNumber',
  description: 'A number; a non-finite result is written as the string "NaN", "Infinity" or "-Infinity".',
});

/**
 * A response object as it is computed, before `wireNumber` writes its numbers: its schema's
 * output with a plain number for each WireNumber member (NaN still a number).
 */
export type BeforeWire<S extends z.ZodType> = {
  [K in keyof z.output<S>]: z.output<S>[K] extends z.output<typeof WireNumber> ? number : z.output<S>[K];
};

export const WireValue = z.union([WireNumber, z.array(WireNumber), z.array(z.array(WireNumber))]).meta({
  id: 'WireValue',
  description: 'A result value: scalar, vector or matrix, with non-finite numbers as strings.',
});

export const Id = z
  .string()
  .max(MAX_ID_LENGTH)
  .regex(ID_PATTERN, {
    error: () =>
      schemaMessage(
        say(
          `must match ${ID_PATTERN.source}`,
          `deve seguir o padrão ${ID_PATTERN.source} (letras, dígitos e _, sem começar por um dígito)`,
        ),
      ),
  });

export const IdValueMap = z.record(Id, WireValue).meta({
  id: 'IdValueMap',
  description: 'Graph id -> value. Ids are own keys: `__proto__` or `constructor` are ids like any other.',
});

export const warningCodes = ['non_finite_values', 'non_finite_gradients', 'kink', 'target_broadcast'] as const;

export const Warning = z
  .object({
    code: z.enum(warningCodes),
    ids: z.array(z.string()),
    message: z.string().meta({ description: 'In the language of Accept-Language (pt-BR or en).' }),
  })
  .meta({
    id: 'Warning',
    description:
      'Something the numbers alone do not say: non-finite results, a finite-difference check across a kink, or a loss whose target broadcasts to another shape than its prediction (target_broadcast: it computes, as in PyTorch, but almost always by mistake).',
  });
