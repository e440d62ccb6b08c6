/**
 * max_pool2d and avg_pool2d: PyTorch's `F.max_pool2d(x, kernel, stride)` and
 * `F.avg_pool2d(x, kernel, stride)` on x [N, C, H, W], square windows, no padding, floor mode
 * (windows that would run past the edge are dropped): y [N, C, H′, W′], H′ = floor((H − k)/s) + 1.
 *
 * The max pool's gradient goes to the element its window took as the max, which the backward pass
 * finds again from x as PyTorch's CPU kernel does (aten/src/ATen/native/cpu/MaxPoolKernel.cpp):
 * the window is scanned row by row, left to right, and an element replaces the max when it is
 * greater or NaN. So of tied elements the first in that order gets the gradient (checked with
 * torch 1.13: a 2x2 window [[0, 2], [2, 0]] sends it to index 1), a NaN wins over any number (the
 * last NaN, if several), and a window all −Infinity sends it to its first element. Overlapping
 * windows (stride < kernel) add their gradients.
 */
import { type Localized, say } from '../../text.js';
import type { Attrs, AttrDef, OpDef } from '../op-def.js';
import { type Shape, shapeText, sizeOf } from '../tensor.js';
import { outputSize } from './im2col.js';

const POOL_ATTRS: readonly AttrDef[] = [
  {
    name: 'kernel',
    default: 2,
    integer: true,
    min: 1,
    description: say('The side of each square window, in pixels', 'O lado de cada janela quadrada, em pixels'),
  },
  {
    name: 'stride',
    defaultFrom: 'kernel',
    integer: true,
    min: 1,
    description: say(
      'The step between windows, in pixels (the kernel when not given: windows side by side)',
      'O passo entre janelas, em pixels (o kernel quando omitido: janelas lado a lado)',
    ),
  },
];

function poolShape(name: string, [x]: readonly Shape[], attrs: Attrs): Shape | Localized {
  const k = attrs[0],
    s = attrs[1];
  if (x.length !== 4) {
    return say(
      `${name} needs x [N, C, H, W] of rank 4, got ${shapeText(x)}`,
      `${name} precisa de x [N, C, H, W] de 4 dimensões, recebeu ${shapeText(x)}`,
    );
  }
  if (k > x[2] || k > x[3]) {
    return say(
      `the ${k}x${k} window is larger than the image of x ${shapeText(x)} (${x[2]}x${x[3]})`,
      `a janela ${k}x${k} é maior que a imagem de x ${shapeText(x)} (${x[2]}x${x[3]})`,
    );
  }
  return [x[0], x[1], outputSize(x[2], k, s, 0), outputSize(x[3], k, s, 0)];
}

/** Every window element read once per pass, plus reading x and writing y. */
const poolCost = ([x]: readonly Shape[], out: Shape, attrs: Attrs): number =>
  sizeOf(out) * attrs[0] * attrs[0] + sizeOf(x) + sizeOf(out);

/** A pool's sizes: planes (N·C images), each H x W in, OH x OW out, window k, stride s. */
function windows(xShape: Shape, attrs: Attrs) {
  const [N, C, H, W] = xShape;
  const k = attrs[0],
    s = attrs[1];
  return { planes: N * C, H, W, k, s, OH: outputSize(H, k, s, 0), OW: outputSize(W, k, s, 0) };
}

/** Where the max of the k x k window starting at `from` is: the first max in row order, or the last NaN. */
function argmaxOfWindow(x: Float64Array, from: number, rowLength: number, k: number): number {
  let best = from,
    max = -Infinity;
  for (let i = 0; i < k; i++)
    for (let q = from + i * rowLength, end = q + k; q < end; q++) {
      const v = x[q];
      if (v > max || v !== v) {
        max = v;
        best = q;
      }
    }
  return best;
}

