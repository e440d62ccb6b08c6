/**
 * flatten, slice and concat against the same moves written as plain loops over multi-indices
 * (torch.flatten(x, 1), x.narrow(axis, start, end − start), torch.cat(xs, dim=axis)), their vjps
 * against central finite differences, and their refusals.
 */
import { describe, expect, it } from 'vitest';
import { concat, flatten, slice } from '../../../src/engine/layers/reshape.js';
import { type Shape, type Tensor, zeros } from '../../../src/engine/tensor.js';
import {
  expectVjpAdds,
  expectVjpMatchesFiniteDifferences,
  filled,
  flatIndex,
  indices,
  of,
  random,
  refusal,
  run,
  shapeOf,
} from './layer-check.js';

describe('flatten', () => {
  it('joins every axis after the first, row-major', () => {
    const x = filled([2, 2, 2, 3], random(1));
    const y = run(flatten, [x], []);
    expect(y.shape).toEqual([2, 12]);
    for (const [n, c, h, w] of indices(x.shape))
      expect(y.data[n * 12 + c * 6 + h * 3 + w]).toBe(x.data[flatIndex(x.shape, [n, c, h, w])]);
    expect(shapeOf(flatten, [[3, 4]], [])).toEqual([3, 4]);
    expect(shapeOf(flatten, [[3, 1, 5]], [])).toEqual([3, 5]);
  });

  for (const [n, shape] of (
    [
      [2, 3],
      [2, 3, 2],
      [2, 2, 2, 3],
    ] as Shape[]
  ).entries()) {
    it(`has dL/dx = g reshaped, checked by finite differences, and adds it, on [${shape}]`, () => {
      expectVjpMatchesFiniteDifferences(flatten, [filled(shape, random(n))], [], 10 + n);
      expectVjpAdds(flatten, [filled(shape, random(n))], [], 20 + n);
    });
  }

  it('refuses fewer than two axes', () => {
    expect(refusal(flatten, [[]], [])).toBe('flatten needs x with at least two axes [N, ...], got []');
    expect(refusal(flatten, [[4]], [])).toContain('got [4]');
  });
});

/** x.narrow(axis, start, end − start) by definition: out[..., i, ...] = x[..., from + i, ...]. */
function naiveSlice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const k = axis < 0 ? axis + x.shape.length : axis;
  const n = x.shape[k];
  const from = start < 0 ? start + n : start,
    to = end < 0 ? end + n : end;
  const shape = x.shape.map((d, a) => (a === k ? to - from : d));
  const y = zeros(shape);
  for (const i of indices(shape)) {
    const at = i.map((d, a) => (a === k ? d + from : d));
    y.data[flatIndex(shape, i)] = x.data[flatIndex(x.shape, at)];
  }
  return y;
}

describe('slice', () => {
  it('keeps start to end, end exclusive, negatives from the end (worked by hand)', () => {
    const x = of([2, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...run(slice, [x], [1, 0, 2]).data]).toEqual([0, 1, 5, 6]);
    expect([...run(slice, [x], [1, -3, -1]).data]).toEqual([2, 3, 7, 8]); // columns 2 and 3
    expect([...run(slice, [x], [0, 1, 2]).data]).toEqual([5, 6, 7, 8, 9]);
    expect([...run(slice, [x], [-1, 4, 5]).data]).toEqual([4, 9]);
    expect(run(slice, [x], [-2, -2, 2]).shape).toEqual([2, 5]); // the whole of axis 0
  });

  const CASES: { x: Shape; attrs: [number, number, number] }[] = [
    { x: [6], attrs: [0, 1, 4] },
    { x: [6], attrs: [-1, -6, 6] },
    { x: [3, 4], attrs: [1, -3, 4] },
    { x: [3, 4], attrs: [0, 0, -1] },
    { x: [2, 4, 3], attrs: [1, 1, 3] },
    { x: [2, 3, 4, 5], attrs: [-1, 2, -1] },
    { x: [2, 3, 4, 5], attrs: [2, -4, -3] },
    { x: [2, 3, 4, 5], attrs: [0, 1, 2] },
  ];
  for (const [n, { x: shape, attrs }] of CASES.entries()) {
    const [axis, start, end] = attrs;
    it(`is x.narrow on [${shape}] (axis ${axis}, start ${start}, end ${end})`, () => {
      const x = filled(shape, random(30 + n));
      const y = run(slice, [x], attrs);
      const expected = naiveSlice(x, axis, start, end);
      expect(y.shape).toEqual(expected.shape);
      expect([...y.data]).toEqual([...expected.data]);
    });
    it(`has its vjp checked by finite differences, and adds it, on [${shape}] (${attrs})`, () => {
      expectVjpMatchesFiniteDifferences(slice, [filled(shape, random(40 + n))], attrs, 50 + n);
      expectVjpAdds(slice, [filled(shape, random(40 + n))], attrs, 60 + n);
    });
  }

  it('refuses an empty or out-of-range slice, naming the shape and the attrs', () => {
    expect(refusal(slice, [[2, 5]], [1, 3, 3])).toBe(
      'slice(axis=1, start=3, end=3) of x [2, 5] is empty or out of range: axis 1 has 5 elements, start and end must be in [-5, 5] (negative from the end) with start before end',
    );
    expect(refusal(slice, [[2, 5]], [1, -1, 1])).toContain('slice(axis=1, start=-1, end=1) of x [2, 5]'); // 4 to 1
    expect(refusal(slice, [[2, 5]], [1, 0, 6])).toContain('end=6');
    expect(refusal(slice, [[2, 5]], [1, -6, 2])).toContain('start=-6');
    expect(refusal(slice, [[2, 5]], [0, 2, 1])).toContain('axis 0 has 2 elements');
  });

  it('refuses an axis that x does not have, and a scalar', () => {
    expect(refusal(slice, [[2, 5]], [2, 0, 1])).toBe(
      'axis 2 is not an axis of [2, 5]: a shape of rank 2 has axes -2 to 1',
    );
    expect(refusal(slice, [[2, 5]], [-3, 0, 1])).toContain('axis -3 is not an axis');
    expect(refusal(slice, [[]], [0, 0, 1])).toContain('got a scalar');
  });
});

