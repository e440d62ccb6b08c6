/**
 * MAX_RESPONSE_BYTES bounds every response. 85 bytes of /v1/step once asked for a million steps
 * and got 22.7 MB of history, and a broadcast on /v1/forward answered 2,357 times its body: now
 * `steps` has a bound, the history can be asked for in part or not at all, a response whose size
 * follows from the request is refused before computing, and any other body over the limit (here a
 * gradcheck's kinks, computed on a worker) is replaced by the 413 instead of being sent. Each 413
 * names MAX_RESPONSE_BYTES and says how to ask for less.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/engine/limits.js';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const apps: App[] = [];
const build = async (options: Parameters<typeof buildTestApp>[0] = {}): Promise<App> => {
  const app = await buildTestApp(options);
  apps.push(app);
  return app;
};
afterAll(() => Promise.all(apps.map((app) => app.close())));

let app: App;
beforeAll(async () => {
  app = await build();
});

const post = (to: App, url: string, body: unknown, headers: Record<string, string> = {}) =>
  to.inject({ method: 'POST', url, payload: body as object, headers });

const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };

/**
 * SGD on the tutorial's neuron by hand: z = w x + b, y_hat = sigmoid(z), L = ½ (y_hat − y)²,
 * dL/dz = (y_hat − y) · y_hat (1 − y_hat), dL/dw = dL/dz · x, dL/db = dL/dz.
 */
function sgdByHand(steps: number, lr: number) {
  let { w, b } = neuron;
  const { x, y } = neuron;
  const loss = () => 0.5 * (1 / (1 + Math.exp(-(w * x + b))) - y) ** 2;
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    losses.push(loss());
    const yHat = 1 / (1 + Math.exp(-(w * x + b)));
    const dz = (yHat - y) * yHat * (1 - yHat);
    w -= lr * dz * x;
    b -= lr * dz;
  }
  return { w, b, losses, after: loss() };
}

function expectTooLarge(
  res: { statusCode: number; headers: Record<string, unknown>; body: string; json: () => unknown },
  askForLess: string,
) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(413);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = res.json() as { code: string; detail: string };
  expect(p.code).toBe('TOO_LARGE');
  expect(p.detail).toContain('MAX_RESPONSE_BYTES');
  expect(p.detail).toContain(askForLess);
  return p;
}

