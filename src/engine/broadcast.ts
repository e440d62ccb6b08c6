import type { Shape } from './tensor.js';

/** PyTorch (NumPy) broadcasting of two shapes of any rank, or null when they do not broadcast. */
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
 * For shapes of rank <= 2 only (the fast path); `rowWalk` takes any rank.
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

/** Whether every shape has rank <= 2, so that `broadcastWalk` covers them. */
export const isMatrixWalk = (a: Shape, b: Shape, out: Shape): boolean =>
  a.length <= 2 && b.length <= 2 && out.length <= 2;

/**
 * How to walk two operands broadcast to `out`, of any rank: the result is read as rows of its
 * last axis, and element j of row r reads `a[aStart[r] + j * ac]` and `b[bStart[r] + j * bc]`.
 * A row's start sums the operand's stride along each leading axis, 0 along a broadcast one.
 */
export interface RowWalk {
  rows: number;
  cols: number;
  aStart: Int32Array;
  bStart: Int32Array;
  ac: number;
  bc: number;
}

export function rowWalk(a: Shape, b: Shape, out: Shape): RowWalk {
  const rank = out.length;
  const cols = rank ? out[rank - 1] : 1;
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= out[d];
  const aStrides = stridesIn(a, out),
    bStrides = stridesIn(b, out);
  const aStart = new Int32Array(rows),
    bStart = new Int32Array(rows);
  // Row r's index along each leading axis, counted like an odometer, last leading axis fastest.
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let ia = 0,
    ib = 0;
  for (let r = 0; r < rows; r++) {
    aStart[r] = ia;
    bStart[r] = ib;
    for (let d = rank - 2; d >= 0; d--) {
      ia += aStrides[d];
      ib += bStrides[d];
      if (++index[d] < out[d]) break;
      ia -= aStrides[d] * out[d];
      ib -= bStrides[d] * out[d];
      index[d] = 0;
    }
  }
  return { rows, cols, aStart, bStart, ac: rank ? aStrides[rank - 1] : 0, bc: rank ? bStrides[rank - 1] : 0 };
}

/** An operand's row-major stride along each axis of `out` (its shape aligned to the right): 0 where it is broadcast. */
function stridesIn(shape: Shape, out: Shape): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let k = 1; k <= shape.length; k++) {
    const d = shape[shape.length - k];
    if (d !== 1) strides[out.length - k] = stride;
    stride *= d;
  }
  return strides;
}

/** A tensor of any rank read as rows of its last axis: [rows, cols], rows the product of the leading dims. */
export function lastAxisRows(shape: Shape): [number, number] {
  const cols = shape.length ? shape[shape.length - 1] : 1;
  let rows = 1;
  for (let d = 0; d < shape.length - 1; d++) rows *= shape[d];
  return [rows, cols];
}

/**
 * An axis given as PyTorch takes it (negative counts from the end; a scalar has the axes 0 and
 * -1, as a vector of one), as an index into `shape`; undefined when out of range.
 */
export function axisIndex(shape: Shape, axis: number): number | undefined {
  const range = Math.max(shape.length, 1);
  if (!Number.isInteger(axis) || axis < -range || axis >= range) return undefined;
  return axis < 0 ? axis + range : axis;
}

/**
 * A tensor seen as [outer, n, inner] around one axis (of n elements): element (o, j, i) is at
 * `(o * n + j) * inner + i`, so that a reduction over the axis walks j with a stride of `inner`.
 */
export function splitAtAxis(shape: Shape, axis: number): { outer: number; n: number; inner: number } {
  let outer = 1,
    inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return { outer, n: shape[axis] ?? 1, inner };
}
