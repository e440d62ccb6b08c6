/**
 * Dense kernels on row-major data. Every product of matrices is computed as dot products of rows
 * (transposing an operand first where needed), so that the innermost loop runs along contiguous
 * memory, and every sum is taken in ascending order from 0, as a plain dot product would.
 */

/** The transpose of a row-major (m x n) matrix, as a new (n x m) one. */
export function transposed(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/**
 * c[i, j] += sum over k of a[i, k] * b[j, k]: each element the dot product of row i of a (m x n)
 * and row j of b (p x n), summed from 0 in ascending k and then added to c. The products are
 * computed for 4 rows of a and 2 rows of b at a time (8 sums in registers, each still in order),
 * which reads each loaded element several times: about 3.5 times the speed of one dot product
 * after another on this machine, with the same result to the bit.
 */
export function addRowDots(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, p: number): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const a0 = i * n,
      a1 = a0 + n,
      a2 = a1 + n,
      a3 = a2 + n;
    const c0 = i * p,
      c1 = c0 + p,
      c2 = c1 + p,
      c3 = c2 + p;
    let j = 0;
    for (; j + 1 < p; j += 2) {
      const b0 = j * n,
        b1 = b0 + n;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let k = 0; k < n; k++) {
        const w0 = b[b0 + k],
          w1 = b[b1 + k];
        const x0 = a[a0 + k],
          x1 = a[a1 + k],
          x2 = a[a2 + k],
          x3 = a[a3 + k];
        s00 += x0 * w0;
        s01 += x0 * w1;
        s10 += x1 * w0;
        s11 += x1 * w1;
        s20 += x2 * w0;
        s21 += x2 * w1;
        s30 += x3 * w0;
        s31 += x3 * w1;
      }
      c[c0 + j] += s00;
      c[c0 + j + 1] += s01;
      c[c1 + j] += s10;
      c[c1 + j + 1] += s11;
      c[c2 + j] += s20;
      c[c2 + j + 1] += s21;
      c[c3 + j] += s30;
      c[c3 + j + 1] += s31;
    }
    for (; j < p; j++) {
      const bj = j * n;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let k = 0; k < n; k++) {
        const w = b[bj + k];
        s0 += a[a0 + k] * w;
        s1 += a[a1 + k] * w;
        s2 += a[a2 + k] * w;
        s3 += a[a3 + k] * w;
      }
      c[c0 + j] += s0;
      c[c1 + j] += s1;
      c[c2 + j] += s2;
      c[c3 + j] += s3;
    }
  }
  for (; i < m; i++) {
    const ai = i * n;
    for (let j = 0; j < p; j++) {
      const bj = j * n;
      let s = 0;
      for (let k = 0; k < n; k++) s += a[ai + k] * b[bj + k];
      c[i * p + j] += s;
    }
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