describe('POST /v1/step: steps and history', () => {
  it('refuses the 85-byte request for 999990 steps (400, steps is at most 100000)', async () => {
    const body = { neuron, learningRate: 0.1, steps: 999990 };
    expect(JSON.stringify(body).length).toBeLessThan(90);
    const res = await post(app, '/v1/step', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('steps');
    expect(res.json().detail).toContain('100000');
  });

  it('runs 100000 steps without a history, as SGD by hand', async () => {
    const res = await post(app, '/v1/step', { neuron, learningRate: 0.1, steps: 100_000, history: 'none' });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const body = res.json();
    expect(body).not.toHaveProperty('history');
    expect(body.historyEvery).toBeUndefined();
    expect(res.body.length).toBeLessThan(400);
    const hand = sgdByHand(100_000, 0.1);
    expect(body.loss.before).toBeCloseTo(hand.losses[0], 15);
    expect(body.loss.after).toBeCloseTo(hand.after, 12);
    expect(body.params.w).toBeCloseTo(hand.w, 9);
    expect(body.params.b).toBeCloseTo(hand.b, 9);
  });

  it('"all" (the default) keeps the loss before each step; {every: 3} the loss before steps 0, 3, 6, 9; "none" none', async () => {
    const hand = sgdByHand(10, 0.1);
    const [byDefault, all, every3, every1, none] = await Promise.all(
      [undefined, 'all', { every: 3 }, { every: 1 }, 'none'].map((history) =>
        post(app, '/v1/step', { neuron, learningRate: 0.1, steps: 10, history }),
      ),
    );
    for (const res of [byDefault, all, every3, every1, none]) {
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.json().params.w).toBeCloseTo(hand.w, 14);
      expect(res.json().params.b).toBeCloseTo(hand.b, 14);
      expect(res.json().loss.before).toBeCloseTo(hand.losses[0], 15);
      expect(res.json().loss.after).toBeCloseTo(hand.after, 14);
    }
    expect(byDefault.json().history).toHaveLength(10);
    byDefault.json().history.forEach((l: number, t: number) => expect(l).toBeCloseTo(hand.losses[t], 14));
    expect(all.json().history).toEqual(byDefault.json().history);
    expect(every1.json().history).toEqual(byDefault.json().history);
    expect(every1.json()).not.toHaveProperty('historyEvery');
    expect(every3.json().historyEvery).toBe(3);
    expect(every3.json().history).toHaveLength(4);
    every3.json().history.forEach((l: number, i: number) => expect(l).toBeCloseTo(hand.losses[3 * i], 14));
    expect(none.json()).not.toHaveProperty('history');
  });

  it('{every: k} larger than steps keeps the first loss only', async () => {
    const res = await post(app, '/v1/step', { neuron, learningRate: 0.1, steps: 5, history: { every: 1000 } });
    expect(res.json().history).toHaveLength(1);
    expect(res.json().history[0]).toBeCloseTo(sgdByHand(1, 0.1).losses[0], 15);
  });

  it('refuses a history over MAX_RESPONSE_BYTES before computing, and suggests `history`; asking for part of it works', async () => {
    const small = await build({ limits: { ...DEFAULT_LIMITS, maxResponseBytes: 64 * 1024 } });
    // 10000 losses of up to 26 bytes each: about 260 kB.
    const p = expectTooLarge(await post(small, '/v1/step', { neuron, learningRate: 0.1, steps: 10_000 }), '`"history"');
    expect(p.detail).toMatch(/about \d+ bytes/);
    const pt = await post(
      small,
      '/v1/step',
      { neuron, learningRate: 0.1, steps: 10_000 },
      { 'accept-language': 'pt-BR' },
    );
    expect(pt.json().detail).toContain('histórico de perdas');

    const hand = sgdByHand(10_000, 0.1);
    const part = await post(small, '/v1/step', { neuron, learningRate: 0.1, steps: 10_000, history: { every: 100 } });
    expect(part.statusCode).toBe(200);
    expect(part.json().historyEvery).toBe(100);
    expect(part.json().history).toHaveLength(100);
    part.json().history.forEach((l: number, i: number) => expect(l).toBeCloseTo(hand.losses[100 * i], 12));
    const none = await post(small, '/v1/step', { neuron, learningRate: 0.1, steps: 10_000, history: 'none' });
    expect(none.statusCode).toBe(200);
    expect(none.json().loss.after).toBeCloseTo(hand.after, 12);
  });

  it.each([[{ every: 0 }], [{ every: 1.5 }], ['some'], [{ every: 2, from: 1 }]])(
    'refuses history %j (400 naming history)',
    async (history) => {
      const res = await post(app, '/v1/step', { neuron, learningRate: 0.1, steps: 3, history });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toMatch(/^history/);
    },
  );
});

describe('POST /v1/forward: a broadcast over MAX_RESPONSE_BYTES', () => {
  // s = a + b broadcasts [1, 700] and [700, 1] to [700, 700]: 490000 numbers, under
  // MAX_RESPONSE_VALUES (1000000) but about 12.7 MB at 26 bytes each, from a 10 kB body.
  const n = 700;
  const a = [Array.from({ length: n }, (_, i) => ((i % 10) + 1) / 10)];
  const b = Array.from({ length: n }, (_, i) => [(i % 5) / 5]);
  const spec = { graph: { inputs: { a, b }, params: { w: 2 }, expr: 's = a + b; o = s * w; L = mean(o)' } };

  it('is a 413 before computing that names MAX_RESPONSE_BYTES and `include`', async () => {
    expect(JSON.stringify(spec).length).toBeLessThan(12_000);
    const res = await post(app, '/v1/forward', spec);
    const p = expectTooLarge(res, '`include`');
    expect(p.detail).not.toContain('MAX_RESPONSE_VALUES');
    expect(res.body.length).toBeLessThan(2_000);
  });

  it('answers the ids asked for with include', async () => {
    const res = await post(app, '/v1/forward', { ...spec, include: ['L', 'w'] });
    expect(res.statusCode).toBe(200);
    // mean over i, j of (a_j + b_i) · w = w · (mean(a) + mean(b)) = 2 · (0.55 + 0.4)
    expect(res.json().values.L).toBeCloseTo(1.9, 12);
  });
});

