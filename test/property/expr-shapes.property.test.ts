/**
 * expr shapes that once broke the written forms (issue 13: a 30,000-term sum was a 500, a
 * RangeError in Notation.write, because the parser's depth limit does not bound a
 * left-associative chain): long sums, differences, products and quotients, nesting of calls and
 * parentheses up to the parser's depth limit and a little past it, templates that write an arg
 * twice (`bce`) nested deep, and mixes of them in one or two statements, posted to every route
 * that takes a graph. Whatever the shape, the answer is never a 5xx; a refusal is a problem
 * document. A 30,000-term sum and product and the deepest nesting are always among the runs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { runs } from './support.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  // Every job on the event loop: the same answers, and no worker start-up in the runs' time.
  app = await buildTestApp({ pool: false });
});
afterAll(() => app?.close());

/** The parser's depth limit (src/specs/expr.ts). */
const MAX_DEPTH = 200;

const LEAVES = ['x', 'w', 'b', 'y', '2', '0.5'] as const;

/** A chain of `n` terms joined by the operators of `ops` in turn: `x + w * b - x …`, left-associative. */
const chain = (n: number, ops: readonly string[], leaves: readonly string[]): string => {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(i ? `${ops[i % ops.length]}${leaves[i % leaves.length]}` : leaves[0]);
  return parts.join('');
};

/** How one level of nesting wraps what is inside it. */
const WRAPS: Record<string, (e: string) => string> = {
  parentheses: (e) => `(${e} + x)`,
  product: (e) => `w*(${e})`,
  sigmoid: (e) => `sigmoid(${e})`,
  tanh: (e) => `tanh(${e})`,
  minus: (e) => `-(${e})`,
  square: (e) => `(${e})^2`,
  // bce writes its prediction twice: nested, its formula doubles at each level.
  bce: (e) => `bce(sigmoid(${e}), y)`,
  log: (e) => `log(${e})`,
};

const nest = (depth: number, wraps: readonly string[], inner: string): string => {
  let e = inner;
  for (let i = 0; i < depth; i++) e = WRAPS[wraps[i % wraps.length]](e);
  return e;
};

const length = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 60 }) },
  { weight: 3, arbitrary: fc.integer({ min: 61, max: 3_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 30_000 }) },
);
const ops = fc.array(fc.constantFrom('+', '-', '*', '/'), { minLength: 1, maxLength: 4 });
const leaves = fc.array(fc.constantFrom(...LEAVES), { minLength: 1, maxLength: 4 });
const wraps = fc.array(fc.constantFrom(...Object.keys(WRAPS)), { minLength: 1, maxLength: 3 });
const depth = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }) },
  { weight: 2, arbitrary: fc.integer({ min: MAX_DEPTH - 20, max: MAX_DEPTH + 5 }) },
);

/** The right side of a statement. */
const expression: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(length, ops, leaves).map(([n, o, l]) => chain(n, o, l)),
  fc.tuple(depth, wraps).map(([d, w]) => nest(d, w, 'x')),
  // Mixed: a chain inside nesting, nesting inside a chain.
  fc
    .tuple(depth, wraps, length, ops)
    .map(([d, w, n, o]) => nest(Math.min(d, 60), w, chain(Math.min(n, 3_000), o, ['x', 'w']))),
  fc
    .tuple(length, ops, depth, wraps)
    .map(([n, o, d, w]) => `${chain(Math.min(n, 3_000), o, ['x', 'b'])} + ${nest(Math.min(d, 60), w, 'w')}`),
);

/** One statement, or two with the second using the first. */
const exprText = fc.oneof(
  expression.map((e) => `L = ${e}`),
  fc.tuple(expression, expression).map(([u, l]) => `u = ${u}; L = w*u + ${l}`),
);

const ROUTES = [
  '/v1/forward',
  '/v1/gradients',
  '/v1/step',
  '/v1/gradcheck',
  '/v1/grade',
  '/v1/explain',
  '/v1/render?format=dot',
  '/v1/render?format=mermaid',
  '/v1/render?format=svg',
];

function bodyFor(route: string, expr: string): object {
  const graph = { inputs: { x: 0.5, y: 1 }, params: { w: -0.3, b: 0.2 }, expr };
  switch (route) {
    case '/v1/step':
      return { graph, learningRate: 0.1 };
    case '/v1/grade':
      return {
        graph,
        learningRate: 0.1,
        answers: { L: '0,5', 'dL/dw': 1, 'dL/dx': '1e999', 'step(w)': -0.3, 'fd(dL/db)': 0 },
      };
    case '/v1/explain':
      return { graph, learningRate: 0.1, gradcheck: true };
    default:
      return { graph };
  }
}

describe('expr shapes (long chains, deep nesting) on every route that takes a graph', () => {
  it('are never answered with a 5xx', async () => {
    const longSum = `L = ${chain(30_000, ['+'], ['x'])}`;
    const longProduct = `L = ${chain(30_000, ['*'], ['x', 'w'])}`;
    const deepest = `L = ${nest(MAX_DEPTH - 2, ['sigmoid', 'parentheses'], 'x')}`;
    const doubling = `L = ${nest(40, ['bce'], 'w')}`;
    await fc.assert(
      fc.asyncProperty(exprText, fc.constantFrom(...ROUTES), async (expr, route) => {
        const res = await app.inject({ method: 'POST', url: route, payload: bodyFor(route, expr) });
        expect(res.statusCode, `${route} ${expr.slice(0, 200)}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }),
      {
        ...runs(60),
        examples: [
          ...ROUTES.map((route) => [longSum, route] as [string, string]),
          [longProduct, '/v1/grade'],
          [longProduct, '/v1/gradients'],
          [deepest, '/v1/explain'],
          [deepest, '/v1/grade'],
          [doubling, '/v1/explain'],
          [doubling, '/v1/grade'],
        ],
      },
    );
  }, 120_000);
});
