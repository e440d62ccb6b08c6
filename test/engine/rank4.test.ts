/**
 * Values up to rank 4: reading and writing them (fromJson, toJson, elementIndex), PyTorch
 * broadcasting of the binary ops and the pair losses past rank 2, the last-axis ops on leading
 * dims, sum and mean along an axis, and the ops that keep their 1-D/2-D rules refusing more. Each
 * forward is checked against a naive loop over multi-indices written here, each vjp against
 * central finite differences.
 */
import { describe, expect, it } from 'vitest';
import { broadcastShape } from '../../src/engine/broadcast.js';
import { SpecError } from '../../src/engine/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/engine/limits.js';
import type { OpDef } from '../../src/engine/op-def.js';
import { ops } from '../../src/engine/ops.js';
import {
  type Shape,
  type Tensor,
  elementIndex,
  fromJson,
  nestingBytes,
  sizeOf,
  tensor,
  toJson,
} from '../../src/engine/tensor.js';
import { type SpecFields, compileSpec } from '../../src/specs/index.js';
import {
  expectVjpAdds,
  expectVjpMatchesFiniteDifferences,
  filled,
  flatIndex,
  indices,
  random,
  refusal,
  run,
} from './layers/layer-check.js';

const NONE = NaN; // an optional attr not given

/** Arrays nested as the shape says, elements counted 0, 1, 2... in row-major order. */
function counting(shape: Shape, from = 0): unknown {
  if (shape.length === 0) return from;
  const stride = sizeOf(shape.slice(1));
  return Array.from({ length: shape[0] }, (_, i) => counting(shape.slice(1), from + i * stride));
}

/** The field error of reading `value`, as [path, English message]. */
function readError(value: unknown): [string, string] {
  try {
    fromJson(value, 'x');
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    expect(e.code).toBe('INVALID_VALUE');
    const [problem] = e.localized;
    expect(problem.message['pt-BR']).not.toBe(problem.message.en);
    return [problem.path, problem.message.en];
  }
  throw new Error('expected a SpecError');
}

describe('values up to rank 4 on the wire', () => {
  it('reads and writes every rank 0 to 4 row-major, as torch.tensor(list)', () => {
    for (const shape of [[], [3], [2, 3], [2, 3, 4], [2, 1, 3, 2]]) {
      const json = counting(shape);
      const t = fromJson(json, 'x');
      expect(t.shape).toEqual(shape);
      expect(Array.from(t.data)).toEqual(Array.from({ length: sizeOf(shape) }, (_, i) => i));
      expect(toJson(t)).toEqual(json);
    }
  });

  it('writes non-finite numbers of a rank-4 tensor as strings', () => {
    const t = tensor([1, 1, 1, 3], Float64Array.of(NaN, Infinity, -1));
    expect(toJson(t)).toEqual([[[['NaN', 'Infinity', -1]]]]);
  });

  it('refuses a ragged array at its own path, naming its counterpart along the first elements', () => {
    expect(readError([[[1, 2]], [[3]]])).toEqual([
      'x[1][0]',
      'has 1 element but x[0][0] has 2: a tensor must be rectangular and non-empty',
    ]);
    expect(readError([[[[1], [2]]], [[[3], [4], [5]]]])[0]).toBe('x[1][0]');
    expect(
      readError([
        [
          [1, 2],
          [3, 4],
        ],
        [[5, 6]],
      ]),
    ).toEqual(['x[1]', 'has 1 element but x[0] has 2: a tensor must be rectangular and non-empty']);
  });

  it('refuses a number that is not finite, or not a number, at its exact path', () => {
    expect(readError([[[0, 1, 2]], [[3, 4, 5]], [[6, 7, NaN]]])).toEqual([
      'x[2][0][2]',
      'must be a finite number (tensors have rank 0 to 4)',
    ]);
    expect(readError([[[[1, 2]], [[3, Infinity]]]])[0]).toBe('x[0][1][0][1]');
    expect(readError([[[1]], [['a']]])[0]).toBe('x[1][0][0]');
  });

  it('refuses an array where a number goes, or a number where an array goes, and an empty array', () => {
    // Rank 5: the fifth level is where numbers go.
    expect(readError([[[[[1]]]]])).toEqual(['x[0][0][0][0]', 'must be a finite number (tensors have rank 0 to 4)']);
    expect(readError([[[1, 2]], [3]])).toEqual([
      'x[1][0]',
      'must be an array like x[0][0]: the value is a tensor of shape [2, 1, 2]',
    ]);
    expect(readError([[[1]], []])).toEqual(['x[1]', 'must not be empty']);
    expect(readError([[]])).toEqual(['x[0]', 'must not be empty']);
  });

  it('keeps the matrix messages of rank 2', () => {
    expect(readError([[1, 2], [3]])).toEqual([
      'x[1]',
      'has 1 element but row 0 has 2: a matrix must be rectangular and non-empty',
    ]);
    expect(
      readError([
        [1, 2],
        [3, NaN],
      ]),
    ).toEqual(['x[1][1]', 'must be a finite number (tensors have rank 0 to 4)']);
  });

  it('does not allocate what a ragged value claims along its first elements', () => {
    // 10^5 rows by the first row's 10^5 columns would be 80 GB.
    const wide = new Array(100_000).fill(0);
    const value = [wide, ...new Array(99_999).fill([1])];
    expect(readError(value)[0]).toBe('x[1]');
    expect(readError([[wide], ...new Array(99_999).fill([[1]])])[0]).toBe('x[1][0]');
  });

  it('numbers element indices as the wire writes them, up to [n, c, h, w]', () => {
    const shape = [2, 3, 4, 5];
    let flat = 0;
    for (const index of indices(shape)) expect(elementIndex(shape, flat++)).toEqual(index);
    expect(elementIndex([2, 3, 4], 23)).toEqual([1, 2, 3]);
    expect(elementIndex([2, 3], 4)).toEqual([1, 1]);
    expect(elementIndex([3], 2)).toEqual([2]);
    expect(elementIndex([], 0)).toEqual([]);
  });

  it('bounds the brackets and commas of a value of any rank', () => {
    for (const shape of [[], [3], [2, 3], [2, 3, 4], [2, 1, 3, 2], [3, 1, 1, 1]]) {
      const zeros = tensor(shape, new Float64Array(sizeOf(shape)));
      // Each number "0" with its comma is 2 bytes; what is left is nesting.
      expect(JSON.stringify(toJson(zeros)).length).toBeLessThanOrEqual(2 * sizeOf(shape) + nestingBytes(shape));
    }
    expect(nestingBytes([2, 3])).toBe(2 + 3 * 2);
  });
});