describe('an answer over MAX_RESPONSE_BYTES whose size the request decides is refused before computing', () => {
  // 300 nodes with long ids, each log(m) of m = -1: NaN values and gradients, which the warnings
  // name, twice each. Every answer below is over 16 KiB; the estimate must see it (413 "about N
  // bytes", decided before computing) rather than the backstop measuring it once computed.
  const ids = Array.from({ length: 300 }, (_, k) => `a_node_with_a_long_descriptive_name_${k}`);
  const nan = {
    graph: {
      inputs: { m: -1 },
      params: { w: 0.5 },
      expr: [...ids.map((id) => `${id} = log(m) * w`), `L = ${ids.join(' + ')}`].join('; '),
    },
  };
  const vector = {
    graph: {
      inputs: { x: Array.from({ length: 1000 }, (_, i) => Math.sin(i)) },
      params: { v: Array.from({ length: 1000 }, (_, i) => Math.cos(i)) },
      expr: 'L = mean(x * v)',
    },
  };
  const tutorial = { neuron, learningRate: 0.1 };
  const cases: [string, string, object, string][] = [
    ['forward, NaN everywhere', '/v1/forward', nan, '`include`'],
    ['gradients, NaN everywhere', '/v1/gradients', nan, '`include`'],
    ['gradients of a vector param', '/v1/gradients', vector, '`include`'],
    ['step with 1000 losses', '/v1/step', { ...tutorial, steps: 1000 }, '`"history"'],
    ['step of a vector param', '/v1/step', { ...vector, learningRate: 0.1 }, '`"history"'],
    ['gradcheck of 1000 elements', '/v1/gradcheck', vector, '`wrt`'],
    [
      'grade of 150 answers, for Gradescope',
      '/v1/grade',
      { ...nan, answers: Object.fromEntries(ids.slice(0, 150).map((id) => [id, '0,5'])), format: 'gradescope' },
      'fewer answers',
    ],
  ];

  let small: App;
  beforeAll(async () => {
    small = await build({ limits: { ...DEFAULT_LIMITS, maxResponseBytes: 16 * 1024 } });
  });

  it.each(cases)('%s', async (_, url, body, askForLess) => {
    for (const language of ['en', 'pt-BR']) {
      const whole = await post(app, url, body, { 'accept-language': language });
      expect(whole.statusCode, whole.body.slice(0, 300)).toBe(200);
      expect(Buffer.byteLength(whole.body)).toBeGreaterThan(16 * 1024);
      const refused = await post(small, url, body);
      const p = expectTooLarge(refused, askForLess);
      expect(p.detail).toMatch(/would be about \d+ bytes/);
    }
  });
});

describe('the backstop: a body over MAX_RESPONSE_BYTES that the request did not decide', () => {
  // w = 0: each r_k = relu(w) straddles its kink when w moves by ±epsilon, so the one result of
  // the check lists all 300 nodes in `kinks`, and the warning lists them twice more: about 40 kB.
  const ids = Array.from({ length: 300 }, (_, k) => `relu_node_with_a_rather_long_name_${k}`);
  const expr = [...ids.map((id) => `${id} = relu(w)`), `L = ${ids.join(' + ')}`].join('; ');
  const spec = { graph: { inputs: {}, params: { w: 0 }, expr } };

  it('within the limit, the kinks are all there', async () => {
    const res = await post(app, '/v1/gradcheck', spec);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json().results[0].kinks).toHaveLength(300);
    expect(Buffer.byteLength(res.body)).toBeGreaterThan(32 * 1024);
  });

  it('computed on a worker and over the limit, is replaced by the 413, which says how to ask for less', async () => {
    const small = await build({ offloadWork: 0, limits: { ...DEFAULT_LIMITS, maxResponseBytes: 32 * 1024 } });
    const res = await post(small, '/v1/gradcheck', spec);
    const p = expectTooLarge(res, '`wrt`');
    // Measured, not estimated.
    expect(p.detail).toMatch(/would be \d+ bytes, more than the limit of 32768/);
    expect(res.body.length).toBeLessThan(2_000);
    expect(res.headers['x-request-id']).toBeDefined();
    const pt = await post(small, '/v1/gradcheck', spec, { 'accept-language': 'pt-BR' });
    expect(pt.statusCode).toBe(413);
    expect(pt.json().detail).toContain('mais que o limite de 32768 (MAX_RESPONSE_BYTES)');
    expect(pt.headers['content-language']).toBe('pt-BR');
  });

  it('the 413 is counted in /metrics', async () => {
    const small = await build({ offloadWork: 0, limits: { ...DEFAULT_LIMITS, maxResponseBytes: 32 * 1024 } });
    await post(small, '/v1/gradcheck', spec);
    const metrics = await small.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/code="TOO_LARGE",status="413"\} 1/);
  });

  it('leaves the documentation whole', async () => {
    const small = await build({ limits: { ...DEFAULT_LIMITS, maxResponseBytes: 1024 } });
    const res = await small.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toBe('3.1.0');
  });
});
