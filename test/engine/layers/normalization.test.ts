/**
 * batch_norm and layer_norm against their definition written as plain loops (mean and BIASED
 * variance of each group, x̂ = (x − mean)/sqrt(var + eps), y = γ x̂ + β), and their three-term vjps
 * against central finite differences.
 */
import { describe, expect, it } from 'vitest';
import { batch_norm, layer_norm } from '../../../src/engine/layers/normalization.js';
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

/** The mean and biased variance of some numbers, the plain way. */
function statistics(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, variance: values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length };
}

/** batch_norm by definition: the group of channel c is every element whose index on axis 1 is c. */
function naiveBatchNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const y = zeros(x.shape);
  for (let c = 0; c < x.shape[1]; c++) {
    const group = [...indices(x.shape)].filter((i) => i[1] === c).map((i) => flatIndex(x.shape, i));
    const { mean, variance } = statistics(group.map((k) => x.data[k]));
    for (const k of group) y.data[k] = (gamma.data[c] * (x.data[k] - mean)) / Math.sqrt(variance + eps) + beta.data[c];
  }
  return y;
}

/** layer_norm by definition: each run of D elements along the last axis is a group. */
function naiveLayerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const d = x.shape[x.shape.length - 1];
  const y = zeros(x.shape);
  for (let at = 0; at < x.data.length; at += d) {
    const { mean, variance } = statistics([...x.data.subarray(at, at + d)]);
    for (let j = 0; j < d; j++)
      y.data[at + j] = (gamma.data[j] * (x.data[at + j] - mean)) / Math.sqrt(variance + eps) + beta.data[j];
  }
  return y;
}

const expectClose = (actual: Tensor, expected: Tensor): void => {
  expect(actual.shape).toEqual(expected.shape);
  for (let k = 0; k < expected.data.length; k++) expect(actual.data[k]).toBeCloseTo(expected.data[k], 12);
};

describe('batch_norm', () => {
  it('normalizes a feature with its batch mean and biased variance (worked by hand)', () => {
    // x column [1, 3]: mean 2, biased variance ((−1)² + 1²)/2 = 1, x̂ = [−1, 1]; y = 2 x̂ + 0.5.
    const y = run(batch_norm, [of([2, 1], [1, 3]), of([1], [2]), of([1], [0.5])], [0]);
    expect([...y.data]).toEqual([-1.5, 2.5]);
    // eps enters under the root: x̂ = ±1/sqrt(1 + 3) = ±0.5.
    const withEps = run(batch_norm, [of([2, 1], [1, 3]), of([1], [1]), of([1], [0])], [3]);
    expect([...withEps.data]).toEqual([-0.5, 0.5]);
  });

  const CASES: { x: Shape; eps: number }[] = [
    { x: [4, 3], eps: 1e-5 },
    { x: [2, 5], eps: 0.1 },
    { x: [2, 2, 3, 3], eps: 1e-3 },
    { x: [3, 1, 2, 2], eps: 1e-5 },
    { x: [1, 3, 2, 1], eps: 1e-5 }, // one example: the statistics are over H, W alone
  ];

  for (const [n, { x: xShape, eps }] of CASES.entries()) {
    const c = xShape[1];
    const args = (): Tensor[] => {
      const next = random(100 + n);
      return [filled(xShape, next), filled([c], next), filled([c], next)];
    };
    it(`matches the per-channel definition on x [${xShape}], eps ${eps}`, () => {
      const [x, gamma, beta] = args();
      expectClose(run(batch_norm, [x, gamma, beta], [eps]), naiveBatchNorm(x, gamma, beta, eps));
    });
    it(`has the three-term vjp (x, gamma, beta) on x [${xShape}], checked by finite differences`, () => {
      expectVjpMatchesFiniteDifferences(batch_norm, args(), [eps], 200 + n);
    });
    it(`adds its vjp into gx on x [${xShape}]`, () => {
      expectVjpAdds(batch_norm, args(), [eps], 300 + n);
    });
  }

  it('sums dL/dx to 0 over each channel: shifting a whole channel does not change y', () => {
    const next = random(7);
    const xs = [filled([5, 2], next), filled([2], next), filled([2], next)];
    const g = filled([5, 2], next);
    const gx = xs.map((x) => zeros(x.shape));
    batch_norm.vjp(g, xs, run(batch_norm, xs, [1e-5]), gx, [1e-5]);
    for (let ch = 0; ch < 2; ch++) {
      let sum = 0;
      for (let b = 0; b < 5; b++) sum += gx[0].data[b * 2 + ch];
      expect(Math.abs(sum)).toBeLessThan(1e-12);
    }
  });

  it('keeps the shape of x', () => {
    expect(shapeOf(batch_norm, [[4, 3], [3], [3]], [1e-5])).toEqual([4, 3]);
    expect(shapeOf(batch_norm, [[2, 3, 4, 5], [3], [3]], [1e-5])).toEqual([2, 3, 4, 5]);
  });

  it('gives beta, and dL/dx = 0, for a constant channel with eps 0, as PyTorch (invstd taken as 0)', () => {
    const xs = [of([2, 1], [1, 1]), of([1], [2]), of([1], [0.5])];
    expect([...run(batch_norm, xs, [0]).data]).toEqual([0.5, 0.5]);
    const gx = xs.map((x) => zeros(x.shape));
    batch_norm.vjp(of([2, 1], [1, 3]), xs, run(batch_norm, xs, [0]), gx, [0]);
    expect(gx.map((t) => [...t.data])).toEqual([[0, 0], [0], [4]]);
  });

  it('refuses ranks other than 2 and 4', () => {
    expect(refusal(batch_norm, [[3], [3], [3]], [1e-5])).toContain('rank 2 [N, D] or rank 4 [N, C, H, W], got [3]');
    expect(refusal(batch_norm, [[2, 3, 4], [3], [3]], [1e-5])).toContain('got [2, 3, 4]');
    expect(refusal(batch_norm, [[], [], []], [1e-5])).toContain('got []');
  });

  it('refuses gamma or beta that are not exactly [D] or [C]', () => {
    expect(refusal(batch_norm, [[4, 3], [4], [3]], [1e-5])).toBe(
      'gamma [4] and beta [3] must both be [3] for x [4, 3]: one per feature',
    );
    expect(refusal(batch_norm, [[4, 3], [3], [1, 3]], [1e-5])).toContain('beta [1, 3]');
    expect(refusal(batch_norm, [[4, 3], [], [3]], [1e-5])).toContain('gamma []');
    expect(refusal(batch_norm, [[2, 3, 2, 2], [2], [2]], [1e-5])).toContain('one per channel');
  });

  it('refuses one value per channel, as PyTorch does in training mode', () => {
    expect(refusal(batch_norm, [[1, 3], [3], [3]], [1e-5])).toContain('more than one value per channel');
    expect(refusal(batch_norm, [[1, 3, 1, 1], [3], [3]], [1e-5])).toContain('x [1, 3, 1, 1]');
  });
});

