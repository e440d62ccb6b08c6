/**
 * Reads a student's number: a JSON number, or text with `.` or `,` as the decimal separator
 * (`0,4502`), an exponent (`1.5e-3`), or a simple fraction (`1/8`, `-3/4`). Tensor answers are
 * arrays of those. Anything else is unparseable, which is a grading outcome, not an error; so is
 * a number that is not finite: text such as "1e999", "Infinity", "inf" or "NaN", or a JSON number
 * beyond float64 (1e999 parses to Infinity), since an infinite answer would equal an infinite
 * expected value and earn credit for nothing.
 *
 * Any JSON value is an answer: an LMS sends `null`, `true`, `{}` or `[]` for a field left blank,
 * and that one answer is unparseable, not the whole submission. A text is read up to
 * MAX_ANSWER_TEXT_LENGTH characters; a longer one is unparseable.
 */
import { MAX_RANK, type Tensor, tensor } from '../../engine/tensor.js';
import { QUOTE_LENGTH, quote } from '../../text.js';

/** Text long enough for any number a student writes (every digit of a float64 is about 770). */
export const MAX_ANSWER_TEXT_LENGTH = 1000;

/**
 * Part of an answer that is no number, text, true/false, null or list of those: an object, or a
 * list nested deeper than a tensor of rank MAX_RANK. Only its JSON text is kept, cut at
 * QUOTE_LENGTH characters, so that no answer is echoed, cloned to a worker or walked deeper than that.
 */
export interface OddPart {
  odd: 'object' | 'nested';
  text: string;
}
type RawScalar = number | string | boolean | null | OddPart;
export type RawAnswer = RawScalar | RawScalar[] | RawScalar[][] | RawScalar[][][] | RawScalar[][][][];

export const isOddPart = (v: unknown): v is OddPart =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && 'odd' in v;

/** The JSON text of a value, cut after QUOTE_LENGTH characters: it never walks deeper than that. */
function jsonStart(v: unknown): string {
  let out = '';
  const write = (x: unknown): void => {
    if (out.length > QUOTE_LENGTH) return;
    if (Array.isArray(x) || (typeof x === 'object' && x !== null)) {
      const array = Array.isArray(x);
      out += array ? '[' : '{';
      let first = true;
      for (const [k, e] of Object.entries(x)) {
        if (out.length > QUOTE_LENGTH) return;
        out += `${first ? '' : ','}${array ? '' : `${JSON.stringify(quote(k))}:`}`;
        first = false;
        write(e);
      }
      out += array ? ']' : '}';
    } else out += typeof x === 'string' ? JSON.stringify(quote(x)) : (JSON.stringify(x) ?? 'null');
  };
  write(v);
  return quote(out);
}

/** An answer as sent, held as a scalar or lists nested up to MAX_RANK deep: anything else in it becomes an OddPart. */
export function boundedAnswer(v: unknown, depth = 0): RawAnswer {
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v) && depth < MAX_RANK) return v.map((e) => boundedAnswer(e, depth + 1)) as RawAnswer;
  return { odd: Array.isArray(v) ? 'nested' : 'object', text: jsonStart(v) };
}

const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;
const FRACTION = /^([+-]?\d+)\s*\/\s*(\d+)$/;
/** What a calculator, Python (`str(float('inf'))`) or JavaScript writes for a value that is not finite. */
const NON_FINITE = /^([+-]?)(?:inf|infinity|∞|nan)$/i;

/** The number the answer says, finite or not; undefined when it says none. */
function readScalar(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string' || raw.length > MAX_ANSWER_TEXT_LENGTH) return undefined;
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

/** A scalar, vector, matrix or tensor up to rank 4 of numbers, or undefined when any element is unreadable or an array ragged. */
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
  if (Array.isArray(raw[0]) && raw[0].some(Array.isArray)) return parseNested(raw);
  if (cols <= 0 || !raw.every((row) => Array.isArray(row) && row.length === cols)) return undefined;
  const xs = (raw as unknown[][]).flat().map(parseNumber);
  return xs.every((x) => x !== undefined) ? tensor([raw.length, cols], Float64Array.from(xs as number[])) : undefined;
}

/** Rank 3 or 4: the shape read along the first elements, every array of its depth's length, every element a number. */
function parseNested(raw: unknown[]): Tensor | undefined {
  const shape: number[] = [];
  for (let v: unknown = raw; Array.isArray(v); v = v[0]) shape.push(v.length);
  if (shape.length > MAX_RANK) return undefined;
  const xs: number[] = [];
  const read = (v: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      const x = parseNumber(v);
      if (x === undefined) return false;
      xs.push(x);
      return true;
    }
    if (!Array.isArray(v) || v.length !== shape[depth] || v.length === 0) return false;
    return v.every((e) => read(e, depth + 1));
  };
  return read(raw, 0) ? tensor(shape, Float64Array.from(xs)) : undefined;
}