/** torch.cat by definition: out[..., i, ...] is args[j][..., i − (sizes before j), ...]. */
function naiveConcat(xs: Tensor[], axis: number): Tensor {
  const k = axis < 0 ? axis + xs[0].shape.length : axis;
  const shape = xs[0].shape.map((d, a) => (a === k ? xs.reduce((s, x) => s + x.shape[k], 0) : d));
  const y = zeros(shape);
  for (const i of indices(shape)) {
    let j = 0,
      along = i[k];
    while (along >= xs[j].shape[k]) along -= xs[j++].shape[k];
    y.data[flatIndex(shape, i)] =
      xs[j].data[
        flatIndex(
          xs[j].shape,
          i.map((d, a) => (a === k ? along : d)),
        )
      ];
  }
  return y;
}

describe('concat', () => {
  it('joins its args along the axis, axis 0 by default (worked by hand)', () => {
    const a = of([2, 2], [1, 2, 3, 4]),
      b = of([1, 2], [5, 6]),
      c = of([2, 1], [7, 8]);
    expect(concat.attrs[0].default).toBe(0);
    expect([...run(concat, [a, b], [0]).data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...run(concat, [a, c, a], [1]).data]).toEqual([1, 2, 7, 1, 2, 3, 4, 8, 3, 4]);
    expect([...run(concat, [a, c], [-1]).data]).toEqual([1, 2, 7, 3, 4, 8]);
  });

  const CASES: { shapes: Shape[]; axis: number }[] = [
    { shapes: [[2], [3]], axis: 0 },
    {
      shapes: [
        [2, 3],
        [1, 3],
        [2, 3],
      ],
      axis: 0,
    },
    {
      shapes: [
        [2, 3],
        [2, 1],
      ],
      axis: 1,
    },
    {
      shapes: [
        [2, 3, 2],
        [2, 1, 2],
        [2, 2, 2],
      ],
      axis: -2,
    },
    {
      shapes: [
        [2, 1, 2, 3],
        [2, 3, 2, 3],
      ],
      axis: 1,
    },
    {
      shapes: [
        [1, 2, 2, 1],
        [1, 2, 2, 2],
      ],
      axis: 3,
    },
  ];
  for (const [n, { shapes, axis }] of CASES.entries()) {
    const args = (): Tensor[] => {
      const next = random(70 + n);
      return shapes.map((s) => filled(s, next));
    };
    it(`is torch.cat on ${shapes.map((s) => `[${s}]`).join(', ')}, axis ${axis}`, () => {
      const xs = args();
      const y = run(concat, xs, [axis]);
      const expected = naiveConcat(xs, axis);
      expect(y.shape).toEqual(expected.shape);
      expect([...y.data]).toEqual([...expected.data]);
    });
    it(`has its vjp checked by finite differences, and adds it, on ${shapes.length} args, axis ${axis}`, () => {
      expectVjpMatchesFiniteDifferences(concat, args(), [axis], 80 + n);
      expectVjpAdds(concat, args(), [axis], 90 + n);
    });
  }

  it('gives a value passed twice both parts of g (its gradient tensor is the same one, added into twice)', () => {
    const a = of([2, 2], [1, 2, 3, 4]),
      c = of([2, 1], [7, 8]);
    const g = of([2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const ga = zeros([2, 2]),
      gc = zeros([2, 1]);
    concat.vjp(g, [a, c, a], run(concat, [a, c, a], [1]), [ga, gc, ga], [1]);
    expect([...ga.data]).toEqual([1 + 4, 2 + 5, 6 + 9, 7 + 10]);
    expect([...gc.data]).toEqual([3, 8]);
  });

  it('refuses one arg, scalars, an axis the args lack, and shapes that differ off the axis', () => {
    expect(refusal(concat, [[2, 3]], [0])).toBe('concat needs two or more args, got 1');
    expect(refusal(concat, [[], []], [0])).toContain('cannot join scalars');
    expect(refusal(concat, [[2], [3]], [1])).toContain('axis 1 is not an axis of [2]');
    expect(
      refusal(
        concat,
        [
          [2, 3],
          [2, 4],
        ],
        [0],
      ),
    ).toBe('concat on axis 0 needs shapes that agree except on that axis, got [2, 3] and [2, 4]');
    expect(
      refusal(
        concat,
        [
          [2, 3],
          [2, 3],
          [2, 3, 1],
        ],
        [1],
      ),
    ).toContain('got [2, 3] and [2, 3, 1]');
    expect(refusal(concat, [[2, 3], [3]], [-1])).toContain('got [2, 3] and [3]');
  });
});
