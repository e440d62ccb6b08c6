/**
 * Accumulation in the backward pass, through POST /v1/gradients: an interior node that feeds two
 * or three users gets the sum of what each of them sends back (`grads[a] += ...`), and passes its
 * gradient on only once every user has contributed. Expected numbers are worked by hand in each
 * test. A backward pass that wrote `=` instead of `+=` would keep one user's contribution; one
 * that propagated a node as soon as a first gradient reached it would pass on a partial sum; both
 * are off by far more than the 1e-13 (relative) allowed here.
 *
 * Each scalar graph runs three ways: written as expr text (the all-scalar loops), as JSON nodes
 * written last first (the tape sorts them itself), and with an extra vector input no node reads,
 * which keeps every value but moves the tape off the all-scalar loops onto the node-by-node path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

type Wire = number | Wire[];

async function gradientsOf(graph: object): Promise<{ values: Record<string, Wire>; gradients: Record<string, Wire> }> {
  const res = await app.inject({ method: 'POST', url: '/v1/gradients', payload: { graph } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const RTOL = 1e-13;
const near = (actual: Wire, expected: number, what: string): void => {
  expect(typeof actual, what).toBe('number');
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} against ${expected}`).toBeLessThanOrEqual(
    RTOL * Math.max(1, Math.abs(expected)),
  );
};
const nearEach = (actual: Wire, expected: readonly Wire[], what: string): void => {
  expect(Array.isArray(actual), what).toBe(true);
  expect(actual as Wire[]).toHaveLength(expected.length);
  (actual as Wire[]).forEach((x, i) =>
    Array.isArray(expected[i])
      ? nearEach(x, expected[i] as Wire[], `${what}[${i}]`)
      : near(x, expected[i] as number, `${what}[${i}]`),
  );
};

interface ScalarCase {
  inputs: Record<string, number>;
  params: Record<string, number>;
  expr: string;
  /** The same graph as JSON nodes, in the order written by expr. */
  nodes: { id: string; op: string; args: (string | number)[] }[];
}

/** The case's gradients from each of the three ways of running it, all checked against `expected`. */
async function checkScalar(c: ScalarCase, expected: Record<string, number>): Promise<void> {
  const forms: [string, object][] = [
    ['expr', { inputs: c.inputs, params: c.params, expr: c.expr }],
    [
      'JSON nodes, last first',
      { inputs: c.inputs, params: c.params, nodes: [...c.nodes].reverse(), output: c.nodes[c.nodes.length - 1].id },
    ],
    [
      'with a vector input no node reads',
      { inputs: { ...c.inputs, unused: [0.5, -0.5] }, params: c.params, nodes: c.nodes },
    ],
  ];
  for (const [form, graph] of forms) {
    const { gradients } = await gradientsOf(graph);
    for (const [id, g] of Object.entries(expected)) near(gradients[id], g, `${form}: dL/d${id}`);
  }
}

