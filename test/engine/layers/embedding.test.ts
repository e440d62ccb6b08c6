/**
 * embedding(W, idx) = F.embedding(idx, W): row idx[t] of W for each index. dL/dW accumulates the
 * rows looked up more than once (checked against central finite differences), and idx's gradient
 * is zeros.
 */
import { describe, expect, it } from 'vitest';
import { embedding } from '../../../src/engine/layers/embedding.js';
import { OpDomainError } from '../../../src/engine/op-def.js';
import { type Tensor, tensor, zeros } from '../../../src/engine/tensor.js';
import {
  expectVjpAdds,
  expectVjpMatchesFiniteDifferences,
  filled,
  of,
  random,
  refusal,
  run,
  shapeOf,
} from './layer-check.js';

const W = of([5, 3], [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42]); // row v holds 10v, 10v + 1, 10v + 2

function domainError(table: Tensor, idx: Tensor): OpDomainError {
  try {
    run(embedding, [table, idx], []);
  } catch (e) {
    if (e instanceof OpDomainError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('embedding', () => {
  it('looks up one row of W per index: [T] -> [T, D]', () => {
    const y = run(embedding, [W, of([4], [1, 3, 1, 0])], []);
    expect(y.shape).toEqual([4, 3]);
    expect([...y.data]).toEqual([10, 11, 12, 30, 31, 32, 10, 11, 12, 0, 1, 2]);
  });

  it('looks up one row of W per index: [N, T] -> [N, T, D]', () => {
    const y = run(embedding, [W, of([2, 2], [4, 1, 1, 1])], []);
    expect(y.shape).toEqual([2, 2, 3]);
    expect([...y.data]).toEqual([40, 41, 42, 10, 11, 12, 10, 11, 12, 10, 11, 12]);
  });

  it('sums the gradients of a row used several times; a row not used gets none', () => {
    const g = of([4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const gx = [zeros([5, 3]), zeros([4])];
    const idx = of([4], [1, 3, 1, 0]);
    embedding.vjp(g, [W, idx], run(embedding, [W, idx], []), gx);
    // Row 1 is idx[0] and idx[2]: [1, 2, 3] + [7, 8, 9]; row 3 is idx[1]; row 0 is idx[3].
    expect([...gx[0].data]).toEqual([10, 11, 12, 8, 10, 12, 0, 0, 0, 4, 5, 6, 0, 0, 0]);
    expect([...gx[1].data]).toEqual([0, 0, 0, 0]);
  });

  const CASES: { idx: Tensor; table: [number, number] }[] = [
    { idx: of([5], [2, 0, 2, 2, 4]), table: [5, 3] },
    { idx: of([2, 3], [1, 1, 0, 3, 1, 2]), table: [4, 2] },
    { idx: of([1], [0]), table: [1, 4] },
  ];
  for (const [n, { idx, table }] of CASES.entries()) {
    const args = (): Tensor[] => [filled(table, random(50 + n)), tensor(idx.shape, idx.data.slice())];
    it(`has dL/dW checked by finite differences, idx [${idx.shape}], W [${table}]`, () => {
      expectVjpMatchesFiniteDifferences(embedding, args(), [], 60 + n, [0]);
    });
    it(`adds into dL/dW and nothing into idx's gradient (zeros), idx [${idx.shape}]`, () => {
      expectVjpAdds(embedding, args(), [], 70 + n);
    });
  }

  it('gives [..idx, D]', () => {
    expect(shapeOf(embedding, [[5, 3], [7]], [])).toEqual([7, 3]);
    expect(
      shapeOf(
        embedding,
        [
          [5, 3],
          [2, 7],
        ],
        [],
      ),
    ).toEqual([2, 7, 3]);
  });

  it('refuses a table that is not a matrix and indices of rank other than 1 or 2', () => {
    expect(refusal(embedding, [[5], [2]], [])).toContain('W must be a matrix [V, D], got [5]');
    expect(refusal(embedding, [[5, 3, 1], [2]], [])).toContain('got [5, 3, 1]');
    expect(refusal(embedding, [[5, 3], []], [])).toContain('got idx []');
    expect(
      refusal(
        embedding,
        [
          [5, 3],
          [1, 2, 2],
        ],
        [],
      ),
    ).toContain('got idx [1, 2, 2]');
  });

  it('refuses an index out of [0, V) or not an integer, naming the first one and V', () => {
    const tooBig = domainError(W, of([3], [0, 5, 7]));
    expect(tooBig.text.en).toBe('idx[1] is 5: an embedding index is an integer in [0, 5), a row of W [5, 3]');
    expect(tooBig.text['pt-BR']).toBe(
      'idx[1] é 5: um índice de embedding é um inteiro em [0, 5), uma linha de W [5, 3]',
    );
    expect(domainError(W, of([2, 2], [0, 1, -1, 2])).text.en).toContain('idx[1, 0] is -1');
    expect(domainError(W, of([2], [1.5, 9])).text.en).toContain('idx[0] is 1.5');
  });
});
