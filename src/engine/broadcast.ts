import type { Shape } from './tensor.js';

/** NumPy broadcasting of two shapes of rank <= 2, or null when they do not broadcast. */
export function broadcastShape(a: Shape, b: Shape): Shape | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    const da = a[a.length - rank + k] ?? 1;
    const db = b[b.length - rank + k] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(Math.max(da, db));
  }
  return out;
}

/** A tensor of rank <= 2 read as a (rows x cols) matrix: a scalar is 1x1, a vector one row. */
export const rowsCols = (shape: Shape): [number, number] => [
  shape.length === 2 ? shape[0] : 1,
  shape.length >= 1 ? shape[shape.length - 1] : 1,
];

/**
 * How to walk two operands broadcast to `out`: element (i, j) of the result reads
 * `a[i * ar + j * ac]` and `b[i * br + j * bc]`, with a stride of 0 along a broadcast axis.
 */
export interface BroadcastWalk {
  rows: number;
  cols: number;
  ar: number;
  ac: number;
  br: number;
  bc: number;
}

export function broadcastWalk(a: Shape, b: Shape, out: Shape): BroadcastWalk {
  const [rows, cols] = rowsCols(out);
  const [aRows, aCols] = rowsCols(a);
  const [bRows, bCols] = rowsCols(b);
  return {
    rows,
    cols,
    ar: aRows === 1 ? 0 : aCols,
    ac: aCols === 1 ? 0 : 1,
    br: bRows === 1 ? 0 : bCols,
    bc: bCols === 1 ? 0 : 1,
  };
}