/** PyTorch broadcasting by its definition: dims aligned right, each pair equal or one of them 1. */
function readBroadcast(t: Tensor, out: Shape, index: readonly number[]): number {
  const offset = out.length - t.shape.length;
  const own = t.shape.map((d, axis) => (d === 1 ? 0 : index[offset + axis]));
  return t.data[flatIndex(t.shape, own)];
}

/** Pairs of shapes and what they broadcast to (PyTorch's torch.broadcast_shapes). */
const pairs: [Shape, Shape, Shape][] = [
  [
    [2, 1, 3, 1],
    [4, 1, 1],
    [2, 4, 3, 1],
  ],
  [
    [2, 1, 3, 1],
    [3, 4],
    [2, 1, 3, 4],
  ],
  [[2, 3, 4, 5], [5], [2, 3, 4, 5]],
  [[], [2, 2, 2, 2], [2, 2, 2, 2]],
  [
    [2, 3, 1],
    [2, 1, 4],
    [2, 3, 4],
  ],
  [[3, 1, 2], [1], [3, 1, 2]],
  [
    [1, 2, 1, 3],
    [2, 2, 1],
    [1, 2, 2, 3],
  ],
];

const positive = (t: Tensor): Tensor =>
  tensor(
    t.shape,
    t.data.map((x) => Math.abs(x) + 0.5),
  );

