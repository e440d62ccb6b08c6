/**
 * max_pool2d and avg_pool2d against their definitions written as plain loops, their vjps against
 * central finite differences (on inputs without ties), and the max pool's tie rule, PyTorch's:
 * the first max of the window in row order gets the gradient.
 */
import { describe, expect, it } from 'vitest';
import { avg_pool2d, max_pool2d } from '../../../src/engine/layers/pool2d.js';
import { type Shape, type Tensor, sizeOf, tensor, zeros } from '../../../src/engine/tensor.js';
import { expectVjpMatchesFiniteDifferences, filled, random, run, vjpOf } from './layer-check.js';

/** Distinct values at least 0.01 apart, shuffled: no window has a tie, even after a finite-difference step. */
function distinct(shape: Shape, next: () => number): Tensor {
  const values = Array.from({ length: sizeOf(shape) }, (_, k) => k * 0.01 - 1);
  for (let k = values.length - 1; k > 0; k--) {
    const j = Math.floor(next() * (k + 1));
    [values[k], values[j]] = [values[j], values[k]];
  }
  return tensor(shape, Float64Array.from(values));
}

type Pool = typeof max_pool2d | typeof avg_pool2d;

/** y[n,c,h,w] = max or mean of x[n,c,h·s+i,w·s+j] over i, j < k: the definition. */
function naivePool(kind: 'max' | 'avg', x: Tensor, k: number, s: number): Tensor {
  const [N, C, H, W] = x.shape;
  const OH = Math.floor((H - k) / s) + 1,
    OW = Math.floor((W - k) / s) + 1;
  const y = zeros([N, C, OH, OW]);
  let to = 0;
  for (let nc = 0; nc < N * C; nc++)
    for (let h = 0; h < OH; h++)
      for (let w = 0; w < OW; w++) {
        const window: number[] = [];
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++) window.push(x.data[(nc * H + h * s + i) * W + w * s + j]);
        y.data[to++] = kind === 'max' ? Math.max(...window) : window.reduce((a, b) => a + b, 0) / (k * k);
      }
  return y;
}

const forward = (op: Pool, x: Tensor, attrs: number[]): Tensor => run(op, [x], attrs);

const vjp = (op: Pool, x: Tensor, g: Tensor, attrs: number[]): Tensor => vjpOf(op, g, [x], attrs)[0];

/** x [N,C,H,W] and [kernel, stride]: windows side by side, overlapping (s < k), with gaps (s > k), a ragged edge. */
const CASES: { x: Shape; attrs: [number, number] }[] = [
  { x: [1, 1, 4, 4], attrs: [2, 2] },
  { x: [2, 3, 6, 4], attrs: [2, 2] },
  { x: [2, 2, 5, 7], attrs: [2, 2] }, // floor mode: the last row and column are dropped
  { x: [2, 2, 5, 6], attrs: [2, 1] },
  { x: [1, 3, 7, 5], attrs: [3, 2] },
  { x: [3, 1, 7, 8], attrs: [2, 3] },
  { x: [1, 2, 3, 4], attrs: [3, 1] },
  { x: [2, 1, 3, 3], attrs: [1, 1] },
];

const POOLS = [
  { name: 'max_pool2d', op: max_pool2d as Pool, kind: 'max' as const },
  { name: 'avg_pool2d', op: avg_pool2d as Pool, kind: 'avg' as const },
];

describe.each(POOLS)('$name', ({ op, kind }) => {
  it('keeps N and C and takes H′ = floor((H − k)/s) + 1', () => {
    expect(forward(op, zeros([2, 3, 28, 28]), [2, 2]).shape).toEqual([2, 3, 14, 14]);
    expect(forward(op, zeros([1, 1, 7, 5]), [3, 2]).shape).toEqual([1, 1, 3, 2]);
  });

  it.each(CASES)('matches the definition on x $x with [kernel, stride] $attrs', ({ x: shape, attrs }) => {
    const x = filled(shape, random(sizeOf(shape) + attrs[0] * 7 + attrs[1]));
    const y = forward(op, x, attrs);
    const expected = naivePool(kind, x, attrs[0], attrs[1]);
    expect(y.shape).toEqual(expected.shape);
    for (let k = 0; k < y.data.length; k++) expect(y.data[k]).toBeCloseTo(expected.data[k], 14);
  });

  it.each(CASES)('has a vjp that matches finite differences on x $x, $attrs', ({ x: shape, attrs }) => {
    const seed = sizeOf(shape) * 13 + attrs[0];
    expectVjpMatchesFiniteDifferences(op, [distinct(shape, random(seed))], attrs, seed);
  });

  it('adds into the gradient it is given', () => {
    const next = random(3);
    const x = distinct([2, 2, 5, 6], next);
    const attrs = [2, 1];
    const g = filled(forward(op, x, attrs).shape, next);
    const fresh = vjp(op, x, g, attrs);
    const preset = tensor(x.shape, new Float64Array(sizeOf(x.shape)).fill(0.5));
    op.vjp(g, [x], forward(op, x, attrs), [preset], attrs);
    for (let k = 0; k < preset.data.length; k++) expect(preset.data[k]).toBeCloseTo(0.5 + fresh.data[k], 14);
  });

  describe('refuses, naming the shape in both languages', () => {
    const refusal = (shape: Shape, attrs: number[]) => {
      const message = op.shape([shape], attrs);
      if (!('en' in message)) throw new Error(`accepted ${JSON.stringify(shape)}`);
      return message;
    };

    it('ranks other than 4', () => {
      for (const shape of [
        [3, 4, 4],
        [4, 4],
        [2, 1, 3, 4, 4],
      ]) {
        const message = refusal(shape, [2, 2]);
        const text = `[${shape.join(', ')}]`;
        expect(message.en).toContain(text);
        expect(message['pt-BR']).toContain(text);
      }
    });

    it('a window larger than the image', () => {
      for (const shape of [
        [1, 1, 2, 5],
        [1, 1, 5, 2],
      ]) {
        const message = refusal(shape, [3, 3]);
        const text = `[${shape.join(', ')}]`;
        expect(message.en).toMatch(new RegExp(`3x3 window .*${text.replace(/[[\]]/g, '\\$&')}`));
        expect(message['pt-BR']).toContain(text);
      }
      expect(forward(op, zeros([1, 1, 3, 3]), [3, 3]).shape).toEqual([1, 1, 1, 1]);
    });
  });
});

