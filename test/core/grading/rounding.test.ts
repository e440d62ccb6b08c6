/** The rounding rule (src/core/grading/rounding.ts), with the numbers written out by hand. */
import { describe, expect, it } from 'vitest';
import { roundingOf, roundsTo, writtenUnit } from '../../../src/core/grading/rounding.js';
import { tensor } from '../../../src/engine/tensor.js';

describe('the unit of the last written digit', () => {
  it('reads it from the text, or from the shortest form of a JSON number', () => {
    expect(writtenUnit(0.5)).toBe(0.1);
    expect(writtenUnit('0,11')).toBe(0.01);
    expect(writtenUnit(' -0.450 ')).toBe(0.001); // a written trailing zero after the point counts
    expect(writtenUnit('2.5e-3')).toBe(1e-4);
    expect(writtenUnit(1.5e-7)).toBe(1e-8); // String(1.5e-7) is '1.5e-7'
    expect(writtenUnit('\u22120,5')).toBe(0.1); // a typographic minus
  });

  it("takes a whole number's trailing zeros as placeholders, unless a point follows", () => {
    expect(writtenUnit(3)).toBe(1);
    expect(writtenUnit(300)).toBe(100);
    expect(writtenUnit('300.')).toBe(1);
    expect(writtenUnit('300.0')).toBe(0.1);
    expect(writtenUnit(0)).toBe(1);
    expect(writtenUnit(1e21)).toBe(1e21); // String(1e21) is '1e+21'
  });

  it('has none for a fraction, which is exact', () => {
    expect(writtenUnit('1/8')).toBeUndefined();
  });
});

describe('an answer rounds a value', () => {
  it('within one unit of its last digit when the answer keeps a significant figure', () => {
    expect(roundsTo(0.5, 0.5, 0.45016600268752216)).toBe(true);
    expect(roundsTo(0.3, 0.3, 0.3342706384098403)).toBe(true);
    expect(roundsTo('0,11', 0.11, 0.11142354613661343)).toBe(true);
    expect(roundsTo(2.7, 2.7, Math.E)).toBe(true);
    expect(roundsTo(0.335, 0.335, 0.3342706384098403)).toBe(true); // a slip in the last digit
    expect(roundsTo(0.12, 0.12, 0.11)).toBe(true); // exactly one unit, despite 0.12 - 0.11 = 0.009999…
    expect(roundsTo(300, 300, 312)).toBe(true);
    expect(roundsTo('300.0', 300, 312)).toBe(false);
    expect(roundsTo(0.5, 0.5, 0.3342706384098403)).toBe(false);
  });

  it('only as the value rounded to that unit when the unit is larger than the value, and never as 0', () => {
    expect(roundsTo(1, 1, 0.96)).toBe(true);
    expect(roundsTo(1, 1, 0.45)).toBe(false);
    expect(roundsTo(0, 0, 0.45)).toBe(false);
    expect(roundsTo('0.00', 0, 0.004)).toBe(false);
    expect(roundsTo('1/2', 0.5, 0.45)).toBe(false);
  });

  it('element by element: each right or rounded, the coarsest unit reported', () => {
    const expected = tensor([2], Float64Array.of(0.45016600268752216, 0.11142354613661343));
    const tol = { rtol: 1e-3, atol: 1e-6 };
    expect(roundingOf([0.5, '0,11'], tensor([2], Float64Array.of(0.5, 0.11)), expected, tol)).toEqual({
      unit: 0.1,
      distance: expect.closeTo(0.0498, 4),
    });
    expect(roundingOf([0.4502, 0.11], tensor([2], Float64Array.of(0.4502, 0.11)), expected, tol)?.unit).toBe(0.01);
    expect(roundingOf([1, 0.11], tensor([2], Float64Array.of(1, 0.11)), expected, tol)).toBeUndefined();
  });
});
