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

/**
 * Arrays of finite numbers nested 1 to 4 deep, none empty. The union lists them by rank,
 * shallowest first: zod stops at the first that matches, and a shallower one fails at the outer
 * arrays already, so a matrix or a vector is checked as fast as before ranks 3 and 4 came.
 */
const Vector = z.array(Finite).min(1);
const Matrix = z.array(Vector).min(1);
const Rank3 = z.array(Matrix).min(1);
const Rank4 = z.array(Rank3).min(1);

export const Value = z.union([Finite, Vector, Matrix, Rank3, Rank4]).meta({
  id: 'Value',
  description:
    'A scalar, a vector [n], a matrix [m, n], or arrays nested up to rank 4 ([N, C, H, W]), of finite numbers, row-major as torch.tensor(list). The arrays at each depth must have equal length: JSON Schema cannot say so, and a ragged value is a 400 (`INVALID_VALUE`, its path names the first array whose length differs, e.g. `x[1][0]`).',
  examples: [
    2.5,
    [0.5, -1],
    [
      [1, 2],
      [3, 4],
    ],
    [
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    ],
  ],
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

const WireVector = z.array(WireNumber);
const WireMatrix = z.array(WireVector);
const WireRank3 = z.array(WireMatrix);

export const WireValue = z.union([WireNumber, WireVector, WireMatrix, WireRank3, z.array(WireRank3)]).meta({
  id: 'WireValue',
  description:
    'A result value: scalar, vector, matrix, or arrays nested up to rank 4 (row-major), with non-finite numbers as strings.',
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
