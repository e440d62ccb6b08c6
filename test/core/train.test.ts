/**
 * The optimizers against torch.optim's formulas, written out here (torch/optim/adam.py and sgd.py,
 * single-tensor path, the one torch takes on the CPU):
 *
 *   SGD, momentum μ, dampening 0:  buf_1 = g_1;  buf_t = μ · buf_(t-1) + g_t;  p ← p − lr · buf_t
 *   Adam:  m_t = m_(t-1).lerp(g_t, 1 − β1)       (= β1 · m_(t-1) + (1 − β1) · g_t)
 *          v_t = β2 · v_(t-1) + (1 − β2) · g_t²
 *          p  ← p − lr / (1 − β1^t) · m_t / (√v_t / √(1 − β2^t) + eps)
 *
 * ATen's lerp(start, end, w) computes start + w · (end − start) when w < 0.5 and
 * end − (end − start) · (1 − w) otherwise; with w = 1 − β1, the second branch is taken when
 * β1 <= 0.5. Both are the same number up to rounding, so besides the textbook form the tests take
 * the branch torch takes, in torch's arithmetic, and expect the service's numbers bit for bit.
 *
 * Then grading: `step(w)` is w after one update with the request's optimizer, as a student works
 * it by hand from the formulas above (for the first step: SGD with momentum is plain SGD, since
 * buf_1 = g_1; Adam moves each element by lr · g / (|g| + eps), whatever β1 and β2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Optimizer, train } from '../../src/core/train.js';
import { compileSpec } from '../../src/specs/index.js';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

const post = async (url: string, payload: object) => {
  const res = await app.inject({ method: 'POST', url, payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** Relative agreement to a few ulps, for numbers computed in another order. */
const near = (actual: number, expected: number, what = ''): void => {
  expect(Math.abs(actual - expected), `${what}: ${actual} against ${expected}`).toBeLessThanOrEqual(
    1e-14 * Math.max(1, Math.abs(expected)),
  );
};

// ---------------------------------------------------------------------------------------------
// The formulas, in plain numbers (no src/)

/** ATen's lerp, both branches. */
const atenLerp = (start: number, end: number, w: number): number =>
  Math.abs(w) < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);

interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * Adam on params whose gradient is `grad(p)`, for `steps` steps; `lerp` chooses how m is
 * interpolated (torch's arithmetic, or the textbook β1 · m + (1 − β1) · g).
 */
function adamByHand(
  p0: number[],
  grad: (p: number[]) => number[],
  steps: number,
  s: AdamSettings,
  lerp = atenLerp,
): number[] {
  const p = [...p0];
  const m = p.map(() => 0),
    v = p.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const g = grad(p);
    const bias1 = 1 - s.beta1 ** t;
    const bias2Sqrt = Math.sqrt(1 - s.beta2 ** t);
    for (let i = 0; i < p.length; i++) {
      m[i] = lerp(m[i], g[i], 1 - s.beta1);
      v[i] = v[i] * s.beta2 + (1 - s.beta2) * g[i] * g[i];
      p[i] += -(s.lr / bias1) * (m[i] / (Math.sqrt(v[i]) / bias2Sqrt + s.eps));
    }
  }
  return p;
}
const textbookLerp = (m: number, g: number, w: number): number => (1 - w) * m + w * g;
/** lerp with its branches swapped: the same number up to rounding. */
const swappedLerp = (start: number, end: number, w: number): number =>
  Math.abs(w) >= 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);

/**
 * L = ½ Σ (w_i − t_i)²: dL/dw_i = w_i − t_i. (The last two elements are ones on which the two
 * branches of lerp round differently within four steps, for β1 = 0.3 and for β1 = 0.5.)
 */
const targets = [0.25, -1.5, 2, 0, 0];
const W0 = [1, 0.5, -0.75, -1.2, 0.1];
const quadratic = { graph: { inputs: { t: targets }, params: { w: W0 }, expr: 'd = w - t; L = 0.5 * sum(d * d)' } };
const quadraticGrad = (p: number[]): number[] => p.map((pi, i) => pi - targets[i]);

function trained(problem: object, optimizer: Optimizer, lr: number, steps: number): number[] {
  const tape = compileSpec(problem as never);
  const { leaves } = train(tape, { learningRate: lr, steps, optimizer });
  const w = tape.params[0];
  return Array.from(leaves.subarray(tape.offset[w], tape.offset[w] + tape.size[w]));
}

// ---------------------------------------------------------------------------------------------

