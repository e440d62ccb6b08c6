import { describe, expect, it } from 'vitest';
import { parseAnswer, parseNumber } from '../../../src/core/grading/numbers.js';
import { within } from '../../../src/core/grading/tolerance.js';

describe('tolerance', () => {
  it('{rtol, atol}: |s - e| <= atol + rtol |e|, so an exact zero is gradable', () => {
    expect(within({ rtol: 1e-3, atol: 1e-6 }, 1.0009, 1)).toBe(true);
    expect(within({ rtol: 1e-3, atol: 1e-6 }, 1.0011, 1)).toBe(false);
    expect(within({ rtol: 1e-3, atol: 1e-6 }, 5e-7, 0)).toBe(true);
    expect(within({ rtol: 1e-3, atol: 1e-6 }, 2e-6, 0)).toBe(false);
    expect(within({ rtol: 0.1 }, 1.05, 1)).toBe(true); // atol keeps its default
  });
  it('{sigfigs: n}: the answer rounds to the expected value at n significant figures (PrairieLearn)', () => {
    // 0.101325 at 2 significant figures is 0.10: the allowance is 0.51 * 10^-2.
    expect(within({ sigfigs: 2 }, 0.1, 0.101325)).toBe(true);
    expect(within({ sigfigs: 2 }, 0.11, 0.101325)).toBe(false);
    expect(within({ sigfigs: 3 }, 45000, 45016.6)).toBe(true);
    expect(within({ sigfigs: 3 }, 45100, 45016.6)).toBe(false);
  });
  it('{decimals: n}: the answer rounds to the expected value at n decimal places (PrairieLearn)', () => {
    expect(within({ decimals: 2 }, 0.33, 0.334271)).toBe(true);
    expect(within({ decimals: 2 }, 0.32, 0.334271)).toBe(false);
  });
});

describe('reading answers', () => {
  it("reads '.' and ',' decimals, exponents, fractions and a typographic minus", () => {
    expect(parseNumber('0,4502')).toBe(0.4502);
    expect(parseNumber(' -0.6 ')).toBe(-0.6);
    expect(parseNumber('2,5e-3')).toBe(0.0025);
    expect(parseNumber('1/8')).toBe(0.125);
    expect(parseNumber('-3 / 4')).toBe(-0.75);
    expect(parseNumber('\u22120,5')).toBe(-0.5);
  });
  it('refuses what is not one number', () => {
    for (const bad of ['', 'abc', '1/0', '0.4.6', '1,2,3', 'NaN', 'Infinity', '1e999x', '2x'])
      expect(parseNumber(bad)).toBeUndefined();
    expect(parseNumber(Number.NaN)).toBeUndefined();
  });
  it('reads vectors and matrices element by element', () => {
    expect(parseAnswer(['1', 2])?.shape).toEqual([2]);
    expect(
      parseAnswer([
        ['1', 2],
        [3, '4,5'],
      ])?.data,
    ).toEqual(Float64Array.of(1, 2, 3, 4.5));
    expect(parseAnswer([[1, 2], [3]])).toBeUndefined();
    expect(parseAnswer([1, 'x'])).toBeUndefined();
  });
});
