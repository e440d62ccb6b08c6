import { type Shape, type Tensor, tensor } from './tensor.js';

/** A tensor of rank <= 2 read as a (rows x cols) matrix: a scalar is 1x1, a vector one row. */
export const rowsCols = (shape: Shape): [number, number] => [
  shape.length === 2 ? shape[0] : 1,
  shape.length >= 1 ? shape[shape.length - 1] : 1,
];

/** C[m, p] = A[m, n] @ B[n, p] on raw row-major data, summing k in order (like a plain dot). */
export function matmulData(a: Float64Array, b: Float64Array, m: number, n: number, p: number): Float64Array {
  const c = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * p + j];
      c[i * p + j] = s;
    }
  }
  return c;
}

export function transposeData(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** Applies `f(row, out, r)` to each row r of the last axis (a scalar or vector is a single row). */
export function mapRows(t: Tensor, f: (row: Float64Array, out: Float64Array, r: number) => void): Tensor {
  const [rows, cols] = rowsCols(t.shape);
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < rows; i++) f(t.data.subarray(i * cols, (i + 1) * cols), out.subarray(i * cols, (i + 1) * cols), i);
  return tensor(t.shape, out);
}

/** a_j - max - log(sum(exp(a - max))), as PyTorch's log_softmax: exact where a_j is the max. */
export function logSoftmaxRow(row: Float64Array, out: Float64Array): void {
  let m = -Infinity;
  for (const x of row) if (x > m) m = x;
  let s = 0;
  for (const x of row) s += Math.exp(x - m);
  const logS = Math.log(s);
  for (let j = 0; j < row.length; j++) out[j] = row[j] - m - logS;
}

export function softmaxRow(row: Float64Array, out: Float64Array): void {
  let m = -Infinity;
  for (const x of row) if (x > m) m = x;
  let s = 0;
  for (let j = 0; j < row.length; j++) s += out[j] = Math.exp(row[j] - m);
  for (let j = 0; j < row.length; j++) out[j] /= s;
}
