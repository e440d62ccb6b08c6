import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const post = async (url: string, payload: object) => {
  const res = await app.inject({ method: 'POST', url, payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

const tutorial = { x: 3, w: -0.2, b: 0.4, y: 0 };

describe('POST /v1/forward', () => {
  it('lists values in the order inputs, params, nodes', async () => {
    const body = await post('/v1/forward', { neuron: tutorial });
    expect(Object.keys(body.values)).toEqual(['x', 'y', 'w', 'b', 'u', 'z', 'y_hat', 'L']);
    expect(body.output).toBe('L');
    expect(body.warnings).toEqual([]);
  });
  it('names generated ids of unnamed expr subexpressions and keeps named ones', async () => {
    const body = await post('/v1/forward', { graph: { inputs: { x: 2 }, expr: 'y = 3 * (x + 1)' } });
    expect(body.values).toEqual({ x: 2, _t1: 3, y: 9 });
  });
});

describe('POST /v1/gradients', () => {
  it('omits local derivatives when a value is not a scalar', async () => {
    const body = await post('/v1/gradients', { neuron: { x: [1, 2], w: [0.5, -0.5], b: 0, y: 1 } });
    expect(body.local).toBeUndefined();
    expect(body.gradients.w).toHaveLength(2);
  });
  it('gives an id used twice both contributions: d(x*x)/dx = 2x', async () => {
    const body = await post('/v1/gradients', {
      graph: { params: { x: 1.5 }, nodes: [{ id: 'y', op: 'mul', args: ['x', 'x'] }] },
    });
    expect(body.gradients.x).toBe(3);
    expect(body.local).toEqual([
      { of: 'y', wrt: 'x', arg: 0, value: 1.5 },
      { of: 'y', wrt: 'x', arg: 1, value: 1.5 },
    ]);
  });
  it('gives zero gradients to ids the output does not depend on', async () => {
    const body = await post('/v1/gradients', {
      graph: {
        params: { a: 1, b: 2 },
        nodes: [
          { id: 'unused', op: 'exp', args: ['b'] },
          { id: 'out', op: 'square', args: ['a'] },
        ],
      },
    });
    expect(body.gradients).toMatchObject({ a: 2, b: 0, unused: 0, out: 1 });
  });
  it('writes non-finite gradients as strings with a warning', async () => {
    const body = await post('/v1/gradients', {
      graph: { params: { a: 0 }, nodes: [{ id: 'r', op: 'sqrt', args: ['a'] }] },
    });
    expect(body.gradients.a).toBe('Infinity');
    expect(body.warnings).toContainEqual(expect.objectContaining({ code: 'non_finite_gradients', ids: ['a'] }));
  });
  it('reports each layer of a network with its gradients', async () => {
    const body = await post('/v1/gradients', {
      network: {
        x: [1, 2],
        y: [1],
        layers: [
          {
            W: [
              [0.1, 0.2],
              [0.3, 0.4],
            ],
            b: [0, 0],
          },
          { W: [[1, -1]], b: [0] },
        ],
      },
    });
    expect(body.layers).toHaveLength(2);
    expect(Object.keys(body.layers[1])).toEqual(['z', 'a', 'dL/da', 'dL/dz', 'dL/dW', 'dL/db']);
    expect(body.layers[0]['dL/dW']).toEqual(body.gradients.W1);
  });
});

describe('POST /v1/step', () => {
  it('takes one plain SGD step by default: w - lr * dL/dw', async () => {
    // By hand: z = 3w + b = -0.2, s = σ(z), L = ½s², dL/dz = s · s(1 − s), dL/dw = 3 · dL/dz, dL/db = dL/dz.
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    const s = sigmoid(-0.2);
    const dLdz = s * s * (1 - s);
    const w = -0.2 - 0.1 * 3 * dLdz;
    const b = 0.4 - 0.1 * dLdz;
    const body = await post('/v1/step', { neuron: tutorial, learningRate: 0.1 });
    expect(body.params.w).toBeCloseTo(w, 14);
    expect(body.params.b).toBeCloseTo(b, 14);
    expect(body.history).toHaveLength(1);
    expect(body.history[0]).toBeCloseTo(0.5 * s * s, 14);
    expect(body.loss.before).toBeCloseTo(0.5 * s * s, 14);
    expect(body.loss.after).toBeCloseTo(0.5 * sigmoid(3 * w + b) ** 2, 14);
  });
  it('warns when the update diverges', async () => {
    const body = await post('/v1/step', {
      graph: { params: { a: 2 }, expr: 'l = exp(a * a)' },
      learningRate: 1e6,
      steps: 3,
    });
    expect(body.warnings).toContainEqual(expect.objectContaining({ code: 'non_finite_values' }));
  });
});

describe('POST /v1/gradcheck', () => {
  it('flags a relu kink inside epsilon and explains the failure', async () => {
    const body = await post('/v1/gradcheck', { neuron: { x: 2, w: 0.5, b: -1, y: 1, activation: 'relu' } });
    expect(body.pass).toBe(false);
    // z = w·x + b = 0 exactly: both params' differences cross the kink.
    expect(body.results.map((r: { id: string }) => r.id)).toEqual(['w', 'b']);
    for (const r of body.results) {
      expect(r.kinks).toEqual(['y_hat']);
      expect(r.note).toMatch(/kink/);
    }
    expect(body.warnings).toContainEqual(expect.objectContaining({ code: 'kink', ids: ['y_hat'] }));
  });
  it('explains the kink in Portuguese with Accept-Language: pt-BR', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/gradcheck',
      payload: { neuron: { x: 2, w: 0.5, b: -1, y: 1, activation: 'relu' } },
      headers: { 'accept-language': 'pt-BR' },
    });
    expect(res.json().results).toHaveLength(2);
    expect(res.json().results[0].note).toMatch(/^falha porque .*ponto de quebra/);
  });

  it('does not flag a relu whose input stays on one side', async () => {
    const body = await post('/v1/gradcheck', { neuron: { x: 2, w: 0.5, b: -0.5, y: 1, activation: 'relu' } });
    expect(body.pass).toBe(true);
    expect(body.results.map((r: { id: string }) => r.id)).toEqual(['w', 'b']);
    expect(body.results.every((r: { kinks: string[] }) => r.kinks.length === 0)).toBe(true);
    expect(body.warnings).toEqual([]);
  });
  it('checks every element of a matrix param with its index', async () => {
    const body = await post('/v1/gradcheck', {
      graph: {
        params: {
          W: [
            [1, 2],
            [3, 4],
          ],
        },
        expr: 'l = sum(tanh(W))',
      },
    });
    expect(body.results.map((r: { index: number[] }) => r.index)).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(body).toMatchObject({ pass: true, epsilon: 1e-4, rtol: 1e-3, atol: 1e-5 });
  });
});

