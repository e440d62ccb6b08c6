/**
 * Central finite differences, the routine gradcheck and grading's fd(dL/dw) answers share. On
 * L = sum(w * w) with w = [3, -1] and ε = 0.5, worked by hand: a central difference is exact on a
 * quadratic, ((w + ε)² - (w - ε)²) / (2ε) = 2w, and every number here is exact in binary:
 * element 0: L(3.5, -1) = 13.25, L(2.5, -1) = 7.25, (13.25 - 7.25) / 1 = 6;
 * element 1: L(3, -0.5) = 9.25, L(3, -1.5) = 11.25, (9.25 - 11.25) / 1 = -2.
 */
import { describe, expect, it } from 'vitest';
import { centralDifferences } from '../../src/core/finite-difference.js';
import { scalarOf, slotOf } from '../../src/engine/tape.js';
import { compileSpec } from '../../src/specs/index.js';
import { elementsOf } from '../support/tape.js';

const tape = compileSpec({
  graph: {
    params: { w: [3, -1] },
    nodes: [
      { id: 'sq', op: 'mul', args: ['w', 'w'] },
      { id: 'L', op: 'sum', args: ['sq'] },
    ],
  },
});
const w = slotOf(tape, 'w')!;
const loss = (values: Float64Array): number => scalarOf(tape, values, tape.output);

describe('centralDifferences', () => {
  it('gives (f(x + ε) - f(x - ε)) / (2ε) for each element, with both evaluations', () => {
    const found = [...centralDifferences(tape, w, 0.5, loss)];
    expect(found.map(({ index, fPlus, fMinus, estimate }) => ({ index, fPlus, fMinus, estimate }))).toEqual([
      { index: 0, fPlus: 13.25, fMinus: 7.25, estimate: 6 },
      { index: 1, fPlus: 9.25, fMinus: 11.25, estimate: -2 },
    ]);
    // The arenas of the two passes hold the nudged element and what followed from it.
    expect(elementsOf(tape, found[1].plus, 'w')).toEqual([3, -0.5]);
    expect(elementsOf(tape, found[1].minus, 'sq')).toEqual([9, 2.25]);
  });

  it('leaves the tape as it was', () => {
    const before = Array.from(tape.initial);
    Array.from(centralDifferences(tape, w, 0.5, loss));
    expect(Array.from(tape.initial)).toEqual(before);
  });
});
