import { plural, say } from '../text.js';
import { specError } from './errors.js';

/** `[]` scalar, `[n]` vector, `[m, n]` matrix: the contract's ranks 0 to 2. */
export type Shape = readonly number[];

/**
 * Row-major dense data with its shape. During evaluation `data` is a view into an arena
 * (values or gradients), which kernels write in place.
 */
export interface Tensor {
  readonly shape: Shape;
  readonly data: Float64Array;
}

/** A value on the wire: a non-finite result is written as one of these strings. */
export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';
export type WireValue = WireNumber | WireNumber[] | WireNumber[][];

export const sizeOf = (shape: Shape): number => shape.reduce((n, d) => n * d, 1);

export function tensor(shape: Shape, data: Float64Array): Tensor {
  return { shape, data };
}

export const scalar = (x: number): Tensor => tensor([], Float64Array.of(x));
export const zeros = (shape: Shape): Tensor => tensor(shape, new Float64Array(sizeOf(shape)));

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** `[2, 3]`; a scalar is `[]`. */
export const shapeText = (shape: Shape): string => `[${shape.join(', ')}]`;

export const isFiniteTensor = (t: Tensor): boolean => allFinite(t.data);

export function allFinite(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}

const FINITE = say('must be a finite number', 'deve ser um número finito');

/** Reads a JSON value (number, array, array of equal-length arrays) into a tensor. */
export function fromJson(value: unknown, path: string): Tensor {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw specError('INVALID_VALUE', path, FINITE);
    return scalar(value);
  }
  if (!Array.isArray(value)) {
    throw specError(
      'INVALID_VALUE',
      path,
      say(
        'must be a number, an array of numbers or an array of equal-length arrays of numbers',
        'deve ser um número, uma lista de números ou uma lista de listas de números do mesmo comprimento',
      ),
    );
  }
  if (value.length === 0) throw specError('INVALID_VALUE', path, say('must not be empty', 'não pode ser vazio'));
  if (value.every((v) => typeof v === 'number')) {
    const data = Float64Array.from(value as number[]);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw specError('INVALID_VALUE', `${path}[${bad}]`, FINITE);
    return tensor([data.length], data);
  }
  const cols = Array.isArray(value[0]) ? value[0].length : -1;
  const data = new Float64Array(value.length * Math.max(cols, 0));
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row))
      throw specError(
        'INVALID_VALUE',
        `${path}[${i}]`,
        say('must be an array of numbers like the other rows', 'deve ser uma lista de números, como as outras linhas'),
      );
    if (row.length !== cols || cols === 0) {
      throw specError(
        'INVALID_VALUE',
        `${path}[${i}]`,
        say(
          `has ${plural(row.length, 'element', 'elements')} but row 0 has ${cols}: a matrix must be rectangular and non-empty`,
          `tem ${plural(row.length, 'elemento', 'elementos')}, mas a linha 0 tem ${cols}: uma matriz deve ser retangular e não vazia`,
        ),
      );
    }
    for (let j = 0; j < cols; j++) {
      const x: unknown = row[j];
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw specError(
          'INVALID_VALUE',
          `${path}[${i}][${j}]`,
          say(
            'must be a finite number (tensors have rank 0 to 2)',
            'deve ser um número finito (tensores têm de 0 a 2 dimensões)',
          ),
        );
      }
      data[i * cols + j] = x;
    }
  }
  return tensor([value.length, cols], data);
}

export const wireNumber = (x: number): WireNumber =>
  Number.isNaN(x) ? 'NaN' : x === Infinity ? 'Infinity' : x === -Infinity ? '-Infinity' : x;

/** Elements from..to of `data` as a JSON array (a loop: Array.from with a mapper is several times slower). */
function wireRow(data: Float64Array, from: number, to: number): WireNumber[] {
  const row: WireNumber[] = new Array(to - from);
  for (let k = from; k < to; k++) {
    const x = data[k];
    row[k - from] = x - x === 0 ? x : wireNumber(x); // x - x is NaN for NaN and ±Infinity
  }
  return row;
}

export function toJson(t: Tensor): WireValue {
  const { shape, data } = t;
  if (shape.length === 0) return wireNumber(data[0]);
  if (shape.length === 1) return wireRow(data, 0, data.length);
  const [m, n] = shape;
  const rows: WireNumber[][] = new Array(m);
  for (let i = 0; i < m; i++) rows[i] = wireRow(data, i * n, (i + 1) * n);
  return rows;
}

/** Element index as the wire writes it: `[]`, `[i]` or `[i, j]`. */
export function elementIndex(shape: Shape, flat: number): number[] {
  if (shape.length === 0) return [];
  if (shape.length === 1) return [flat];
  return [Math.floor(flat / shape[1]), flat % shape[1]];
}
