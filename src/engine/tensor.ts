import { plural, say } from '../text.js';
import { specError } from './errors.js';

/** `[]` scalar, `[n]` vector, `[m, n]` matrix, up to `[N, C, H, W]`: the contract's ranks 0 to 4. */
export type Shape = readonly number[];

/** The highest rank of a value (a batch of images, `[N, C, H, W]`). */
export const MAX_RANK = 4;

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
export type WireValue = WireNumber | WireNumber[] | WireNumber[][] | WireNumber[][][] | WireNumber[][][][];

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
const FINITE_ELEMENT = say(
  `must be a finite number (tensors have rank 0 to ${MAX_RANK})`,
  `deve ser um número finito (tensores têm de 0 a ${MAX_RANK} dimensões)`,
);
const NOT_EMPTY = say('must not be empty', 'não pode ser vazio');

/**
 * Reads a JSON value (a number, or arrays nested up to MAX_RANK deep, row-major as
 * `torch.tensor(list)`) into a tensor. Its shape is read along its first elements; an array that
 * is ragged, empty or of another depth, or an element that is not a finite number, is refused at
 * its own path (`x[1][0][2]`).
 */
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
        `must be a number or arrays of numbers nested up to ${MAX_RANK} deep, of equal lengths at each depth`,
        `deve ser um número ou listas de números aninhadas até ${MAX_RANK} níveis, de comprimentos iguais em cada nível`,
      ),
    );
  }
  if (value.length === 0) throw specError('INVALID_VALUE', path, NOT_EMPTY);
  if (value.every((v) => typeof v === 'number')) {
    const data = Float64Array.from(value as number[]);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw specError('INVALID_VALUE', `${path}[${bad}]`, FINITE);
    return tensor([data.length], data);
  }
  const first: unknown = value[0];
  return Array.isArray(first) && first.length > 0 && !Array.isArray(first[0])
    ? matrixFromJson(value, path)
    : nestedFromJson(value, path);
}

/** A matrix: rows of numbers (the common case of rank 2, read in one loop). */
function matrixFromJson(value: unknown[], path: string): Tensor {
  const cols = (value[0] as unknown[]).length;
  // Allocated only once the rows are known to be rectangular: a ragged value must not make us
  // allocate rows x (the first row's length), which its own size does not bound.
  const rectangular = value.every((row) => Array.isArray(row) && row.length === cols);
  const data = new Float64Array(rectangular ? value.length * cols : 0);
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row))
      throw specError(
        'INVALID_VALUE',
        `${path}[${i}]`,
        say('must be an array of numbers like the other rows', 'deve ser uma lista de números, como as outras linhas'),
      );
    if (row.length !== cols) {
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
      if (typeof x !== 'number' || !Number.isFinite(x))
        throw specError('INVALID_VALUE', `${path}[${i}][${j}]`, FINITE_ELEMENT);
      data[i * cols + j] = x;
    }
  }
  return tensor([value.length, cols], data);
}

/** Arrays nested to any depth up to MAX_RANK, the shape read along the first elements. */
function nestedFromJson(value: unknown[], path: string): Tensor {
  const shape: number[] = [];
  for (let v: unknown = value; Array.isArray(v) && shape.length < MAX_RANK; v = v[0]) shape.push(v.length);
  const rank = shape.length;
  // The path of the array at `depth` along the walk (`x[1][0]`), and of its counterpart along the first elements.
  const at: number[] = [];
  const pathAt = (depth: number): string =>
    path +
    at
      .slice(0, depth)
      .map((i) => `[${i}]`)
      .join('');
  const firstAt = (depth: number): string => path + '[0]'.repeat(depth);
  const size = sizeOf(shape);
  const data = new Float64Array(isRectangular(value, shape, 0) ? size : 0);
  let k = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth === rank) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw specError('INVALID_VALUE', pathAt(depth), FINITE_ELEMENT);
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v)) {
      throw specError(
        'INVALID_VALUE',
        pathAt(depth),
        say(
          `must be an array like ${firstAt(depth)}: the value is a tensor of shape ${shapeText(shape)}`,
          `deve ser uma lista como ${firstAt(depth)}: o valor é um tensor de forma ${shapeText(shape)}`,
        ),
      );
    }
    if (v.length === 0) throw specError('INVALID_VALUE', pathAt(depth), NOT_EMPTY);
    if (v.length !== shape[depth]) {
      throw specError(
        'INVALID_VALUE',
        pathAt(depth),
        say(
          `has ${plural(v.length, 'element', 'elements')} but ${firstAt(depth)} has ${shape[depth]}: a tensor must be rectangular and non-empty`,
          `tem ${plural(v.length, 'elemento', 'elementos')}, mas ${firstAt(depth)} tem ${shape[depth]}: um tensor deve ser retangular e não vazio`,
        ),
      );
    }
    for (let i = 0; i < v.length; i++) {
      at[depth] = i;
      walk(v[i], depth + 1);
    }
  };
  walk(value, 0);
  return tensor(shape, data);
}

/** Whether every array down to the last axis has the length of `shape` (the elements are not read). */
function isRectangular(v: unknown, shape: Shape, depth: number): boolean {
  if (!Array.isArray(v) || v.length !== shape[depth]) return false;
  if (depth === shape.length - 1) return true;
  for (const item of v) if (!isRectangular(item, shape, depth + 1)) return false;
  return true;
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
  if (shape.length === 2) {
    const [m, n] = shape;
    const rows: WireNumber[][] = new Array(m);
    for (let i = 0; i < m; i++) rows[i] = wireRow(data, i * n, (i + 1) * n);
    return rows;
  }
  return nestedJson(data, shape, 0, 0) as WireValue;
}

/** The elements from `at` of the sub-tensor of shape `shape[depth..]` as nested JSON arrays. */
function nestedJson(data: Float64Array, shape: Shape, depth: number, at: number): WireNumber[] | unknown[] {
  const n = shape[depth];
  if (depth === shape.length - 1) return wireRow(data, at, at + n);
  const stride = sizeOf(shape.slice(depth + 1));
  const items: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) items[i] = nestedJson(data, shape, depth + 1, at + i * stride);
  return items;
}

/** Element index as the wire writes it: `[]`, `[i]`, `[i, j]`, up to `[n, c, h, w]` (row-major). */
export function elementIndex(shape: Shape, flat: number): number[] {
  if (shape.length === 0) return [];
  if (shape.length === 1) return [flat];
  if (shape.length === 2) return [Math.floor(flat / shape[1]), flat % shape[1]];
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

/**
 * Bytes of the brackets and commas that nest a value of this shape, beyond its numbers: the outer
 * pair, and a pair and a comma for each inner array (`[[1, 2], [3, 4]]`: 2 + 3 · 2).
 */
export function nestingBytes(shape: Shape): number {
  if (shape.length === 0) return 0;
  let arrays = 0;
  for (let d = 1, count = 1; d < shape.length; d++) arrays += count *= shape[d - 1];
  return 2 + 3 * arrays;
}
