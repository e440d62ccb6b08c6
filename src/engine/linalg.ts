/**
 * Dense kernels on row-major data, written so that the innermost loop runs along contiguous
 * memory. Every sum over k is taken in ascending k, as a plain dot product would: the loop order
 * changes where the partial sums live, not the order in which they are added.
 */

/** c[m, p] = a[m, n] @ b[n, p] (c is overwritten). */
export function matmulInto(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, p: number): void {
  c.fill(0, 0, m * p);
  for (let i = 0; i < m; i++) {
    const ci = i * p;
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      const bk = k * p;
      for (let j = 0; j < p; j++) c[ci + j] += aik * b[bk + j];
    }
  }
}

/** c[m, p] += a[m, n] @ b[p, n]^T: each element a dot product of two rows. */
export function addMatmulTransposedB(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, p: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    for (let j = 0; j < p; j++) {
      const bj = j * n;
      let s = 0;
      for (let k = 0; k < n; k++) s += a[ai + k] * b[bj + k];
      c[i * p + j] += s;
    }
  }
}

/** c[n, p] += a[m, n]^T @ b[m, p]: row k of c gathers a[i, k] * (row i of b) over i. */
export function addMatmulTransposedA(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, p: number): void {
  for (let i = 0; i < m; i++) {
    const bi = i * p;
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      const ck = k * p;
      for (let j = 0; j < p; j++) c[ck + j] += aik * b[bi + j];
    }
  }
}

/** c[m, p] += a[m, n] @ b[n, p]. */
export function addMatmul(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, p: number): void {
  for (let i = 0; i < m; i++) {
    const ci = i * p;
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      const bk = k * p;
      for (let j = 0; j < p; j++) c[ci + j] += aik * b[bk + j];
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
