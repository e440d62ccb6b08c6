/**
 * Every op's vector-Jacobian product against central finite differences, over random inputs
 * and every shape combination the op accepts (broadcasting included), with the attrs each case
 * gives (the defaults otherwise). The domain table is keyed by OpName, so an op added to the
 * catalogue without an entry here does not compile.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Attrs, OpDef } from '../../src/engine/op-def.js';
import { type OpName, opNames, ops } from '../../src/engine/ops.js';
import { type Shape, type Tensor, sizeOf, tensor, zeros } from '../../src/engine/tensor.js';

/**
 * The op's attrs as kernels take them, as compile fills them in: the given ones by position, then
 * each default, then `defaultFrom` (a pool's stride is its kernel); NaN for an optional one.
 */
function attrsOf(def: OpDef, given: readonly number[] = []): Attrs {
  const out = def.attrs.map((a, j) => given[j] ?? a.default ?? Number.NaN);
  def.attrs.forEach((a, j) => {
    if (given[j] === undefined && a.defaultFrom !== undefined)
      out[j] = out[def.attrs.findIndex((d) => d.name === a.defaultFrom)];
  });
  return Float64Array.from(out);
}

/** The result of the op's forward kernel, in a fresh tensor of the shape rule's shape. */
function run(def: OpDef, xs: readonly Tensor[], attrs = attrsOf(def)): Tensor {
  const shape = def.shape(
    xs.map((x) => x.shape),
    attrs,
  );
  if ('en' in shape) throw new Error(shape.en);
  const out = zeros(shape);
  def.forward(xs, out, attrs);
  return out;
}

/** The vjp as fresh tensors (the kernel adds into them). */
function vjpOf(def: OpDef, g: Tensor, xs: readonly Tensor[], y: Tensor, attrs = attrsOf(def)): Tensor[] {
  const gx = xs.map((x) => zeros(x.shape));
  def.vjp(g, xs, y, gx, attrs);
  return gx;
}

/** Where an arg's elements are drawn from: away from kinks and outside-domain points. */
interface Arg {
  shape: Shape;
  min: number;
  max: number;
  /** Keep |x| at least this far from 0 (kinks, division). */
  awayFromZero?: number;
  /**
   * A dropout mask (0s and 1s) or an embedding's indices (integers in [min, max)): values the op
   * refuses once bumped, so finite differences leave them out (the op's own tests check their vjp).
   */
  discrete?: 'mask' | 'index';
  /** Elements at least 4e-6 apart, so that a bump of H never changes which is the largest (max pooling). */
  distinct?: boolean;
}

const any = (shape: Shape): Arg => ({ shape, min: -2, max: 2 });
const nonZero = (shape: Shape): Arg => ({ shape, min: -2, max: 2, awayFromZero: 0.05 });
const positive = (shape: Shape): Arg => ({ shape, min: 0.2, max: 3 });
const probability = (shape: Shape): Arg => ({ shape, min: 0.05, max: 0.95 });
const distinct = (shape: Shape): Arg => ({ shape, min: -2, max: 2, distinct: true });
const mask = (shape: Shape): Arg => ({ shape, min: 0, max: 1, discrete: 'mask' });
const indices = (shape: Shape, count: number): Arg => ({ shape, min: 0, max: count, discrete: 'index' });

const SHAPES: Shape[] = [[], [3], [2, 3]];
const BROADCAST_PAIRS: [Shape, Shape][] = [
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3]],
  [[2, 1], [3]],
  [[3], [2, 1]],
  [[], [2, 3]],
  [[2, 3], []],
  [[1], [3]],
  [
    [2, 3],
    [2, 1],
  ],
];
const unaryOn = (arg: (s: Shape) => Arg) => SHAPES.map((s) => [arg(s)]);
const binaryOn = (a: (s: Shape) => Arg, b: (s: Shape) => Arg) => BROADCAST_PAIRS.map(([sa, sb]) => [a(sa), b(sb)]);

/** One case of an op's domain: its args, and its attrs by position where they are not the defaults. */
type Case = Arg[] | { args: Arg[]; attrs?: number[] };
const argsOfCase = (c: Case): Arg[] => (Array.isArray(c) ? c : c.args);
const attrsOfCase = (def: OpDef, c: Case): Attrs => attrsOf(def, Array.isArray(c) ? [] : c.attrs);