describe('GET /v1/ops', () => {
  it('lists every op of the contract with its formula and derivative', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/ops' });
    const names = res.json().ops.map((o: { name: string }) => o.name);
    const contract =
      'add sub mul div pow neg exp log sqrt abs square sin cos tanh sigmoid relu softplus identity leaky_relu sum mean matmul transpose linear softmax log_softmax half_squared_error mse bce bce_with_logits softmax_cross_entropy' +
      ' conv2d max_pool2d avg_pool2d batch_norm layer_norm dropout embedding flatten slice concat';
    expect(names.sort()).toEqual(contract.split(' ').sort());
    for (const op of res.json().ops) {
      expect(op.formula.length).toBeGreaterThan(0);
      expect(op.derivative.length).toBeGreaterThan(0);
    }
    expect(res.json().diagnoses.map((d: { code: string }) => d.code)).toEqual([
      'sign_error',
      'missing_activation_derivative',
      'activation_instead_of_derivative',
      'missing_input_factor',
      'loss_factor',
      'update_wrong_direction',
      'missing_dropout_scale',
      'pool_gradient_to_window',
      'transposed',
      'rounding',
      'unparseable',
      'not_finite',
    ]);
    expect(res.json().ops.find((o: { name: string }) => o.name === 'leaky_relu').attrs).toEqual([
      { name: 'alpha', default: 0.01, description: expect.any(String) },
    ]);
  });
});

describe('health and request ids', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
  it('turns /readyz to 503 when shutting down', async () => {
    const closing = await buildTestApp({ isReady: () => false });
    expect((await closing.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    await closing.close();
  });
  it("echoes the caller's X-Request-Id and makes one otherwise", async () => {
    const given = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'lms-123' } });
    expect(given.headers['x-request-id']).toBe('lms-123');
    const made = await app.inject({ method: 'GET', url: '/healthz' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
