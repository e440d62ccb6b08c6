/**
 * The default limits bound what a request may cost, hold in memory and carry back, before any
 * computing: a 10 kB expr that broadcasts [1, 1000] + [1000, 1] and multiplies the result 27
 * times would hold 28 million elements; with 12 multiplications it fits in memory but makes a
 * response of 13 million numbers, or too much work. Each is a 413 that names the limit and says
 * how to ask for less; asking for less then works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const n = 1000;
const a = [Array.from({ length: n }, (_, i) => (i % 4) / 4)];
const b = Array.from({ length: n }, (_, i) => [(i % 8) / 8]);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** o0 = a + b (a [1000, 1000] broadcast), then o_k = o_(k-1) * w, `repeats` times; L = mean(o_last). */
function broadcast(repeats: number) {
  const lines = [
    'o0 = a + b',
    ...Array.from({ length: repeats }, (_, k) => `o${k + 1} = o${k} * w`),
    `L = mean(o${repeats})`,
  ];
  return { graph: { inputs: { a, b }, params: { w: 0.9 }, expr: lines.join('; ') } };
}

const post = (url: string, body: unknown) => app.inject({ method: 'POST', url, payload: body as object });

async function tooLarge(url: string, body: unknown) {
  const res = await post(url, body);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(413);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = res.json();
  expect(p).toMatchObject({ status: 413, code: 'TOO_LARGE' });
  return p as { detail: string };
}

describe('413 before computing, on every route', () => {
  const big = broadcast(27);

  it('is about 10 kB of request', () => {
    expect(JSON.stringify(big).length).toBeLessThan(16_000);
  });

  it.each([
    ['/v1/forward', big],
    ['/v1/gradients', big],
    ['/v1/step', { ...big, learningRate: 0.1 }],
    ['/v1/gradcheck', big],
    ['/v1/grade', { ...big, answers: { L: 1 } }],
  ])('%s: 28 tensors of a million elements would not fit in memory', async (url, body) => {
    const p = await tooLarge(url, body);
    expect(p.detail).toContain('MAX_TOTAL_ELEMENTS');
    // a, b, w and L, and 28 tensors of a million elements
    expect(p.detail).toContain('28002002 elements');
  });

  // 12 multiplications: 13 million elements in all, within MAX_TOTAL_ELEMENTS.
  const mid = broadcast(12);

  it('/v1/forward: the response would be too large; include asks for less', async () => {
    const p = await tooLarge('/v1/forward', mid);
    expect(p.detail).toContain('MAX_RESPONSE_VALUES');
    expect(p.detail).toContain('`include`');
    expect(p.detail).toContain('13002002 numbers');
  });

  it('/v1/gradients: values and gradients would be twice as many', async () => {
    const p = await tooLarge('/v1/gradients', mid);
    expect(p.detail).toContain('MAX_RESPONSE_VALUES');
    expect(p.detail).toContain('26004004 numbers');
  });

  it('/v1/step: too much work (a forward and a backward pass per step, then one more)', async () => {
    const p = await tooLarge('/v1/step', { ...mid, learningRate: 0.1, steps: 4 });
    expect(p.detail).toContain('MAX_WORK');
    expect(p.detail).toContain('fewer steps');
  });

  it('/v1/gradcheck: too much work; a narrower wrt checks fewer elements', async () => {
    const p = await tooLarge('/v1/gradcheck', { ...mid, wrt: ['a'] });
    expect(p.detail).toContain('MAX_WORK');
    expect(p.detail).toContain('`wrt`');
  });

  it('/v1/grade: too much work', async () => {
    const p = await tooLarge('/v1/grade', { ...mid, answers: { L: 1 } });
    expect(p.detail).toContain('MAX_WORK');
  });

  it('/v1/forward with include: still over the limit when the ids asked for hold more than it', async () => {
    const p = await tooLarge('/v1/forward', { ...mid, include: ['L', 'o12'] });
    expect(p.detail).toContain('1000001 numbers');
  });

  it('refuses an include that names no id', async () => {
    const res = await post('/v1/forward', { ...broadcast(3), include: ['L', 'nope'] });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('include[1]');
  });
});

describe('asking for less', () => {
  // L = mean over i, j of (a_j + b_i) * w^3 = w^3 (mean(a) + mean(b)); dL/dw = 3 w^2 (mean(a) + mean(b)).
  const w = 0.9;
  const m = mean(a[0]) + mean(b.map((r) => r[0]));

  it('/v1/forward reports only the ids in include', async () => {
    expect((await post('/v1/forward', broadcast(3))).statusCode).toBe(413);
    const res = await post('/v1/forward', { ...broadcast(3), include: ['L', 'w'] });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body.values)).toEqual(['L', 'w']);
    expect(body.values.L).toBeCloseTo(w ** 3 * m, 10);
  });

  it('/v1/gradients reports only the ids in include', async () => {
    const res = await post('/v1/gradients', { ...broadcast(3), include: ['L', 'w'] });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body.gradients)).toEqual(['L', 'w']);
    expect(body.gradients.w).toBeCloseTo(3 * w ** 2 * m, 10);
    expect(body.layers).toBeUndefined();
  });

  it('/v1/gradients on a scalar graph: local lists the derivatives of the included nodes only', async () => {
    const res = await post('/v1/gradients', { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 }, include: ['L', 'w', 'b'] });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body.values)).toEqual(['L', 'w', 'b']);
    // L = 0.5 (y_hat - y)^2: dL/dy_hat = y_hat - y, dL/dy = y - y_hat
    const yHat = 1 / (1 + Math.exp(0.2));
    expect(body.local.map((d: { of: string; wrt: string; arg: number }) => [d.of, d.wrt, d.arg])).toEqual([
      ['L', 'y_hat', 0],
      ['L', 'y', 1],
    ]);
    expect(body.local[0].value).toBeCloseTo(yHat, 14);
    expect(body.local[1].value).toBeCloseTo(-yHat, 14);
  });
});