const domains: Record<OpName, Case[]> = {
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
  leaky_relu: [...unaryOn(nonZero), { args: [nonZero([2, 3])], attrs: [0.2] }],
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
  conv2d: [
    [any([1, 2, 4, 4]), any([3, 2, 2, 2]), any([3])],
    { args: [any([2, 1, 5, 4]), any([2, 1, 3, 2])], attrs: [2, 1] },
  ],
  max_pool2d: [[distinct([1, 2, 4, 4])], { args: [distinct([2, 1, 5, 5])], attrs: [3, 2] }],
  avg_pool2d: [[any([1, 2, 4, 4])], { args: [any([2, 1, 5, 5])], attrs: [3, 2] }],
  batch_norm: [[any([4, 3]), any([3]), any([3])], { args: [any([2, 2, 2, 3]), any([2]), any([2])], attrs: [0.1] }],
  layer_norm: [
    [any([2, 3]), any([3]), any([3])],
    [any([4]), any([4]), any([4])],
    { args: [any([2, 1, 2, 3]), any([3]), any([3])], attrs: [0.1] },
  ],
  dropout: [
    [any([2, 3]), mask([2, 3])],
    [any([]), mask([])],
    { args: [any([2, 2, 2]), mask([2, 2, 2])], attrs: [0.25] },
  ],
  embedding: [
    [any([5, 3]), indices([4], 5)],
    [any([4, 2]), indices([2, 3], 4)],
  ],
  flatten: [[any([2, 3, 2])], [any([2, 3])], [any([2, 1, 2, 2])]],
  slice: [
    { args: [any([3, 4])], attrs: [1, 1, -1] },
    { args: [any([2, 3, 4])], attrs: [-1, 0, 2] },
  ],
  concat: [[any([2, 3]), any([1, 3])], { args: [any([2, 1]), any([2, 3]), any([2, 2])], attrs: [1] }],
};

const elementValues = (arg: Arg): fc.Arbitrary<number> =>
  arg.discrete === 'mask'
    ? fc.constantFrom(0, 1)
    : arg.discrete === 'index'
      ? fc.integer({ min: arg.min, max: arg.max - 1 })
      : fc.double({ min: arg.min, max: arg.max, noNaN: true });

const STEPS = 1_000_000;

const argValues = (arg: Arg) =>
  (arg.distinct
    ? fc
        .uniqueArray(fc.integer({ min: 0, max: STEPS }), { minLength: sizeOf(arg.shape), maxLength: sizeOf(arg.shape) })
        .map((steps) => steps.map((i) => arg.min + ((arg.max - arg.min) * i) / STEPS))
    : fc.array(elementValues(arg), { minLength: sizeOf(arg.shape), maxLength: sizeOf(arg.shape) })
  ).map((xs) =>
    tensor(
      arg.shape,
      Float64Array.from(xs, (x) =>
        arg.awayFromZero && Math.abs(x) < arg.awayFromZero ? (x < 0 ? -1 : 1) * (arg.awayFromZero + Math.abs(x)) : x,
      ),
    ),
  );

const H = 1e-6;

describe('op catalogue: vjp against central finite differences', () => {
  for (const name of Object.keys(domains) as OpName[]) {
    const def: OpDef = ops[name];
    for (const c of domains[name]) {
      const args = argsOfCase(c),
        attrs = attrsOfCase(def, c);
      const label =
        args.map((a) => `[${a.shape.join(',')}]`).join(' x ') + (Array.isArray(c) ? '' : ` attrs ${c.attrs}`);
      it(`${name} ${label}`, () => {
        const shape = def.shape(
          args.map((a) => a.shape),
          attrs,
        );
        expect(Array.isArray(shape)).toBe(true);
        fc.assert(
          fc.property(
            fc.tuple(...args.map(argValues)),
            argValues(any(shape as Shape)),
            (xs: Tensor[], weights: Tensor) => {
              // L = sum(weights * op(xs)): its gradient is the vjp with g = weights.
              const loss = (inputs: Tensor[]) =>
                run(def, inputs, attrs).data.reduce((s, y, i) => s + y * weights.data[i], 0);
              const y = run(def, xs, attrs);
              expect(y.shape).toEqual(shape);
              const grads = vjpOf(def, weights, xs, y, attrs);
              xs.forEach((x, i) => {
                expect(grads[i].shape).toEqual(x.shape);
                if (args[i].discrete) return;
                for (let k = 0; k < x.data.length; k++) {
                  const bumped = (d: number) =>
                    xs.map((t, j) =>
                      j === i
                        ? tensor(
                            t.shape,
                            t.data.map((v, m) => (m === k ? v + d : v)),
                          )
                        : t,
                    );
                  const numeric = (loss(bumped(H)) - loss(bumped(-H))) / (2 * H);
                  expect(Math.abs(grads[i].data[k] - numeric)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(numeric));
                }
              });
            },
          ),
          { numRuns: 20 },
        );
      });
    }
  }
});

