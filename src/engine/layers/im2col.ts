/**
 * The patches of a convolution as a matrix (im2col), and back (col2im): what turns conv2d's
 * forward and backward passes into matrix products.
 *
 * For one image x [C, H, W], the patch matrix has one row per weight (c, i, j), K = C·KH·KW rows,
 * and one column per output position (oh, ow), H′·W′ columns:
 *   cols[(c·KH + i)·KW + j, oh·W′ + ow] = x[c, oh·s − p + i, ow·s − p + j], 0 outside x (zero padding).
 */

/** A convolution's (or a pool's) sizes: an image [C, H, W], a window KH x KW, stride s, padding p, output H′ x W′. */
export interface Window {
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly KH: number;
  readonly KW: number;
  readonly stride: number;
  readonly padding: number;
  readonly OH: number;
  readonly OW: number;
}

/** floor((size + 2p − k) / s) + 1: PyTorch's output size (floor mode); at least 1 when k <= size + 2p. */
export const outputSize = (size: number, k: number, stride: number, padding: number): number =>
  Math.floor((size + 2 * padding - k) / stride) + 1;

/** The output positions o in [from, to) whose input o·s − p + j falls inside [0, size). */
function validRange(j: number, size: number, out: number, stride: number, padding: number): [number, number] {
  const shift = j - padding; // input index = o·s + shift
  const from = shift >= 0 ? 0 : Math.ceil(-shift / stride);
  const to = Math.min(out, Math.floor((size - 1 - shift) / stride) + 1);
  return [Math.min(from, out), Math.max(to, Math.min(from, out))];
}

/** Writes the patch matrix of the image at `x[at ..]` into `cols` (K x H′·W′, row-major). */
export function im2col(x: Float64Array, at: number, w: Window, cols: Float64Array): void {
  const { C, H, W, KH, KW, stride, padding, OH, OW } = w;
  const P = OH * OW;
  let row = 0;
  for (let c = 0; c < C; c++) {
    const plane = at + c * H * W;
    for (let i = 0; i < KH; i++) {
      const [oh0, oh1] = validRange(i, H, OH, stride, padding);
      for (let j = 0; j < KW; j++, row++) {
        const [ow0, ow1] = validRange(j, W, OW, stride, padding);
        const base = row * P;
        if (oh0 > 0) cols.fill(0, base, base + oh0 * OW);
        if (oh1 < OH) cols.fill(0, base + oh1 * OW, base + P);
        for (let oh = oh0; oh < oh1; oh++) {
          const to = base + oh * OW;
          const from = plane + (oh * stride - padding + i) * W + j - padding;
          for (let ow = 0; ow < ow0; ow++) cols[to + ow] = 0;
          if (stride === 1) for (let ow = ow0; ow < ow1; ow++) cols[to + ow] = x[from + ow];
          else for (let ow = ow0; ow < ow1; ow++) cols[to + ow] = x[from + ow * stride];
          for (let ow = ow1; ow < OW; ow++) cols[to + ow] = 0;
        }
      }
    }
  }
}

/** Adds each entry of a patch matrix `cols` back onto the image element it was read from, at `gx[at ..]`. */
export function col2imAdd(cols: Float64Array, w: Window, gx: Float64Array, at: number): void {
  const { C, H, W, KH, KW, stride, padding, OH, OW } = w;
  const P = OH * OW;
  let row = 0;
  for (let c = 0; c < C; c++) {
    const plane = at + c * H * W;
    for (let i = 0; i < KH; i++) {
      const [oh0, oh1] = validRange(i, H, OH, stride, padding);
      for (let j = 0; j < KW; j++, row++) {
        const [ow0, ow1] = validRange(j, W, OW, stride, padding);
        const base = row * P;
        for (let oh = oh0; oh < oh1; oh++) {
          const from = base + oh * OW;
          const to = plane + (oh * stride - padding + i) * W + j - padding;
          if (stride === 1) for (let ow = ow0; ow < ow1; ow++) gx[to + ow] += cols[from + ow];
          else for (let ow = ow0; ow < ow1; ow++) gx[to + ow * stride] += cols[from + ow];
        }
      }
    }
  }
}
