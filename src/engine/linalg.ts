/**
 * Dense kernels on row-major data. Every product of matrices is computed by the SIMD kernel
 * (simd-kernel.ts), each element a dot product summed from 0 in ascending order, as a plain dot
 * product would be, then added to its destination: the same result to the bit as the loops it
 * replaced.
 */
import { kernelMemory, runKernel } from './simd-kernel.js';

/** An operand of a product: row-major data, read as stored or as the transpose of what is stored. */
export interface Operand {
  readonly data: Float64Array;
  readonly transposed: boolean;
}

export const asStored = (data: Float64Array): Operand => ({ data, transposed: false });
export const asTransposed = (data: Float64Array): Operand => ({ data, transposed: true });

const roundUp4 = (k: number): number => (k + 3) & ~3;

/**
 * Copies the (rows x cols) matrix that `x` reads as into `to` at `at`, with a row stride of
 * `stride`. A stored operand is copied row by row; a transposed one (cols x rows as stored) is
 * read along its rows and written down the columns.
 */
function pack(x: Operand, rows: number, cols: number, to: Float64Array, at: number, stride: number): void {
  const { data } = x;
  if (!x.transposed) {
    if (stride === cols) to.set(data.subarray(0, rows * cols), at);
    else for (let i = 0; i < rows; i++) to.set(data.subarray(i * cols, (i + 1) * cols), at + i * stride);
    return;
  }
  for (let k = 0; k < cols; k++) {
    const from = k * rows;
    for (let i = 0; i < rows; i++) to[at + i * stride + k] = data[from + i];
  }
}

/**
 * c (m x p) += a @ b, a read as (m x n) and b as (n x p). The operands are copied into the
 * kernel's memory, their rows of a and columns of b padded to multiples of 4 (the padding is left
 * as it is: it only reaches outputs that are not read back); each element of the product is
 * then added to c.
 */
export function addProduct(c: Float64Array, a: Operand, b: Operand, m: number, n: number, p: number): void {
  const m4 = roundUp4(m),
    p4 = roundUp4(p);
  const atA = 0,
    atB = m4 * n,
    atC = atB + n * p4;
  const memory = kernelMemory(atC + m4 * p4);
  pack(a, m, n, memory, atA, n);
  pack(b, n, p, memory, atB, p4);
  runKernel(atA, atB, atC, m4, n, p4);
  for (let i = 0; i < m; i++) {
    const from = atC + i * p4,
      to = i * p;
    for (let j = 0; j < p; j++) c[to + j] += memory[from + j];
  }
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