describe('train: Adam as torch.optim.Adam', () => {
  it.each([
    ['β1 = 0.3 (w = 0.7: the second branch)', 0.3, true],
    ['β1 = 0.5 (w = 0.5: the second branch, at its edge)', 0.5, true],
    ['β1 = 0 (w = 1: m is the gradient itself)', 0, false],
    ['β1 = 0.9 (w = 0.1: the first branch)', 0.9, true],
  ])('%s: four steps on a quadratic, bit for bit as torch computes them', (_, beta1, branchShows) => {
    const s = { lr: 0.1, beta1, beta2: 0.99, eps: 1e-8 };
    const actual = trained(quadratic, { name: 'adam', beta1, beta2: s.beta2, eps: s.eps }, s.lr, 4);
    const torch = adamByHand(W0, quadraticGrad, 4, s);
    expect(actual).toEqual(torch);
    // The other branch would round differently somewhere: the comparison above tells them apart.
    if (branchShows) expect(adamByHand(W0, quadraticGrad, 4, s, swappedLerp)).not.toEqual(torch);
    adamByHand(W0, quadraticGrad, 4, s, textbookLerp).forEach((x, i) => near(actual[i], x, `w[${i}], textbook form`));
  });

  it('β1 = 0.3 on a constant gradient: each step moves by lr · g / (|g| + eps), the bias corrections cancelling', () => {
    // L = sum(c * w): g = c at every step. m_t = (1 − β1^t) c and v_t = (1 − β2^t) c², so
    // m_t / (1 − β1^t) = c and √v_t / √(1 − β2^t) = |c|: after T steps w_T = w_0 − T · lr · c / (|c| + eps).
    const c = [0.5, -2, 0.125],
      w0 = [1, 0.5, -0.75],
      eps = 0.01,
      lr = 0.05,
      T = 5;
    const actual = trained(
      { graph: { inputs: { c }, params: { w: w0 }, expr: 'L = sum(c * w)' } },
      { name: 'adam', beta1: 0.3, beta2: 0.9, eps },
      lr,
      T,
    );
    actual.forEach((x, i) => near(x, w0[i] - (T * lr * c[i]) / (Math.abs(c[i]) + eps), `w[${i}]`));
  });

  it('the second branch is not the first one in disguise: m_1 = 0.7 g when β1 = 0.3, not 0.3 g', () => {
    // After one step m_1 / (1 − β1) = g whatever β1; an interpolation with w and 1 − w swapped
    // would give m_1 = 0.3 g, and a step of 0.3 / 0.7 of the right one: lr · g / (|g| + eps) · 3/7.
    const g = 2,
      eps = 1e-8,
      lr = 0.1;
    const [w1] = trained(
      { graph: { inputs: { c: g }, params: { w: 0 }, expr: 'L = c * w' } },
      { name: 'adam', beta1: 0.3 },
      lr,
      1,
    );
    near(w1, -(lr * g) / (Math.abs(g) + eps));
    expect(Math.abs(w1 - -((lr * g) / (g + eps)) * (3 / 7))).toBeGreaterThan(0.05);
  });
});

describe('train: SGD with momentum as torch.optim.SGD', () => {
  it('three steps of momentum 0.9 on the quadratic: buf_1 = g_1, then buf = μ buf + g', () => {
    const lr = 0.1,
      mu = 0.9;
    const p = [...W0];
    let buf: number[] = [];
    for (let t = 1; t <= 3; t++) {
      const g = quadraticGrad(p);
      buf = t === 1 ? g : buf.map((b, i) => mu * b + g[i]);
      p.forEach((_, i) => (p[i] -= lr * buf[i]));
    }
    trained(quadratic, { name: 'sgd', momentum: mu }, lr, 3).forEach((x, i) => near(x, p[i], `w[${i}]`));
  });
});

describe('POST /v1/step with Adam in its second branch', () => {
  it('β1 = 0.3, β2 = 0.9, eps 1e-6: three steps, params and the loss before each as torch computes them', async () => {
    const s = { lr: 0.2, beta1: 0.3, beta2: 0.9, eps: 1e-6 };
    const body = await post('/v1/step', {
      ...quadratic,
      learningRate: s.lr,
      steps: 3,
      optimizer: { name: 'adam', beta1: s.beta1, beta2: s.beta2, eps: s.eps },
    });
    const loss = (p: number[]) => 0.5 * p.reduce((sum, pi, i) => sum + (pi - targets[i]) ** 2, 0);
    const expected = adamByHand(W0, quadraticGrad, 3, s);
    expect(body.params.w).toHaveLength(W0.length);
    (body.params.w as number[]).forEach((x, i) => near(x, expected[i], `w[${i}]`));
    const history = [0, 1, 2].map((t) => loss(adamByHand(W0, quadraticGrad, t, s)));
    (body.history as number[]).forEach((x, t) => near(x, history[t], `loss before step ${t + 1}`));
    near(body.loss.after, loss(expected), 'loss after');
  });
});

describe("POST /v1/step: Adam's betas as torch.optim.Adam takes them, from 0 to 1 with 1 excluded", () => {
  it.each([
    ['beta1', 1],
    ['beta2', 1],
    ['beta1', 1.5],
  ])(
    'refuses %s = %s with a 400 naming the field (at 1 the bias correction 1 − β^t is 0: every param NaN)',
    async (name, value) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/step',
        payload: { ...quadratic, learningRate: 0.1, optimizer: { name: 'adam', [name]: value } },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION', errors: [{ path: `optimizer.${name}` }] });
    },
  );

  it('takes betas just under 1 and 0', async () => {
    for (const optimizer of [
      { name: 'adam', beta1: 0.999999, beta2: 0.999999 },
      { name: 'adam', beta1: 0, beta2: 0 },
    ]) {
      const body = await post('/v1/step', { ...quadratic, learningRate: 0.1, optimizer });
      expect(body.warnings).toEqual([]);
    }
  });
});