describe('layer_norm', () => {
  it('normalizes each row with its own mean and biased variance (worked by hand)', () => {
    // Row [1, 2, 3]: mean 2, variance 2/3, x̂ = [−1, 0, 1]·sqrt(3/2); row [4, 4, 4]: x̂ = 0, y = β.
    const y = run(layer_norm, [of([2, 3], [1, 2, 3, 4, 4, 4]), of([3], [1, 1, 2]), of([3], [0, 0, 1])], [1e-300]);
    const r = Math.sqrt(1.5);
    [-r, 0, 2 * r + 1].forEach((v, j) => expect(y.data[j]).toBeCloseTo(v, 14));
    expect([...y.data.subarray(3)]).toEqual([0, 0, 1]);
  });

  it('gives NaN for a constant row with eps 0, as F.layer_norm does', () => {
    const y = run(layer_norm, [of([3], [4, 4, 4]), of([3], [1, 1, 1]), of([3], [0, 0, 0])], [0]);
    expect([...y.data]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  const CASES: { x: Shape; eps: number }[] = [
    { x: [5], eps: 1e-5 },
    { x: [3, 4], eps: 1e-5 },
    { x: [2, 3, 4], eps: 0.01 },
    { x: [2, 1, 2, 3], eps: 1e-5 },
    { x: [3, 1], eps: 1e-5 }, // D = 1: x̂ = 0, y = β
  ];

  for (const [n, { x: xShape, eps }] of CASES.entries()) {
    const d = xShape[xShape.length - 1];
    const args = (): Tensor[] => {
      const next = random(400 + n);
      return [filled(xShape, next), filled([d], next), filled([d], next)];
    };
    it(`matches the per-row definition on x [${xShape}], eps ${eps}`, () => {
      const [x, gamma, beta] = args();
      expectClose(run(layer_norm, [x, gamma, beta], [eps]), naiveLayerNorm(x, gamma, beta, eps));
    });
    it(`has the three-term vjp (x, gamma, beta) on x [${xShape}], checked by finite differences`, () => {
      expectVjpMatchesFiniteDifferences(layer_norm, args(), [eps], 500 + n);
    });
    it(`adds its vjp into gx on x [${xShape}]`, () => {
      expectVjpAdds(layer_norm, args(), [eps], 600 + n);
    });
  }

  it('refuses a scalar x and gamma or beta that are not exactly [D]', () => {
    expect(refusal(layer_norm, [[], [1], [1]], [1e-5])).toContain('got a scalar');
    expect(refusal(layer_norm, [[2, 3], [2], [3]], [1e-5])).toBe(
      'gamma [2] and beta [3] must both be [3] for x [2, 3]: one per element of the last axis',
    );
    expect(refusal(layer_norm, [[2, 3], [3], [2, 3]], [1e-5])).toContain('beta [2, 3]');
  });
});