describe('max_pool2d routes the gradient as PyTorch does', () => {
  const x4 = (values: number[], h: number, w: number) => tensor([1, 1, h, w], Float64Array.from(values));
  const ones = (n: number, h: number, w: number) => tensor([1, n, h, w], new Float64Array(n * h * w).fill(1));

  it('to the max of each window, 0 elsewhere', () => {
    const x = x4([1, 5, 2, 0, 3, 4, 8, 7, 9, 1, 1, 2, 0, 6, 3, 4], 4, 4);
    const g = tensor([1, 1, 2, 2], Float64Array.of(10, 20, 30, 40));
    expect(Array.from(forward(max_pool2d, x, [2, 2]).data)).toEqual([5, 8, 9, 4]);
    expect(Array.from(vjp(max_pool2d, x, g, [2, 2]).data)).toEqual([
      0, 10, 0, 0, 0, 0, 20, 0, 30, 0, 0, 0, 0, 0, 0, 40,
    ]);
  });

  it('on a tie, to the first max in row order (torch 1.13: [[0, 2], [2, 0]] -> index 1)', () => {
    expect(Array.from(vjp(max_pool2d, x4([0, 2, 2, 0], 2, 2), ones(1, 1, 1), [2, 2]).data)).toEqual([0, 1, 0, 0]);
    expect(Array.from(vjp(max_pool2d, x4([0, 0, 2, 2], 2, 2), ones(1, 1, 1), [2, 2]).data)).toEqual([0, 0, 1, 0]);
  });

  it('adds the gradients of overlapping windows, each tie going to its first max', () => {
    // All equal, kernel 2, stride 1: the 4 windows start at (0,0), (0,1), (1,0), (1,1), each its own first element.
    const x = x4([1, 1, 0, 1, 1, 0, 0, 0, 0], 3, 3);
    expect(Array.from(vjp(max_pool2d, x, ones(1, 2, 2), [2, 1]).data)).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
    // One max shared by the 4 windows: it gets all 4.
    const peak = x4([0, 0, 0, 0, 9, 0, 0, 0, 0], 3, 3);
    expect(Array.from(vjp(max_pool2d, peak, ones(1, 2, 2), [2, 1]).data)).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0]);
  });

  it('to the last NaN of a window, and to the first element of a window all -Infinity', () => {
    const withNaN = x4([Number.NaN, 1, Number.NaN, 0], 2, 2);
    expect(forward(max_pool2d, withNaN, [2, 2]).data[0]).toBeNaN();
    expect(Array.from(vjp(max_pool2d, withNaN, ones(1, 1, 1), [2, 2]).data)).toEqual([0, 0, 1, 0]);
    const low = x4([-Infinity, -Infinity, -Infinity, -Infinity], 2, 2);
    expect(Array.from(vjp(max_pool2d, low, ones(1, 1, 1), [2, 2]).data)).toEqual([1, 0, 0, 0]);
  });

  it('per channel and per image', () => {
    const x = tensor([2, 2, 2, 2], Float64Array.from([1, 2, 3, 4, 4, 3, 2, 1, 0, 9, 0, 0, 5, 5, 5, 6]));
    expect(Array.from(forward(max_pool2d, x, [2, 2]).data)).toEqual([4, 4, 9, 6]);
    const gx = vjp(max_pool2d, x, tensor([2, 2, 1, 1], Float64Array.of(1, 2, 3, 4)), [2, 2]);
    expect(Array.from(gx.data)).toEqual([0, 0, 0, 1, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 4]);
  });
});

describe('avg_pool2d by hand', () => {
  it('takes the mean of each window and spreads g / k² back over it', () => {
    const x = tensor([1, 1, 2, 4], Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(Array.from(forward(avg_pool2d, x, [2, 2]).data)).toEqual([(1 + 2 + 5 + 6) / 4, (3 + 4 + 7 + 8) / 4]);
    const gx = vjp(avg_pool2d, x, tensor([1, 1, 1, 2], Float64Array.of(4, 8)), [2, 2]);
    expect(Array.from(gx.data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });

  it('adds the shares of overlapping windows', () => {
    const gx = vjp(avg_pool2d, zeros([1, 1, 3, 3]), tensor([1, 1, 2, 2], new Float64Array(4).fill(4)), [2, 1]);
    expect(Array.from(gx.data)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });
});

it('counts each window element once per pass, plus x read and y written', () => {
  const out: Shape = [64, 6, 12, 12];
  expect(max_pool2d.cost([[64, 6, 24, 24]], out, [2, 2])).toBe(
    64 * 6 * 12 * 12 * 4 + 64 * 6 * 24 * 24 + 64 * 6 * 12 * 12,
  );
  expect(avg_pool2d.cost([[64, 6, 24, 24]], out, [2, 2])).toBe(max_pool2d.cost([[64, 6, 24, 24]], out, [2, 2]));
});
