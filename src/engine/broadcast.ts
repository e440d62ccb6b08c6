import { type Shape, type Tensor, sizeOf, tensor } from './tensor.js';

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

const asMatrix = (shape: Shape): [number, number] => [
  shape.length === 2 ? shape[0] : 1,
  shape.length >= 1 ? shape[shape.length - 1] : 1,
];

/** Row and column strides of `shape` inside a broadcast result; 0 along a broadcast axis. */
function strides(shape: Shape): [number, number] {
  const [rows, cols] = asMatrix(shape);
  return [rows === 1 ? 0 : cols, cols === 1 ? 0 : 1];
}

/**
 * Visits every element of the broadcast result: `visit(k, ia, ib)` gets the flat index into the
 * result and into each operand.
 */
export function forEachBroadcast(a: Shape, b: Shape, out: Shape, visit: (k: number, ia: number, ib: number) => void): void {
  const [rows, cols] = asMatrix(out);
  const [ar, ac] = strides(a);
  const [br, bc] = strides(b);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++, k++) visit(k, i * ar + j * ac, i * br + j * bc);
  }
}

/** Elementwise `f` over two broadcast operands. */
export function broadcastMap(a: Tensor, b: Tensor, out: Shape, f: (x: number, y: number) => number): Tensor {
  const data = new Float64Array(sizeOf(out));
  const ad = a.data, bd = b.data;
  forEachBroadcast(a.shape, b.shape, out, (k, ia, ib) => {
    data[k] = f(ad[ia], bd[ib]);
  });
  return tensor(out, data);
}
