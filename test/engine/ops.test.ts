/**
 * Every op's vector-Jacobian product against central finite differences, over random inputs
 * and every shape combination the op accepts (broadcasting included). The domain table is keyed
 * by OpName, so an op added to the catalogue without an entry here does not compile.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OpDef, type OpName, ops } from '../../src/engine/ops.js';
import { type Shape, type Tensor, sizeOf, tensor } from '../../src/engine/tensor.js';

/** Where an arg's elements are drawn from: away from kinks and outside-domain points. */
interface Arg {
  shape: Shape;
  min: number;
  max: number;
  /** Keep |x| at least this far from 0 (kinks, division). */
  awayFromZero?: number;
}

const any = (shape: Shape): Arg => ({ shape, min: -2, max: 2 });
const nonZero = (shape: Shape): Arg => ({ shape, min: -2, max: 2, awayFromZero: 0.05 });
const positive = (shape: Shape): Arg => ({ shape, min: 0.2, max: 3 });
const probability = (shape: Shape): Arg => ({ shape, min: 0.05, max: 0.95 });

const SHAPES: Shape[] = [[], [3], [2, 3]];
const BROADCAST_PAIRS: [Shape, Shape][] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[2, 1], [3]],
  [[3], [2, 1]],
  [[], [2, 3]],
  [[2, 3], []],
  [[1], [3]],
  [[2, 3], [2, 1]],
];
const unaryOn = (arg: (s: Shape) => Arg) => SHAPES.map((s) => [arg(s)]);
const binaryOn = (a: (s: Shape) => Arg, b: (s: Shape) => Arg) => BROADCAST_PAIRS.map(([sa, sb]) => [a(sa), b(sb)]);

const domains: Record<OpName, Arg[][]> = {
  add: binaryOn(any, any),
  sub: binaryOn(any, any),
  mul: binaryOn(any, any),
  div: binaryOn(any, nonZero),
  pow: binaryOn(positive, any),
  neg: unaryOn(any),
  exp: unaryOn(any),
  log: unaryOn(positive),
  sqrt: unaryOn(positive),
  abs: unaryOn(nonZero),
  square: unaryOn(any),
  sin: unaryOn(any),
  cos: unaryOn(any),
  tanh: unaryOn(any),
  sigmoid: unaryOn(any),
  relu: unaryOn(nonZero),
  leaky_relu: unaryOn(nonZero),
  softplus: [...unaryOn(any), [{ shape: [3], min: 21, max: 30 }]],
  identity: unaryOn(any),
  sum: unaryOn(any),
  mean: unaryOn(any),
  matmul: [
    [any([3]), any([3])],
    [any([2, 3]), any([3])],
    [any([3]), any([3, 2])],
    [any([2, 3]), any([3, 4])],
  ],
  transpose: [[any([2, 3])]],
  linear: [
    [any([3]), any([4, 3]), any([4])],
    [any([2, 3]), any([4, 3]), any([4])],
  ],
  softmax: [[any([4])], [any([2, 3])]],
  log_softmax: [[any([4])], [any([2, 3])]],
  half_squared_error: binaryOn(any, any),
  mse: binaryOn(any, any),
  bce: [
    [probability([3]), probability([3])],
    [probability([2, 3]), probability([3])],
    [probability([]), probability([])],
  ],
  bce_with_logits: binaryOn(any, probability),
  softmax_cross_entropy: [
    [any([4]), probability([4])],
    [any([2, 3]), probability([2, 3])],
  ],
};

const argValues = (arg: Arg) =>
  fc
    .array(fc.double({ min: arg.min, max: arg.max, noNaN: true }), { minLength: sizeOf(arg.shape), maxLength: sizeOf(arg.shape) })
    .map((xs) =>
      tensor(
        arg.shape,
        Float64Array.from(xs, (x) => (arg.awayFromZero && Math.abs(x) < arg.awayFromZero ? (x < 0 ? -1 : 1) * (arg.awayFromZero + Math.abs(x)) : x)),
      ),
    );

const H = 1e-6;