describe('op catalogue: PyTorch conventions at kinks and extremes', () => {
  const at = (name: OpName, x: number, alpha?: number) => {
    const def: OpDef = ops[name];
    const xs = [tensor([], Float64Array.of(x))];
    const attrs = attrsOf(def, alpha === undefined ? [] : [alpha]);
    const y = run(def, xs, attrs);
    return { y: y.data[0], d: vjpOf(def, tensor([], Float64Array.of(1)), xs, y, attrs)[0].data[0] };
  };
  it("takes relu'(0) = 0, abs'(0) = 0 and leaky_relu'(0) = alpha", () => {
    expect(at('relu', 0).d).toBe(0);
    expect(at('abs', 0).d).toBe(0);
    expect(at('leaky_relu', 0).d).toBe(0.01);
    expect(at('leaky_relu', 0, 0.2).d).toBe(0.2);
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
    const s = run(softmax, [z]).data;
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const total = e[0] + e[1] + e[2];
    e.forEach((v, i) => expect(s[i]).toBeCloseTo(v / total, 15));
    expect(run(logSoftmax, [z]).data[2]).toBeCloseTo(-Math.log(total), 14);
  });
  it('clamps each log of bce at -100 as PyTorch, so p = 0 or 1 gives a finite loss', () => {
    const p = tensor([2], Float64Array.of(0, 1));
    const y = tensor([2], Float64Array.of(1, 0));
    expect(run(ops.bce, [p, y]).data[0]).toBe(100);
  });
  it('gives bce_with_logits a finite value for logits of 1000', () => {
    const z = tensor([2], Float64Array.of(1000, -1000));
    const y = tensor([2], Float64Array.of(0, 1));
    expect(run(ops.bce_with_logits, [z, y]).data[0]).toBe(1000);
  });
});

describe('op catalogue: scalar kernels', () => {
  const scalarArgs = (def: OpDef): Shape[] => def.args.map(() => []);

  it('gives a scalar kernel to exactly the ops whose shape rule takes scalars, with a scalar result', () => {
    for (const name of opNames) {
      const def: OpDef = ops[name];
      const shape = def.shape(scalarArgs(def), attrsOf(def));
      if (def.scalar) expect({ name, shape }).toEqual({ name, shape: [] });
      else expect({ name, refused: !Array.isArray(shape) }).toEqual({ name, refused: true });
    }
  });

  const withKernels = opNames.filter((name) => (ops[name] as OpDef).scalar);
  it.each(withKernels.map((n) => [n]))(
    '%s: the scalar kernel computes what the tensor kernels compute on scalars',
    (name) => {
      const def: OpDef = ops[name];
      const kernel = def.scalar!;
      // The scalar points of the op's own domain table (a broadcast pair of scalars where there is one).
      const domain =
        domains[name].map(argsOfCase).find((args) => args.every((a) => a.shape.length === 0)) ??
        def.args.map(() => ({ shape: [], min: 0.2, max: 0.9 }));
      fc.assert(
        fc.property(
          fc.tuple(...domain.map(argValues)),
          fc.double({ min: -2, max: 2, noNaN: true }),
          (xs: Tensor[], g: number) => {
            const y = run(def, xs);
            const [a, b] = [xs[0].data[0], (xs[1] ?? xs[0]).data[0]];
            const p = attrsOf(def)[0] ?? 0;
            // + 0 reads -0 as 0: the kernels add into a zero gradient.
            expect(kernel.f(a, b, p) + 0).toBe(y.data[0] + 0);
            const grads = vjpOf(def, tensor([], Float64Array.of(g)), xs, y);
            expect(g * kernel.da(a, b, y.data[0], p) + 0).toBe(grads[0].data[0] + 0);
            if (xs.length === 2) expect(g * kernel.db(a, b, y.data[0], p) + 0).toBe(grads[1].data[0] + 0);
          },
        ),
        { numRuns: 50 },
      );
    },
  );
});

describe('op catalogue: vjp adds into the gradient it is given', () => {
  it.each(opNames.map((n) => [n]))('%s', (name) => {
    const def: OpDef = ops[name];
    // Elements spread over the arg's domain, kept away from 0 where the domain says so.
    const spread = (a: Arg, i: number): number => {
      if (a.discrete) return a.discrete === 'mask' ? i % 2 : i % a.max;
      const x = a.min + ((a.max - a.min) * (i + 1)) / (sizeOf(a.shape) + 2);
      return a.awayFromZero && Math.abs(x) < a.awayFromZero ? a.awayFromZero + Math.abs(x) : x;
    };
    const c = domains[name][0],
      attrs = attrsOfCase(def, c);
    const xs = argsOfCase(c).map((a) =>
      tensor(
        a.shape,
        Float64Array.from({ length: sizeOf(a.shape) }, (_, i) => spread(a, i)),
      ),
    );
    const y = run(def, xs, attrs);
    const g = tensor(y.shape, new Float64Array(y.data.length).fill(0.5));
    const fresh = vjpOf(def, g, xs, y, attrs);
    const prior = xs.map((x) => tensor(x.shape, new Float64Array(x.data.length).fill(7)));
    def.vjp(g, xs, y, prior, attrs);
    prior.forEach((t, j) => t.data.forEach((v, i) => expect(v).toBeCloseTo(7 + fresh[j].data[i], 12)));
  });
});
