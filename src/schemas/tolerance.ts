/**
 * When a submitted number counts as the expected one (POST /v1/grade): its own file, so that
 * grading (src/core/grading/tolerance.ts) takes its type from it without importing the grade
 * schemas, which import grading.
 */
import { z } from 'zod';
import { DEFAULT_TOLERANCE, docNumber } from '../core/defaults.js';
import { float64 } from './values.js';

const Digits = z.number().int().min(1).max(15);

export const Tolerance = z
  .union([
    z.strictObject({
      rtol: float64(z.number()).nonnegative().optional(),
      atol: float64(z.number()).nonnegative().optional(),
    }),
    z.strictObject({ sigfigs: Digits }),
    z.strictObject({ decimals: z.number().int().min(0).max(15) }),
  ])
  .meta({
    id: 'Tolerance',
    description: `{rtol, atol}: correct when |s - e| <= atol + rtol*|e| (defaults rtol ${docNumber(DEFAULT_TOLERANCE.rtol)}, atol ${docNumber(DEFAULT_TOLERANCE.atol)}; both apply, so an exact 0 is gradable). {sigfigs: n}: as PrairieLearn's sigfig comparison, |s - e| <= 0.51 * 10^(floor(log10|e|) - n + 1) (s rounds to e at n significant figures). {decimals: n}: as PrairieLearn's decimal-digits comparison, |s - e| <= 0.51 * 10^-n.`,
  });
