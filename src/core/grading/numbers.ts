/**
 * Reads a student's number: a JSON number, or text with `.` or `,` as the decimal separator
 * (`0,4502`), an exponent (`1.5e-3`), or a simple fraction (`1/8`, `-3/4`). Tensor answers are
 * arrays of those. Anything else is unparseable, which is a grading outcome, not an error; so is
 * a number that is not finite: text such as "1e999", "Infinity", "inf" or "NaN", or a JSON number
 * beyond float64 (1e999 parses to Infinity), since an infinite answer would equal an infinite
 * expected value and earn credit for nothing.
 */
import { type Tensor, tensor } from '../../engine/tensor.js';

type RawScalar = number | string;
export type RawAnswer = RawScalar | RawScalar[] | RawScalar[][];

const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;
const FRACTION = /^([+-]?\d+)\s*\/\s*(\d+)$/;
/** What a calculator, Python (`str(float('inf'))`) or JavaScript writes for a value that is not finite. */
const NON_FINITE = /^([+-]?)(?:inf|infinity|∞|nan)$/i;

/** The number the answer says, finite or not; undefined when it says none. */
function readScalar(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().replace(/\u2212/g, '-'); // a typographic minus pasted from a document
  if (DECIMAL.test(text)) return Number(text.replace(',', '.'));
  const f = FRACTION.exec(text);
  if (f && Number(f[2]) !== 0) return Number(f[1]) / Number(f[2]);
  const n = NON_FINITE.exec(text);
  if (n) return /nan/i.test(text) ? NaN : n[1] === '-' ? -Infinity : Infinity;
  return undefined;
}

/** A finite number, or undefined. */
export function parseNumber(raw: unknown): number | undefined {
  const x = readScalar(raw);
  return x !== undefined && Number.isFinite(x) ? x : undefined;
}

/** The answer reads as a number, but one that is infinite or NaN ("1e999", "-inf", "NaN"). */
export function readsAsNonFinite(raw: unknown): boolean {
  const x = readScalar(raw);
  return x !== undefined && !Number.isFinite(x);
}

/** A scalar, vector or matrix of numbers, or undefined when any element is unreadable or rows are ragged. */
export function parseAnswer(raw: unknown): Tensor | undefined {
  if (!Array.isArray(raw)) {
    const x = parseNumber(raw);
    return x === undefined ? undefined : tensor([], Float64Array.of(x));
  }
  if (raw.length === 0) return undefined;
  if (!raw.some(Array.isArray)) {
    const xs = raw.map(parseNumber);
    return xs.every((x) => x !== undefined) ? tensor([xs.length], Float64Array.from(xs as number[])) : undefined;
  }
  const cols = Array.isArray(raw[0]) ? raw[0].length : -1;
  if (cols <= 0 || !raw.every((row) => Array.isArray(row) && row.length === cols)) return undefined;
  const xs = (raw as unknown[][]).flat().map(parseNumber);
  return xs.every((x) => x !== undefined) ? tensor([raw.length, cols], Float64Array.from(xs as number[])) : undefined;
}
