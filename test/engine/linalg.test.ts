/**
 * The matrix product on the SIMD kernel (src/engine/simd-kernel.ts, written opcode by opcode):
 * each element must be, to the bit, the plain dot product written out here (a sum from 0 over
 * ascending k, then added to what the destination held), for every operand layout and for
 * shapes that are and are not multiples of the kernel's 4 × 4 blocks.
 */
import { describe, expect, it } from 'vitest';
import { type Operand, addProduct, asStored, asTransposed } from '../../src/engine/linalg.js';

/** Element (i, k) of an operand read as (rows x cols). */
const at = (x: Operand, rows: number, cols: number, i: number, k: number): number =>
  x.transposed ? x.data[k * rows + i] : x.data[i * cols + k];

function plainProduct(c: Float64Array, a: Operand, b: Operand, m: number, n: number, p: number): Float64Array {
  const out = c.slice();
  for (let i = 0; i < m; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += at(a, m, n, i, k) * at(b, n, p, k, j);
      out[i * p + j] += s;
    }
  return out;
}

let seed = 12345;
/** Numbers of mixed magnitudes and signs, some zeros, so that the order of summation shows in the last bits. */
function numbers(count: number): Float64Array {
  return Float64Array.from({ length: count }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const u = seed / 2147483648;
    return u < 0.05 ? 0 : (u - 0.5) * 10 ** Math.floor(u * 7 - 3);
  });
}

const shapes = [
  [1, 1, 1],
  [1, 5, 1],
  [3, 2, 4],
  [4, 4, 4],
  [5, 7, 3],
  [9, 1, 6],
  [17, 33, 10],
  [64, 130, 5],
];

describe('addProduct', () => {
  for (const [aT, bT] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    it(`is the plain dot product to the bit, a ${aT ? 'transposed' : 'stored'}, b ${bT ? 'transposed' : 'stored'}`, () => {
      for (const [m, n, p] of shapes) {
        const a = (aT ? asTransposed : asStored)(numbers(m * n));
        const b = (bT ? asTransposed : asStored)(numbers(n * p));
        const c = numbers(m * p);
        const expected = plainProduct(c, a, b, m, n, p);
        addProduct(c, a, b, m, n, p);
        expect(Array.from(c)).toEqual(Array.from(expected));
      }
    });
  }

  it('adds 0 where the inner dimension is empty', () => {
    const c = Float64Array.of(-0, 1.5, 2, -3);
    addProduct(c, asStored(new Float64Array(0)), asStored(new Float64Array(0)), 2, 0, 2);
    expect(Array.from(c)).toEqual([0, 1.5, 2, -3]);
  });

  it('keeps a product of a large matrix right after it grows its memory', () => {
    const [m, n, p] = [300, 301, 302];
    const a = asStored(numbers(m * n)),
      b = asStored(numbers(n * p));
    const c = new Float64Array(m * p);
    const expected = plainProduct(c, a, b, m, n, p);
    addProduct(c, a, b, m, n, p);
    expect(Array.from(c)).toEqual(Array.from(expected));
  });
});