describe('PyTorch broadcasting up to rank 4', () => {
  it('gives the shapes PyTorch gives, and refuses what it refuses', () => {
    for (const [a, b, out] of pairs) {
      expect(broadcastShape(a, b)).toEqual(out);
      expect(broadcastShape(b, a)).toEqual(out);
    }
    expect(broadcastShape([2, 1, 3, 1], [4, 1])).toBeNull();
    expect(
      refusal(
        ops.add,
        [
          [2, 1, 3, 1],
          [4, 1],
        ],
        [],
      ),
    ).toBe('shapes [2, 1, 3, 1] and [4, 1] do not broadcast');
  });

  it('computes each binary op as the naive loop over the result does, both ways round', () => {
    const next = random(1);
    const binary: [OpDef, (a: number, b: number) => number][] = [
      [ops.add, (a, b) => a + b],
      [ops.sub, (a, b) => a - b],
      [ops.mul, (a, b) => a * b],
      [ops.div, (a, b) => a / b],
    ];
    for (const [a, b, out] of pairs) {
      for (const [x, y] of [
        [a, b],
        [b, a],
      ]) {
        const xs = [filled(x, next), positive(filled(y, next))];
        for (const [def, f] of binary) {
          const result = run(def, xs, []);
          expect(result.shape).toEqual(out);
          for (const index of indices(out))
            expect(result.data[flatIndex(out, index)]).toBe(
              f(readBroadcast(xs[0], out, index), readBroadcast(xs[1], out, index)),
            );
        }
      }
    }
  });

  it('sums each operand gradient over its broadcast axes (finite differences), adding into gx', () => {
    let seed = 10;
    for (const [a, b] of pairs) {
      const next = random(seed);
      const xs = [positive(filled(a, next)), positive(filled(b, next))];
      for (const def of [ops.add, ops.sub, ops.mul, ops.div, ops.pow]) {
        expectVjpMatchesFiniteDifferences(def, xs, [], seed++);
        expectVjpAdds(def, xs, [], seed++);
      }
    }
  });

  it('runs the pair losses over a broadcast of rank 3 or 4, as a naive loop does', () => {
    const next = random(2);
    for (const [a, b, out] of pairs) {
      const p = filled(a, next),
        y = filled(b, next);
      const n = sizeOf(out);
      let squares = 0;
      for (const index of indices(out)) squares += (readBroadcast(p, out, index) - readBroadcast(y, out, index)) ** 2;
      expect(run(ops.mse, [p, y], []).data[0]).toBeCloseTo(squares / n, 12);
      expect(run(ops.half_squared_error, [p, y], []).data[0]).toBeCloseTo(squares / 2, 12);
    }
  });

  it('differentiates the pair losses past rank 2 (finite differences)', () => {
    let seed = 100;
    for (const [a, b] of pairs) {
      const next = random(seed);
      const xs = [filled(a, next), filled(b, next)];
      for (const def of [ops.mse, ops.half_squared_error, ops.bce_with_logits])
        expectVjpMatchesFiniteDifferences(def, xs, [], seed++);
      const probabilities = tensor(
        a,
        Float64Array.from({ length: sizeOf(a) }, () => 0.1 + 0.8 * next()),
      );
      expectVjpMatchesFiniteDifferences(ops.bce, [probabilities, filled(b, next)], [], seed++);
    }
  });

  it('applies elementwise ops to every element whatever the rank', () => {
    const x = filled([2, 1, 3, 2], random(3));
    const y = run(ops.tanh, [x], []);
    expect(y.shape).toEqual([2, 1, 3, 2]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data, Math.tanh));
    expectVjpMatchesFiniteDifferences(ops.sigmoid, [x], [], 4);
  });
});

describe('softmax and log_softmax along the last axis of any rank', () => {
  it('normalize each row of the last axis, the rows being every leading index', () => {
    for (const shape of [
      [2, 2, 3],
      [2, 1, 2, 4],
    ]) {
      const x = filled(shape, random(5));
      const cols = shape[shape.length - 1];
      const y = run(ops.softmax, [x], []),
        ly = run(ops.log_softmax, [x], []);
      for (let at = 0; at < x.data.length; at += cols) {
        const row = Array.from(x.data.subarray(at, at + cols));
        const total = row.reduce((s, v) => s + Math.exp(v), 0);
        row.forEach((v, j) => {
          expect(y.data[at + j]).toBeCloseTo(Math.exp(v) / total, 14);
          expect(ly.data[at + j]).toBeCloseTo(v - Math.log(total), 14);
        });
      }
      expectVjpMatchesFiniteDifferences(ops.softmax, [x], [], 6);
      expectVjpMatchesFiniteDifferences(ops.log_softmax, [x], [], 7);
      expectVjpAdds(ops.softmax, [x], [], 8);
    }
  });
});

/** The reduction of `x` along `axis` by its definition: each result element sums its line of the axis. */
function naiveAlong(x: Tensor, axis: number, mean: boolean): { shape: number[]; data: number[] } {
  const rank = x.shape.length;
  const d = axis < 0 ? axis + rank : axis;
  const shape = x.shape.filter((_, k) => k !== d);
  const data = new Array<number>(sizeOf(shape)).fill(0);
  for (const index of indices(x.shape)) {
    const kept = index.filter((_, k) => k !== d);
    data[flatIndex(shape, kept)] += x.data[flatIndex(x.shape, index)];
  }
  return { shape, data: mean ? data.map((s) => s / x.shape[d]) : data };
}

