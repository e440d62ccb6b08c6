/**
 * dropout with a given mask: y = x · mask / (1 − p), p the probability of dropping. The mask gets
 * the gradient PyTorch's autograd gives a tensor in that expression (x / (1 − p) · g, confirmed
 * with torch 1.13); x's vjp is checked against central finite differences.
 */
import { describe, expect, it } from 'vitest';
import { dropout } from '../../../src/engine/layers/dropout.js';
import { OpDomainError } from '../../../src/engine/op-def.js';
import { type Shape, type Tensor, tensor, zeros } from '../../../src/engine/tensor.js';
import {
  expectVjpAdds,
  expectVjpMatchesFiniteDifferences,
  filled,
  of,
  random,
  refusal,
  run,
  shapeOf,
  vjpOf,
} from './layer-check.js';

/** A mask of 0s and 1s, about half of each. */
const maskOf = (shape: Shape, next: () => number): Tensor => {
  const t = filled(shape, next);
  return tensor(
    shape,
    t.data.map((v) => (v < 0 ? 0 : 1)),
  );
};

/** The OpDomainError the forward kernel throws, or a failure if it does not throw one. */
function domainError(x: Tensor, mask: Tensor, p: number): OpDomainError {
  try {
    run(dropout, [x, mask], [p]);
  } catch (e) {
    if (e instanceof OpDomainError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('dropout', () => {
  it('keeps the masked-in elements scaled by 1 / (1 − p) and zeroes the rest', () => {
    // p = 0.5 doubles what is kept; p = 0.75 multiplies it by 4; p = 0 is the identity on the kept ones.
    expect([...run(dropout, [of([2, 2], [0.5, -1, 3, 2]), of([2, 2], [1, 0, 0, 1])], [0.5]).data]).toEqual([
      1, -0, 0, 4,
    ]);
    expect([...run(dropout, [of([3], [0.5, -1, 3]), of([3], [1, 1, 0])], [0.75]).data]).toEqual([2, -4, 0]);
    expect([...run(dropout, [of([2], [0.3, 7]), of([2], [1, 0])], [0]).data]).toEqual([0.3, 0]);
  });

  const SHAPES: Shape[] = [[], [4], [2, 3], [2, 1, 3], [2, 2, 1, 3]];
  for (const [n, shape] of SHAPES.entries()) {
    const args = (): Tensor[] => {
      const next = random(10 + n);
      return [filled(shape, next), maskOf(shape, next)];
    };
    it(`is x * mask / (1 - p) elementwise on [${shape}]`, () => {
      const [x, mask] = args();
      const y = run(dropout, [x, mask], [0.3]);
      for (let k = 0; k < y.data.length; k++) expect(y.data[k]).toBe((x.data[k] * mask.data[k]) / 0.7);
    });
    it(`has dL/dx = g * mask / (1 - p), checked by finite differences, on [${shape}]`, () => {
      expectVjpMatchesFiniteDifferences(dropout, args(), [0.3], 20 + n, [0]);
    });
    it(`gives the mask the gradient PyTorch gives it, g * x / (1 - p), on [${shape}]`, () => {
      const [x, mask] = args();
      const g = filled(shape, random(30 + n));
      const [, gmask] = vjpOf(dropout, g, [x, mask], [0.3]);
      for (let k = 0; k < g.data.length; k++) expect(gmask.data[k]).toBeCloseTo((g.data[k] * x.data[k]) / 0.7, 14);
    });
    it(`adds its vjp into gx on [${shape}]`, () => {
      expectVjpAdds(dropout, args(), [0.3], 40 + n);
    });
  }

  it('has a scalar kernel: the same rule, its derivatives, and the same refusal', () => {
    const { f, da, db } = dropout.scalar;
    expect(f(3, 1, 0.25)).toBe(4);
    expect(f(3, 0, 0.25)).toBe(0);
    expect(da(3, 1, 4, 0.25)).toBeCloseTo(4 / 3, 15);
    expect(db(3, 1, 4, 0.25)).toBe(4);
    expect(() => f(3, 0.5, 0.25)).toThrow(OpDomainError);
  });

  it('refuses a mask whose shape is not exactly that of x', () => {
    expect(refusal(dropout, [[2, 3], [3]], [0.5])).toBe('the dropout mask [3] must have exactly the shape of x [2, 3]');
    expect(
      refusal(
        dropout,
        [
          [2, 3],
          [1, 2, 3],
        ],
        [0.5],
      ),
    ).toContain('mask [1, 2, 3]');
    expect(refusal(dropout, [[], [1]], [0.5])).toContain('shape of x []');
    expect(
      shapeOf(
        dropout,
        [
          [2, 3],
          [2, 3],
        ],
        [0.5],
      ),
    ).toEqual([2, 3]);
  });

  it('refuses a mask that holds anything but 0s and 1s, naming the first such element', () => {
    const x = zeros([2, 3]);
    const half = domainError(x, of([2, 3], [1, 0, 1, 1, 0.5, 2]), 0.5);
    expect(half.text.en).toBe('the dropout mask holds 0.5 at [1, 1]: a mask holds only 0s (dropped) and 1s (kept)');
    expect(half.text['pt-BR']).toContain('0.5 em [1, 1]');
    expect(domainError(zeros([3]), of([3], [1, -1, 0]), 0.5).text.en).toContain('holds -1 at [1]');
    expect(domainError(zeros([2, 1, 1, 2]), of([2, 1, 1, 2], [0, 1, 1, 0.9999]), 0.5).text.en).toContain(
      '0.9999 at [1, 0, 0, 1]',
    );
  });
});
