/**
 * An answer that was rounded: it agrees with a value within one unit of its own last written
 * digit. The digits are the ones the student wrote: the text of a string answer, or for a JSON
 * number its shortest round-trip form (`String(x)`, which is what the JSON text said).
 *
 * - The unit is the place of the last written digit: 0.5 -> 0.1, "0,11" -> 0.01, 2.5e-3 -> 1e-4.
 *   In a whole number written without a decimal point, trailing zeros are placeholders, as in the
 *   significant-figure convention: 300 -> 100, 3 -> 1, "300.0" -> 0.1. A fraction ("1/8") is
 *   exact: it has no unit and is never a rounding.
 * - s rounds v when s is not 0 and either the unit is no larger than |v| (s keeps at least one
 *   significant figure of v) and |s - v| <= unit (one unit, so that truncating or a slip in the
 *   last digit counts too: 0.3 for 0.334, 0.12 for 0.1114), or the unit is larger than |v| and s
 *   is v rounded to that unit, |s - v| <= unit / 2 (1 for 0.96; not 1 for 0.45, nor 0).
 */
import { MAX_RANK, type Tensor, sameShape } from '../../engine/tensor.js';
import type { RawAnswer } from './numbers.js';
import { type Tolerance, allowance, within } from './tolerance.js';

/** Float slack on the unit, so that 0.12 - 0.11 (0.009999…) is one unit of 0.01. */
const SLACK = 1 + 1e-9;

const WRITTEN = /^[+-]?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** The place value of the last written digit (0.1 for "0.5"), or undefined for a fraction or unreadable text. */
export function writtenUnit(raw: number | string): number | undefined {
  const text =
    typeof raw === 'number'
      ? String(raw)
      : raw
          .trim()
          .replace(/\u2212/g, '-')
          .replace(',', '.');
  const m = WRITTEN.exec(text);
  if (!m || (m[1] === '' && !m[2])) return undefined;
  const exponent = Number(m[3] ?? 0);
  if (m[2] !== undefined) return Number(`1e${exponent - m[2].length}`);
  const digits = m[1].replace(/^0+/, '');
  const placeholders = digits.length - digits.replace(/0+$/, '').length;
  return Number(`1e${exponent + placeholders}`);
}

/** s, written as `raw`, is a rounding of v (see the header). */
export function roundsTo(raw: number | string, s: number, v: number): boolean {
  const unit = writtenUnit(raw);
  // Nothing rounds a value that is not finite, and a unit past float64 ("0.0e999") is no digit.
  if (unit === undefined || !Number.isFinite(unit) || s === 0 || !Number.isFinite(s) || !Number.isFinite(v))
    return false;
  const limit = Math.abs(v) >= unit ? unit : unit / 2;
  return Math.abs(s - v) <= limit * SLACK;
}

/** The answer's scalars in the order of its elements (rows flattened, as parseAnswer reads them). */
export const writtenElements = (raw: RawAnswer): (number | string)[] =>
  (Array.isArray(raw) ? (raw as unknown[]).flat(MAX_RANK) : [raw]) as (number | string)[];

export interface Rounded {
  /** The coarsest unit of the elements that miss the tolerance: the digit the answer was rounded to. */
  unit: number;
  /** max |s - v| over the elements, to choose the value the answer rounds most closely. */
  distance: number;
}

/**
 * Whether an answer is a rounding of `reference`: each element within the tolerance or a rounding
 * of its reference element, and at least one a rounding (the others are right as they are).
 */
export function roundingOf(
  raw: RawAnswer,
  value: Tensor,
  reference: Tensor,
  tolerance: Tolerance,
): Rounded | undefined {
  const written = writtenElements(raw);
  // Shapes count: a value of another shape is rounded by no answer, whatever its elements.
  if (written.length !== value.data.length || !sameShape(reference.shape, value.shape)) return undefined;
  let unit = 0,
    distance = 0;
  for (let i = 0; i < value.data.length; i++) {
    const s = value.data[i],
      v = reference.data[i];
    distance = Math.max(distance, Math.abs(s - v));
    if (within(tolerance, s, v)) continue;
    if (!roundsTo(written[i], s, v)) return undefined;
    unit = Math.max(unit, writtenUnit(written[i])!);
  }
  return unit > 0 ? { unit, distance } : undefined;
}

/**
 * Decimal places that would have been enough for every element: rounding at 10^-d errs by at most
 * half of it. Elements that are not finite have no tolerance and say nothing; -Infinity when none is finite.
 */
export function decimalsToKeep(reference: Tensor, tolerance: Tolerance): number {
  let places = -Infinity;
  for (const v of reference.data)
    if (Number.isFinite(v)) places = Math.max(places, Math.ceil(Math.log10(0.5 / allowance(tolerance, v))));
  return places;
}