describe('sum and mean with an axis', () => {
  const shapes: Shape[] = [[4], [3, 2], [2, 3, 4], [2, 3, 2, 2]];

  it('declare an optional integer axis', () => {
    for (const def of [ops.sum, ops.mean]) {
      expect(def.attrs).toHaveLength(1);
      expect(def.attrs[0]).toMatchObject({ name: 'axis', optional: true, integer: true });
    }
  });

  it('reduce axis 0, 1 and -1 of ranks 1 to 4, dropping it (keepdim false)', () => {
    const next = random(20);
    for (const shape of shapes) {
      const x = filled(shape, next);
      for (const axis of [0, 1, -1]) {
        if (axis >= shape.length) continue;
        for (const [def, mean] of [
          [ops.sum, false],
          [ops.mean, true],
        ] as const) {
          const expected = naiveAlong(x, axis, mean);
          const y = run(def, [x], [axis]);
          expect(y.shape).toEqual(expected.shape);
          Array.from(y.data).forEach((v, i) => expect(v).toBeCloseTo(expected.data[i], 13));
        }
      }
    }
  });

  it('pass each element the gradient of its line (finite differences), adding into gx', () => {
    let seed = 30;
    for (const shape of shapes) {
      const x = filled(shape, random(seed));
      for (const axis of [0, 1, -1, -shape.length]) {
        if (axis >= shape.length) continue;
        for (const def of [ops.sum, ops.mean]) {
          expectVjpMatchesFiniteDifferences(def, [x], [axis], seed++);
          expectVjpAdds(def, [x], [axis], seed++);
        }
      }
    }
  });

  it('without an axis, reduce every element to a scalar, summed in order as before', () => {
    const x = filled([2, 3, 2, 2], random(40));
    let s = 0;
    for (const v of x.data) s += v;
    expect(run(ops.sum, [x], [NONE]).shape).toEqual([]);
    expect(run(ops.sum, [x], [NONE]).data[0]).toBe(s);
    expect(run(ops.mean, [x], [NONE]).data[0]).toBe(s / 24);
    expectVjpMatchesFiniteDifferences(ops.mean, [x], [NONE], 41);
  });

  it('take axis 0 or -1 of a scalar, as PyTorch does', () => {
    expect(run(ops.sum, [tensor([], Float64Array.of(2.5))], [0]).data[0]).toBe(2.5);
    expect(run(ops.mean, [tensor([], Float64Array.of(2.5))], [-1]).shape).toEqual([]);
  });

  it('refuse an axis out of range, naming the shape and the axis', () => {
    expect(refusal(ops.sum, [[2, 3, 4]], [3])).toBe(
      'axis 3 is out of range for a of shape [2, 3, 4]: it must be an integer from -3 to 2',
    );
    expect(refusal(ops.mean, [[2, 3]], [-3])).toContain('axis -3 is out of range for a of shape [2, 3]');
    expect(refusal(ops.sum, [[]], [1])).toContain('from -1 to 0');
  });
});

describe('ops that keep their 1-D and 2-D rules', () => {
  it('refuse rank 3 or 4 with a message naming the shapes', () => {
    expect(
      refusal(
        ops.matmul,
        [
          [2, 3, 4],
          [4, 2],
        ],
        [],
      ),
    ).toBe('matmul takes vectors and matrices (rank 1 or 2), got [2, 3, 4] and [4, 2]');
    expect(refusal(ops.matmul, [[3], [1, 3, 2]], [])).toContain('[1, 3, 2]');
    expect(refusal(ops.transpose, [[2, 3, 4]], [])).toBe('transpose needs a matrix, got [2, 3, 4]');
    expect(refusal(ops.linear, [[2, 1, 3], [4, 3], [4]], [])).toContain('got [2, 1, 3] (flatten it first)');
    expect(
      refusal(
        ops.softmax_cross_entropy,
        [
          [2, 2, 3],
          [2, 2, 3],
        ],
        [],
      ),
    ).toContain('got [2, 2, 3]');
  });
});

describe('the limits hold for rank-4 tensors', () => {
  const refused = (spec: SpecFields, limits: Partial<Limits>) => {
    try {
      compileSpec(spec, { ...DEFAULT_LIMITS, ...limits });
    } catch (e) {
      if (e instanceof SpecError) return e.localized[0];
      throw e;
    }
    throw new Error('expected a SpecError');
  };

  it('maxElements bounds a rank-4 leaf and a rank-4 result of broadcasting', () => {
    const x = counting([2, 1, 3, 2]) as number[][][][];
    const c = counting([4, 1, 1]) as number[][][];
    const leaf = refused(
      { graph: { inputs: { x }, nodes: [{ id: 'L', op: 'sum', args: ['x'] }] } },
      { maxElements: 11 },
    );
    expect(leaf).toMatchObject({ path: 'graph.inputs.x', limit: { name: 'maxElements', count: 12, max: 11 } });
    const spec: SpecFields = {
      graph: {
        inputs: { x, c },
        nodes: [
          { id: 'o', op: 'mul', args: ['x', 'c'] },
          { id: 'L', op: 'sum', args: ['o'] },
        ],
      },
    };
    // o is [2, 4, 3, 2]: 48 elements.
    expect(refused(spec, { maxElements: 47 })).toMatchObject({ limit: { name: 'maxElements', count: 48, max: 47 } });
    // x 12 + c 4 + o 48 + L 1.
    expect(refused(spec, { maxTotalElements: 64 })).toMatchObject({
      limit: { name: 'maxTotalElements', count: 65, max: 64 },
    });
    expect(() => compileSpec(spec, DEFAULT_LIMITS)).not.toThrow();
  });
});