describe('POST /v1/grade: step(w) under momentum and under Adam, from the formulas', () => {
  // The tutorial's neuron: u = w x; z = u + b; s = σ(z); L = ½ (s − y)².
  // dL/dw = (s − y) · s (1 − s) · x and dL/db = (s − y) · s (1 − s).
  const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
  const s = 1 / (1 + Math.exp(-(neuron.w * neuron.x + neuron.b)));
  const dz = (s - neuron.y) * s * (1 - s);
  const g = { w: dz * neuron.x, b: dz };
  const lr = 0.1;

  const grade = (optimizer: object, answers: Record<string, unknown>) =>
    post('/v1/grade', { neuron, learningRate: lr, optimizer, answers, tolerance: { rtol: 1e-9, atol: 0 } });

  it('SGD with momentum 0.9: the first step is w − lr · g (buf_1 = g), not w − lr · (1 + μ) g', async () => {
    const right = { w: neuron.w - lr * g.w, b: neuron.b - lr * g.b };
    const body = await grade(
      { name: 'sgd', momentum: 0.9 },
      { 'step(w)': right.w, 'step(b)': neuron.b - lr * 1.9 * g.b },
    );
    const [w, b] = body.results;
    expect(w).toMatchObject({ key: 'step(w)', correct: true, credit: 1 });
    near(w.expected, right.w, 'expected step(w)');
    expect(b).toMatchObject({ key: 'step(b)', correct: false, credit: 0 });
    near(b.expected, right.b, 'expected step(b)');
  });

  it('Adam with its defaults: each param moves by lr · g / (|g| + eps); the SGD answer is wrong', async () => {
    const eps = 1e-8;
    const right = {
      w: neuron.w - (lr * g.w) / (Math.abs(g.w) + eps),
      b: neuron.b - (lr * g.b) / (Math.abs(g.b) + eps),
    };
    const body = await grade({ name: 'adam' }, { 'step(w)': right.w, 'step(b)': neuron.b - lr * g.b });
    const [w, b] = body.results;
    expect(w).toMatchObject({ correct: true, credit: 1 });
    near(w.expected, right.w, 'expected step(w)');
    expect(b).toMatchObject({ correct: false, credit: 0 });
    near(b.expected, right.b, 'expected step(b)');
    expect(body.score).toBe(0.5);
  });

  it('Adam with β1 = 0.3 (the second branch) and eps 0.1: w − lr · g / (|g| + 0.1)', async () => {
    const eps = 0.1;
    const right = neuron.w - (lr * g.w) / (Math.abs(g.w) + eps);
    // The same update with eps left out (w − lr · sign(g)) is about 0.023 off: wrong at this tolerance.
    const body = await grade(
      { name: 'adam', beta1: 0.3, beta2: 0.5, eps },
      { 'step(w)': right, 'step(b)': neuron.b - lr * Math.sign(g.b) },
    );
    const [w, b] = body.results;
    expect(w).toMatchObject({ correct: true, credit: 1 });
    near(w.expected, right, 'expected step(w)');
    expect(b.correct).toBe(false);
    near(b.expected, neuron.b - (lr * g.b) / (Math.abs(g.b) + eps), 'expected step(b)');
  });

  it('Adam on a vector param: step(w) element by element', async () => {
    // u = w · x (a dot product), z = u + b, L = ½ (σ(z) − y)²: dL/dw_i = (s − y) s (1 − s) x_i.
    const x = [1, -2, 0.5],
      w = [0.3, 0.1, -0.4],
      b = 0.2,
      y = 1,
      eps = 0.05;
    const z = w.reduce((sum, wi, i) => sum + wi * x[i], b);
    const sv = 1 / (1 + Math.exp(-z));
    const gw = x.map((xi) => (sv - y) * sv * (1 - sv) * xi);
    const right = w.map((wi, i) => wi - (lr * gw[i]) / (Math.abs(gw[i]) + eps));
    const body = await post('/v1/grade', {
      neuron: { x, w, b, y },
      learningRate: lr,
      optimizer: { name: 'adam', eps },
      answers: { 'step(w)': right },
      tolerance: { rtol: 1e-9, atol: 0 },
    });
    expect(body.results[0]).toMatchObject({ correct: true, credit: 1 });
    (body.results[0].expected as number[]).forEach((e, i) => near(e, right[i], `expected step(w)[${i}]`));
    // One element off: a third of the credit gone.
    const oneOff = [...right];
    oneOff[1] += 0.01;
    const partial = await post('/v1/grade', {
      neuron: { x, w, b, y },
      learningRate: lr,
      optimizer: { name: 'adam', eps },
      answers: { 'step(w)': oneOff },
      tolerance: { rtol: 1e-9, atol: 0 },
    });
    expect(partial.results[0].correct).toBe(false);
    expect(partial.results[0].credit).toBeCloseTo(2 / 3, 12);
  });
});