describe('op catalogue: vjp against central finite differences', () => {
  for (const name of Object.keys(domains) as OpName[]) {
    const def = ops[name];
    for (const args of domains[name]) {
      const label = args.map((a) => `[${a.shape.join(',')}]`).join(' x ');
      it(`${name} ${label}`, () => {
        const attrs = Object.fromEntries(def.attrs.map((a) => [a.name, a.default]));
        const shape = def.shape(args.map((a) => a.shape), attrs);
        expect(typeof shape).not.toBe('string');
        fc.assert(
          fc.property(fc.tuple(...args.map(argValues)), argValues(any(shape as Shape)), (xs: Tensor[], weights: Tensor) => {
            // L = sum(weights * op(xs)): its gradient is the vjp with g = weights.
            const loss = (inputs: Tensor[]) => def.forward(inputs, attrs).data.reduce((s, y, i) => s + y * weights.data[i], 0);
            const y = def.forward(xs, attrs);
            expect(y.shape).toEqual(shape);
            const grads = def.vjp(weights, xs, y, attrs);
            xs.forEach((x, i) => {
              expect(grads[i].shape).toEqual(x.shape);
              for (let k = 0; k < x.data.length; k++) {
                const bumped = (d: number) => xs.map((t, j) => (j === i ? tensor(t.shape, t.data.map((v, m) => (m === k ? v + d : v))) : t));
                const numeric = (loss(bumped(H)) - loss(bumped(-H))) / (2 * H);
                expect(Math.abs(grads[i].data[k] - numeric)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(numeric));
              }
            });
          }),
          { numRuns: 20 },
        );
      });
    }
  }
});

describe('op catalogue: PyTorch conventions at kinks and extremes', () => {
  const at = (name: OpName, x: number, attrs = {}) => {
    const def: OpDef = ops[name];
    const full = { ...Object.fromEntries(def.attrs.map((a) => [a.name, a.default])), ...attrs };
    const xs = [tensor([], Float64Array.of(x))];
    const y = def.forward(xs, full);
    return { y: y.data[0], d: def.vjp(tensor([], Float64Array.of(1)), xs, y, full)[0].data[0] };
  };
  it("takes relu'(0) = 0, abs'(0) = 0 and leaky_relu'(0) = alpha", () => {
    expect(at('relu', 0).d).toBe(0);
    expect(at('abs', 0).d).toBe(0);
    expect(at('leaky_relu', 0).d).toBe(0.01);
    expect(at('leaky_relu', 0, { alpha: 0.2 }).d).toBe(0.2);
  });
  it('keeps sigmoid and softplus finite for large |z|', () => {
    expect(at('sigmoid', -800)).toEqual({ y: 0, d: 0 });
    expect(at('sigmoid', 800)).toEqual({ y: 1, d: 0 });
    expect(at('softplus', 800)).toEqual({ y: 800, d: 1 });
    expect(at('softplus', -800).y).toBe(0);
  });
  it('computes softmax of huge logits without overflow (log-sum-exp)', () => {
    const z = tensor([3], Float64Array.of(1000, 1001, 1002));
    const softmax: OpDef = ops.softmax;
    const logSoftmax: OpDef = ops.log_softmax;
    const s = softmax.forward([z], {}).data;
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const total = e[0] + e[1] + e[2];
    e.forEach((v, i) => expect(s[i]).toBeCloseTo(v / total, 15));
    expect(logSoftmax.forward([z], {}).data[2]).toBeCloseTo(-Math.log(total), 14);
  });
  it('clamps each log of bce at -100 as PyTorch, so p = 0 or 1 gives a finite loss', () => {
    const p = tensor([2], Float64Array.of(0, 1));
    const y = tensor([2], Float64Array.of(1, 0));
    expect(ops.bce.forward([p, y], {}).data[0]).toBe(100);
  });
  it('gives bce_with_logits a finite value for logits of 1000', () => {
    const z = tensor([2], Float64Array.of(1000, -1000));
    const y = tensor([2], Float64Array.of(0, 1));
    expect(ops.bce_with_logits.forward([z, y], {}).data[0]).toBe(1000);
  });
});
