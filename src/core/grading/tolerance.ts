import type { z } from 'zod';
import type { Tolerance as ToleranceSchema } from '../../schemas/tolerance.js';
import { DEFAULT_TOLERANCE } from '../defaults.js';

/**
 * When a submitted number counts as the expected one.
 * - `{rtol, atol}`: |s - e| <= atol + rtol * |e| (both apply, so an exact 0 is gradable).
 * - `{sigfigs: n}`: as PrairieLearn's `is_correct_scalar_sf`: |s - e| <= 0.51 * 10^(floor(log10 |e|) - n + 1),
 *   i.e. s rounds to e at n significant figures (with a little slack for the rounding itself).
 * - `{decimals: n}`: as PrairieLearn's `is_correct_scalar_dd`: |s - e| <= 0.51 * 10^(-n).
 * Nothing is within the tolerance of an expected value that is not finite (an overflow, or NaN):
 * around Infinity, rtol's allowance would be infinite and credit any number.
 */
export type Tolerance = z.output<typeof ToleranceSchema>;

/** The largest |s - e| accepted for an expected value e; 0 when e is not finite (see `within`). */
export function allowance(tol: Tolerance, expected: number): number {
  if (!Number.isFinite(expected)) return 0;
  if ('sigfigs' in tol) {
    const magnitude = expected === 0 ? 0 : Math.floor(Math.log10(Math.abs(expected)));
    return 0.51 * 10 ** (magnitude - tol.sigfigs + 1);
  }
  if ('decimals' in tol) return 0.51 * 10 ** -tol.decimals;
  return (tol.atol ?? DEFAULT_TOLERANCE.atol) + (tol.rtol ?? DEFAULT_TOLERANCE.rtol) * Math.abs(expected);
}

export const within = (tol: Tolerance, submitted: number, expected: number): boolean =>
  Number.isFinite(expected) && Number.isFinite(submitted) && Math.abs(submitted - expected) <= allowance(tol, expected);
