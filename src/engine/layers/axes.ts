/**
 * Axes of the layer ops: an axis attr read as PyTorch reads `dim` (negative counts from the end), a
 * row-major tensor seen around one axis, and an element's position as a message writes it.
 */
import type { Shape } from '../tensor.js';

/** The axis `axis` names in a shape of `rank` axes (-1 is the last), or -1 when it names none. */
export function axisIndex(axis: number, rank: number): number {
  const k = axis < 0 ? axis + rank : axis;
  return Number.isInteger(k) && k >= 0 && k < rank ? k : -1;
}

/**
 * A row-major tensor as [outer, size, inner] around axis k: element (o, i, r) is at
 * `(o * size + i) * inner + r`, so each block of one o holds `size * inner` contiguous elements.
 */
export function aroundAxis(shape: Shape, k: number): { outer: number; size: number; inner: number } {
  let outer = 1,
    inner = 1;
  for (let a = 0; a < k; a++) outer *= shape[a];
  for (let a = k + 1; a < shape.length; a++) inner *= shape[a];
  return { outer, size: shape[k], inner };
}

/** The position of the element at flat index `flat` of a row-major shape: `[1, 0, 2]`; a scalar's is `[]`. */
export function positionText(shape: Shape, flat: number): string {
  const index: number[] = new Array(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    index[a] = flat % shape[a];
    flat = Math.floor(flat / shape[a]);
  }
  return `[${index.join(', ')}]`;
}