describe('POST /v1/gradients: an interior node with several users gets every contribution', () => {
  const w = 0.8,
    x = -1.5;
  const a = w * x; // -1.2

  it('two users: a = w*x; p = a*c; q = sin(a); L = p + q', async () => {
    const c = 2.5;
    // dL/dp = dL/dq = 1; dL/da = dL/dp · dp/da + dL/dq · dq/da = c + cos(a).
    // dL/dw = dL/da · x; dL/dx = dL/da · w; dL/dc = a.
    const da = c + Math.cos(a);
    await checkScalar(
      {
        inputs: { x, c },
        params: { w },
        expr: 'a = w*x; p = a*c; q = sin(a); L = p + q',
        nodes: [
          { id: 'a', op: 'mul', args: ['w', 'x'] },
          { id: 'p', op: 'mul', args: ['a', 'c'] },
          { id: 'q', op: 'sin', args: ['a'] },
          { id: 'L', op: 'add', args: ['p', 'q'] },
        ],
      },
      { a: da, w: da * x, x: da * w, c: a, p: 1, q: 1 },
    );
    // Either contribution alone is far from the sum (so the test tells them apart).
    expect(Math.abs(da - c)).toBeGreaterThan(0.3);
    expect(Math.abs(da - Math.cos(a))).toBeGreaterThan(2);
  });

  it('three users: a = w*x; p = a*a; q = sin(a); r = exp(a); L = p + q + r', async () => {
    // dL/dp = dL/dq = dL/dr = 1.
    // dL/da = dp/da + dq/da + dr/da = 2a + cos(a) + e^a  (p = a·a: a is both args of one user, a + a).
    // dL/dw = dL/da · x; dL/dx = dL/da · w.
    const da = 2 * a + Math.cos(a) + Math.exp(a);
    await checkScalar(
      {
        inputs: { x },
        params: { w },
        expr: 'a = w*x; p = a*a; q = sin(a); r = exp(a); s = p + q; L = s + r',
        nodes: [
          { id: 'a', op: 'mul', args: ['w', 'x'] },
          { id: 'p', op: 'mul', args: ['a', 'a'] },
          { id: 'q', op: 'sin', args: ['a'] },
          { id: 'r', op: 'exp', args: ['a'] },
          { id: 's', op: 'add', args: ['p', 'q'] },
          { id: 'L', op: 'add', args: ['s', 'r'] },
        ],
      },
      { a: da, w: da * x, x: da * w, p: 1, q: 1, r: 1, s: 1 },
    );
  });

  it('three users at different depths, so that a node reached early must wait: a = w*x; b = sin(a); c = b*a; d = exp(c); L = d + a', async () => {
    // Backwards from L, a is reached first straight from L, then from c, and from b only after c.
    // dL/dd = 1; dL/dc = e^c; dL/db = e^c · a; dL/da = 1 (from L) + e^c · b (from c) + e^c · a · cos(a) (from b).
    const b = Math.sin(a),
      c = b * a;
    const dc = Math.exp(c),
      db = dc * a;
    const da = 1 + dc * b + db * Math.cos(a);
    await checkScalar(
      {
        inputs: { x },
        params: { w },
        expr: 'a = w*x; b = sin(a); c = b*a; d = exp(c); L = d + a',
        nodes: [
          { id: 'a', op: 'mul', args: ['w', 'x'] },
          { id: 'b', op: 'sin', args: ['a'] },
          { id: 'c', op: 'mul', args: ['b', 'a'] },
          { id: 'd', op: 'exp', args: ['c'] },
          { id: 'L', op: 'add', args: ['d', 'a'] },
        ],
      },
      { d: 1, c: dc, b: db, a: da, w: da * x, x: da * w },
    );
  });

  it('a vector with three users (mul, sum and a loss): a = w*x; L = sum(a*c) + sum(a) + mse(a, y)', async () => {
    const xs = [0.5, -1, 2],
      ys = [1, 0, -1],
      cs = [2, -0.5, 1],
      ws = [0.3, 0.7, -0.4];
    const as = ws.map((wi, i) => wi * xs[i]);
    const n = as.length;
    // mse(a, y) = (1/n) Σ (a_i - y_i)².
    // dL/da_i = c_i (from sum(a*c)) + 1 (from sum(a)) + 2 (a_i - y_i) / n (from mse).
    // dL/dw_i = dL/da_i · x_i; dL/dx_i = dL/da_i · w_i; dL/dc_i = a_i; dL/dy_i = -2 (a_i - y_i) / n.
    const da = as.map((ai, i) => cs[i] + 1 + (2 * (ai - ys[i])) / n);
    // a is the first arg of its mul, then the second (c*a): each operand's gradient accumulates.
    const graph = (mulArgs: string[]) => ({
      inputs: { x: xs, y: ys, c: cs },
      params: { w: ws },
      nodes: [
        { id: 'a', op: 'mul', args: ['w', 'x'] },
        { id: 'm', op: 'mul', args: mulArgs },
        { id: 'sm', op: 'sum', args: ['m'] },
        { id: 'sa', op: 'sum', args: ['a'] },
        { id: 'l', op: 'mse', args: ['a', 'y'] },
        { id: 't', op: 'add', args: ['sm', 'sa'] },
        { id: 'L', op: 'add', args: ['t', 'l'] },
      ],
      output: 'L',
    });
    const written = [graph(['a', 'c']), graph(['c', 'a'])].flatMap((g) => [g, { ...g, nodes: [...g.nodes].reverse() }]);
    for (const g of written) {
      const { values, gradients } = await gradientsOf(g);
      const mse = as.reduce((s, ai, i) => s + (ai - ys[i]) ** 2, 0) / n;
      near(values.L, as.reduce((s, ai, i) => s + ai * cs[i] + ai, 0) + mse, 'L');
      nearEach(gradients.a, da, 'dL/da');
      nearEach(
        gradients.w,
        da.map((d, i) => d * xs[i]),
        'dL/dw',
      );
      nearEach(
        gradients.x,
        da.map((d, i) => d * ws[i]),
        'dL/dx',
      );
      nearEach(gradients.c, as, 'dL/dc');
      nearEach(
        gradients.y,
        as.map((ai, i) => (-2 * (ai - ys[i])) / n),
        'dL/dy',
      );
      nearEach(gradients.m, [1, 1, 1], 'dL/dm');
    }
  });

  it('a vector with two unary users: a = w*x; L = sum(sin(a)) + sum(exp(a))', async () => {
    const xs = [0.5, -1, 2],
      ws = [0.3, 0.7, -0.4];
    const as = ws.map((wi, i) => wi * xs[i]);
    // dL/da_i = cos(a_i) + e^(a_i); dL/dw_i = dL/da_i · x_i.
    const da = as.map((ai) => Math.cos(ai) + Math.exp(ai));
    const nodes = [
      { id: 'a', op: 'mul', args: ['w', 'x'] },
      { id: 's', op: 'sin', args: ['a'] },
      { id: 'e', op: 'exp', args: ['a'] },
      { id: 'ss', op: 'sum', args: ['s'] },
      { id: 'se', op: 'sum', args: ['e'] },
      { id: 'L', op: 'add', args: ['ss', 'se'] },
    ];
    for (const written of [nodes, [...nodes].reverse()]) {
      const { gradients } = await gradientsOf({ inputs: { x: xs }, params: { w: ws }, nodes: written, output: 'L' });
      nearEach(gradients.a, da, 'dL/da');
      nearEach(
        gradients.w,
        da.map((d, i) => d * xs[i]),
        'dL/dw',
      );
    }
  });

  it('a matrix with two users and a square of itself: h = tanh(W); L = sum(h @ v) + sum(h) + sum(h²)', async () => {
    const W = [
      [0.2, -0.6, 1.1],
      [-0.9, 0.4, 0.05],
    ];
    const v = [1.5, -2, 0.5];
    const h = W.map((row) => row.map(Math.tanh));
    // (h @ v)_i = Σ_j h_ij v_j, so d sum(h @ v) / dh_ij = v_j; d sum(h) / dh_ij = 1; d sum(h²) / dh_ij = 2 h_ij.
    // dL/dh_ij = v_j + 1 + 2 h_ij; dL/dW_ij = dL/dh_ij · (1 - h_ij²); dL/dv_j = Σ_i h_ij.
    const dh = h.map((row) => row.map((hij, j) => v[j] + 1 + 2 * hij));
    const { gradients } = await gradientsOf({
      inputs: { v },
      params: { W },
      expr: 'h = tanh(W); o = matmul(h, v); L = sum(o) + sum(h) + sum(square(h))',
    });
    nearEach(gradients.h, dh, 'dL/dh');
    nearEach(
      gradients.W,
      dh.map((row, i) => row.map((d, j) => d * (1 - h[i][j] ** 2))),
      'dL/dW',
    );
    nearEach(
      gradients.v,
      v.map((_, j) => h[0][j] + h[1][j]),
      'dL/dv',
    );
  });
});
