/**
 * What the layer-op tests share: seeded values, running an entry's kernels on fresh tensors, its
 * vjp against central finite differences of L = Σ g · y, and the check that a vjp adds into gx.
 */
import { expect } from 'vitest';
import type { OpDef } from '../../../src/engine/op-def.js';
import { type Shape, type Tensor, sizeOf, tensor, zeros } from '../../../src/engine/tensor.js';

/** A seeded generator (mulberry32), so a failure is reproducible. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tensor of numbers drawn uniformly from [-2, 2). */
export const filled = (shape: Shape, next: () => number): Tensor =>
  tensor(
    shape,
    Float64Array.from({ length: sizeOf(shape) }, () => next() * 4 - 2),
  );

export const of = (shape: Shape, values: readonly number[]): Tensor => tensor(shape, Float64Array.from(values));

/** The shape rule's answer, the English text of a refusal, or a failure if it refuses. */
export function shapeOf(def: OpDef, shapes: readonly Shape[], attrs: readonly number[]): Shape {
  const shape = def.shape(shapes, attrs);
  if ('en' in shape) throw new Error(shape.en);
  return shape;
}

/** The message of a shape the op refuses (both languages present), or a failure if it accepts it. */
export function refusal(def: OpDef, shapes: readonly Shape[], attrs: readonly number[]): string {
  const shape = def.shape(shapes, attrs);
  if (!('en' in shape)) throw new Error(`accepted, giving [${shape.join(', ')}]`);
  expect(shape['pt-BR']).not.toBe('');
  expect(shape['pt-BR']).not.toBe(shape.en);
  return shape.en;
}

/** The forward kernel's result in a fresh tensor of the shape rule's shape. */
export function run(def: OpDef, xs: readonly Tensor[], attrs: readonly number[]): Tensor {
  const out = zeros(
    shapeOf(
      def,
      xs.map((x) => x.shape),
      attrs,
    ),
  );
  def.forward(xs, out, attrs);
  return out;
}

/** The vjp in fresh zero tensors (the kernel adds into them). */
export function vjpOf(def: OpDef, g: Tensor, xs: readonly Tensor[], attrs: readonly number[]): Tensor[] {
  const gx = xs.map((x) => zeros(x.shape));
  def.vjp(g, xs, run(def, xs, attrs), gx, attrs);
  return gx;
}

/** Σ g · y: a scalar whose gradient in x is the vjp of g. */
function weightedSum(def: OpDef, xs: readonly Tensor[], g: Tensor, attrs: readonly number[]): number {
  const y = run(def, xs, attrs).data;
  let s = 0;
  for (let k = 0; k < y.length; k++) s += g.data[k] * y[k];
  return s;
}

/** A random g of the shape of the op's output on xs. */
const cotangent = (def: OpDef, xs: readonly Tensor[], attrs: readonly number[], next: () => number): Tensor =>
  filled(
    shapeOf(
      def,
      xs.map((x) => x.shape),
      attrs,
    ),
    next,
  );

const H = 1e-6;

/**
 * Every element of the args listed in `wrt` (all by default) moved by ±h: the central difference of
 * Σ g · y must match the vjp within 1e-6 + 1e-5 · |numeric|, for a random g.
 */
export function expectVjpMatchesFiniteDifferences(
  def: OpDef,
  xs: readonly Tensor[],
  attrs: readonly number[],
  seed: number,
  wrt: readonly number[] = xs.map((_, j) => j),
): void {
  const next = random(seed);
  const g = cotangent(def, xs, attrs, next);
  const analytic = vjpOf(def, g, xs, attrs);
  for (const j of wrt) {
    const x = xs[j].data;
    for (let i = 0; i < x.length; i++) {
      const keep = x[i];
      x[i] = keep + H;
      const plus = weightedSum(def, xs, g, attrs);
      x[i] = keep - H;
      const minus = weightedSum(def, xs, g, attrs);
      x[i] = keep;
      const numeric = (plus - minus) / (2 * H);
      const error = Math.abs(analytic[j].data[i] - numeric);
      if (error > 1e-6 + 1e-5 * Math.abs(numeric))
        expect.fail(`arg ${j} element ${i}: vjp ${analytic[j].data[i]}, finite difference ${numeric}`);
    }
  }
}

/** The vjp into gx already holding values must be those values plus the vjp into zeros. */
export function expectVjpAdds(def: OpDef, xs: readonly Tensor[], attrs: readonly number[], seed: number): void {
  const next = random(seed);
  const g = cotangent(def, xs, attrs, next);
  const fresh = vjpOf(def, g, xs, attrs);
  const before = xs.map((x) => filled(x.shape, next));
  const gx = before.map((t) => tensor(t.shape, t.data.slice()));
  def.vjp(g, xs, run(def, xs, attrs), gx, attrs);
  gx.forEach((t, j) => {
    const expected = before[j].data.map((b, i) => b + fresh[j].data[i]);
    for (let i = 0; i < expected.length; i++) expect(t.data[i]).toBeCloseTo(expected[i], 12);
  });
}

/** Flat row-major index of a multi-index. */
export const flatIndex = (shape: Shape, index: readonly number[]): number =>
  index.reduce((flat, d, axis) => flat * shape[axis] + d, 0);

/** Every multi-index of a shape, in row-major order. */
export function* indices(shape: Shape): Generator<number[]> {
  const n = sizeOf(shape);
  for (let flat = 0; flat < n; flat++) {
    const index = new Array<number>(shape.length);
    let rest = flat;
    for (let a = shape.length - 1; a >= 0; a--) {
      index[a] = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
    }
    yield index;
  }
}