export const max_pool2d: OpDef = {
  kind: 'layer',
  role: 'max_pool',
  description: say(
    "Max pooling, as PyTorch's F.max_pool2d: the largest element of each window",
    'Max pooling, como o F.max_pool2d do PyTorch: o maior elemento de cada janela',
  ),
  args: ['x'],
  attrs: POOL_ATTRS,
  formula: say(
    'y[n,c,h,w] = max_{i,j < k} x[n,c,h·s+i, w·s+j]; x [N,C,H,W] -> y [N,C,H′,W′], H′ = floor((H − k)/s) + 1',
    'y[n,c,h,w] = max_{i,j < k} x[n,c,h·s+i, w·s+j]; x [N,C,H,W] -> y [N,C,H′,W′], H′ = floor((H − k)/s) + 1',
  ),
  derivative: say(
    'dL/dx routes each g[n,c,h,w] to the max of its window (0 elsewhere); of tied elements, the first in row order gets it, as PyTorch; overlapping windows add up',
    'dL/dx leva cada g[n,c,h,w] ao máximo da sua janela (0 nos demais); entre elementos empatados, o primeiro na ordem das linhas o recebe, como no PyTorch; janelas sobrepostas se somam',
  ),
  shape: (shapes, attrs) => poolShape('max_pool2d', shapes, attrs),
  cost: poolCost,
  // The loops over windows are written out in each kernel (a shared walker taking a callback is
  // several times slower: V8 does not inline a callback called from four places).
  forward: ([x], out, attrs) => {
    const { planes, H, W, k, s, OH, OW } = windows(x.shape, attrs);
    let to = 0;
    for (let plane = 0; plane < planes; plane++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0, from = plane * H * W + oh * s * W; ow < OW; ow++, to++, from += s)
          out.data[to] = x.data[argmaxOfWindow(x.data, from, W, k)];
  },
  vjp: (g, [x], _y, [gx], attrs) => {
    const { planes, H, W, k, s, OH, OW } = windows(x.shape, attrs);
    let to = 0;
    for (let plane = 0; plane < planes; plane++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0, from = plane * H * W + oh * s * W; ow < OW; ow++, to++, from += s)
          gx.data[argmaxOfWindow(x.data, from, W, k)] += g.data[to];
  },
};

export const avg_pool2d: OpDef = {
  kind: 'layer',
  description: say(
    "Average pooling, as PyTorch's F.avg_pool2d: the mean of each window",
    'Average pooling, como o F.avg_pool2d do PyTorch: a média de cada janela',
  ),
  args: ['x'],
  attrs: POOL_ATTRS,
  formula: say(
    'y[n,c,h,w] = (1/k²) · sum_{i,j < k} x[n,c,h·s+i, w·s+j]; x [N,C,H,W] -> y [N,C,H′,W′], H′ = floor((H − k)/s) + 1',
    'y[n,c,h,w] = (1/k²) · soma_{i,j < k} x[n,c,h·s+i, w·s+j]; x [N,C,H,W] -> y [N,C,H′,W′], H′ = floor((H − k)/s) + 1',
  ),
  derivative: say(
    'dL/dx spreads each g[n,c,h,w] / k² evenly over its window; overlapping windows add up',
    'dL/dx espalha cada g[n,c,h,w] / k² igualmente sobre sua janela; janelas sobrepostas se somam',
  ),
  shape: (shapes, attrs) => poolShape('avg_pool2d', shapes, attrs),
  cost: poolCost,
  forward: ([x], out, attrs) => {
    const { planes, H, W, k, s, OH, OW } = windows(x.shape, attrs);
    const area = k * k;
    let to = 0;
    for (let plane = 0; plane < planes; plane++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0, from = plane * H * W + oh * s * W; ow < OW; ow++, to++, from += s) {
          let sum = 0;
          for (let i = 0; i < k; i++) for (let q = from + i * W, end = q + k; q < end; q++) sum += x.data[q];
          out.data[to] = sum / area; // summed, then divided, as PyTorch's kernel
        }
  },
  vjp: (g, [x], _y, [gx], attrs) => {
    const { planes, H, W, k, s, OH, OW } = windows(x.shape, attrs);
    const area = k * k;
    let to = 0;
    for (let plane = 0; plane < planes; plane++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0, from = plane * H * W + oh * s * W; ow < OW; ow++, to++, from += s) {
          const share = g.data[to] / area;
          for (let i = 0; i < k; i++) for (let q = from + i * W, end = q + k; q < end; q++) gx.data[q] += share;
        }
  },
};
