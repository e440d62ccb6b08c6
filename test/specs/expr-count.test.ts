/**
 * exprValuesAtLeast counts, without parsing, what an expr makes at least: a picture too large to
 * draw is refused on that count before its text is parsed. It must never count more than the
 * parser makes (a picture within the limit would be refused), and for texts without commas it
 * counts exactly what the parser makes. The parser's own nodes are the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exprValuesAtLeast, parseExpr } from '../../src/specs/expr.js';

/** Nodes and literal args of a parsed text: the values it adds to a picture, besides its leaves. */
function parsedValues(text: string): number {
  const { nodes } = parseExpr(text);
  return nodes.length + nodes.reduce((n, node) => n + node.args.filter((a) => typeof a === 'number').length, 0);
}

const space = fc.constantFrom('', ' ', '  ', '\t', '\u00a0');
const name = fc.constantFrom('x', 'y', 'w', 'b', 'y_hat', 'W1', 'e', 'E2');
const number = fc.constantFrom('2', '0.5', '.25', '1e-3', '1.5E+2', '3', '½');
const times = fc.constantFrom('*', '·', '×', '⊙');
const minus = fc.constantFrom('-', '−', '–');

/** Texts that parse: operands of operators are parenthesized, so any nesting is valid. */
const { expr } = fc.letrec<{ expr: string; leaf: string }>((tie) => ({
  leaf: fc.oneof(name, number),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc
      .tuple(tie('expr'), fc.oneof(fc.constantFrom('+', '/', '^'), times, minus), tie('expr'), space)
      .map(([a, op, b, s]) => `(${a})${s}${op}${s}(${b})`),
    fc.tuple(fc.oneof(minus, fc.constant('+')), tie('expr')).map(([op, a]) => `${op}(${a})`),
    fc
      .tuple(fc.constantFrom('sigmoid', 'tanh', 'exp', 'σ', 'ln'), space, tie('expr'))
      .map(([f, s, a]) => `${f}${s}(${a})`),
    fc.tuple(tie('expr'), fc.constantFrom('²', '³')).map(([a, p]) => `[${a}]${p}`),
    fc.tuple(number, name).map(([n, v]) => (n === '½' ? `½${v}` : `${n}*${v}`)),
  ),
}));

/** Calls whose args after a comma may be an attr (leaky_relu's alpha) or an arg (add's second). */
const withCommas = fc.oneof(
  fc.tuple(expr, fc.constantFrom('0.1', '-0.1', '½', '- 2')).map(([a, alpha]) => `leaky_relu(${a}, ${alpha})`),
  fc.tuple(expr, expr).map(([a, b]) => `add(${a}, ${b})`),
  fc.tuple(expr, fc.constantFrom('2', '-2', '-x')).map(([a, b]) => `mul(${a}, ${b})`),
);

/** Statements `s0 = ...; s1 = ...`, separated by `;` or new lines. */
const text = (statement: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.array(statement, { minLength: 1, maxLength: 4 }), fc.constantFrom('; ', '\n', ';\n'))
    .map(([statements, sep]) => statements.map((s, i) => `s${i} = ${s}`).join(sep));

describe('exprValuesAtLeast', () => {
  it('counts exactly the nodes and literals the parser makes from a text without commas', () => {
    fc.assert(
      fc.property(text(expr), (t) => {
        // A statement that is a literal alone (`s0 = 3`, `s0 = +(3)`) is an identity node and its literal; the count sees the literal.
        const lone = t
          .split(/[;\n]/)
          .filter((s) =>
            /^\+*(?:[\d.]+(?:[eE][+-]?\d+)?|½)$/.test(s.replace(/^\s*s\d+ = /, '').replace(/[\s()[\]]/g, '')),
          ).length;
        expect(exprValuesAtLeast(t), t).toBe(parsedValues(t) - lone);
      }),
      { numRuns: 400 },
    );
  });

  it('never counts more than the parser makes, whatever follows a comma', () => {
    fc.assert(
      fc.property(text(fc.oneof(expr, withCommas)), (t) => {
        expect(exprValuesAtLeast(t), t).toBeLessThanOrEqual(parsedValues(t));
      }),
      { numRuns: 400 },
    );
  });

  it('counts the tutorial as the parser does', () => {
    const tutorial = 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2';
    // u, z, y_hat; in L: the 0.5, a sub, a pow and its 2, the product.
    expect(exprValuesAtLeast(tutorial)).toBe(3 + 5);
    expect(exprValuesAtLeast('L = ½(y_hat − y)²')).toBe(5);
    expect(exprValuesAtLeast('a = x; L = leaky_relu(a, -0.1)')).toBe(2);
  });

  it('counts a megabyte in one pass: linear in the text', () => {
    const k = 250_000;
    expect(exprValuesAtLeast(`L = x${' * x'.repeat(k)}`)).toBe(k);
  });
});
