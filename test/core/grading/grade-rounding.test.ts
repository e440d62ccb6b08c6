/**
 * The `rounding` diagnosis as a specification: an answer within one unit of its own last written
 * digit of the expected value, or right from the student's own rounded earlier answers. Expected
 * values come from the service's /v1/forward and /v1/gradients; the recomputations from rounded
 * answers are written out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

interface Result {
  key: string;
  expected: number;
  correct: boolean;
  diagnosis: string | null;
  feedback: string;
  followThrough: boolean;
  followedFrom: string[];
}

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };

async function grade(problem: object, answers: Record<string, unknown>, extra: object = {}, locale = 'en') {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/grade',
    payload: { ...problem, answers, ...extra },
    headers: { 'accept-language': locale },
  });
  expect(res.statusCode).toBe(200);
  const results: Result[] = res.json().results;
  return Object.fromEntries(results.map((r) => [r.key, r]));
}

async function solved(problem: object): Promise<{ values: Record<string, number>; gradients: Record<string, number> }> {
  const res = await app.inject({ method: 'POST', url: '/v1/gradients', payload: problem });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('POST /v1/grade: rounding to the last written digit', () => {
  let V: Record<string, number>, G: Record<string, number>;
  beforeAll(async () => {
    ({ values: V, gradients: G } = await solved(neuron));
  });

  it("catches the tutorial exercise's plainly rounded answers: 0.5, 0.3 and '0,11'", async () => {
    const r = await grade(neuron, { y_hat: 0.5, 'dL/dw': 0.3, 'dL/db': '0,11' });
    expect(r.y_hat).toMatchObject({ expected: V.y_hat, correct: false, diagnosis: 'rounding' });
    expect(r['dL/dw']).toMatchObject({ expected: G.w, correct: false, diagnosis: 'rounding' });
    expect(r['dL/db']).toMatchObject({ expected: G.b, correct: false, diagnosis: 'rounding' });
  });

  it('says which digit was rounded to and how many to keep, in both languages', async () => {
    const en = await grade(neuron, { y_hat: 0.5, 'dL/db': '0,11' });
    expect(en.y_hat.feedback).toBe(
      'y_hat: you rounded 0.450166 to 1 decimal place (0.5), too coarse for the tolerance. Keep more digits, in intermediate results too: 4 decimal places are enough here.',
    );
    expect(en['dL/db'].feedback).toContain('to 2 decimal places (0.11)');
    const pt = await grade(neuron, { y_hat: 0.5, 'dL/db': '0,11' }, {}, 'pt-BR');
    expect(pt.y_hat.feedback).toBe(
      'y_hat: você arredondou 0,450166 para 1 casa decimal (0,5), o que é grosseiro demais para a tolerância. Mantenha mais casas decimais, também nos resultados intermediários: 4 casas decimais bastam aqui.',
    );
    expect(pt['dL/db'].feedback).toContain('para 2 casas decimais (0,11)');
  });

  it('catches 2.7 for e (y = exp(x) at x = 1), and 3 as rounded to a whole number', async () => {
    const problem = { graph: { inputs: { x: 1 }, expr: 'y = exp(x)' } };
    const { values } = await solved(problem);
    const r = await grade(problem, { y: 2.7, 'dy/dx': 3 });
    expect(r.y).toMatchObject({ expected: values.y, correct: false, diagnosis: 'rounding' });
    expect(r['dy/dx']).toMatchObject({ correct: false, diagnosis: 'rounding' });
    expect(r['dy/dx'].feedback).toContain('a whole number');
  });

  it('does not call an answer rounding when its unit is as large as the value: 1 or 0 for 0.45', async () => {
    const r = await grade(neuron, { y_hat: 1, u: '-1' });
    expect(r.y_hat).toMatchObject({ correct: false, diagnosis: null }); // 0.45 rounds to 0, not 1
    expect((await grade(neuron, { y_hat: 0 })).y_hat).toMatchObject({ correct: false, diagnosis: null }); // 0 keeps nothing of it
    // Unless it is the value rounded to that unit: -0.6 rounds to -1.
    expect(r.u).toMatchObject({ correct: false, diagnosis: 'rounding' });
    expect(r.u.feedback).toContain('a whole number');
  });

  it('does not call an answer off by more than one unit of its last digit rounding', async () => {
    const r = await grade(neuron, { 'dL/dw': 0.5, y_hat: 0.47 });
    expect(r['dL/dw'].diagnosis).toBeNull(); // 0.5 for 0.334: 0.17 off, more than 0.1
    expect(r.y_hat.diagnosis).toBeNull(); // 0.47 for 0.4502: 0.02 off, more than 0.01
  });

  it('leaves a correct answer undiagnosed, however few its digits', async () => {
    const r = await grade(neuron, { y_hat: '0,4502', 'dL/dw': 0.3343 });
    expect(r.y_hat).toMatchObject({ correct: true, diagnosis: null, feedback: 'y_hat: correct.' });
    expect(r['dL/dw']).toMatchObject({ correct: true, diagnosis: null });
  });

  it('prefers a mistake that the answer rounds more closely: -0.33 for 0.334 is a sign error', async () => {
    const r = await grade(neuron, { 'dL/dw': -0.33, 'dL/dz': Number((2 * G.z).toFixed(2)) });
    expect(r['dL/dw'].diagnosis).toBe('sign_error');
    expect(r['dL/dz'].diagnosis).toBe('loss_factor'); // 0.22: the 2 kept twice, then rounded
  });
});

describe('POST /v1/grade: rounding carried from earlier answers', () => {
  // The student rounded y_hat to 0.45 and worked on from it:
  // dL/dz = (y_hat - y) · y_hat · (1 - y_hat) = 0.45 · 0.45 · 0.55 = 0.111375 (the true one is 0.1114235…).
  const fromRounded = 0.45 * 0.45 * 0.55;
  const tight = { tolerance: { rtol: 1e-4 } };

  it('diagnoses rounding when a step is right from an earlier answer that was accepted rounded', async () => {
    const { gradients: G } = await solved(neuron);
    const y_hat = { value: 0.45, tolerance: { decimals: 2 } }; // accepted at its own tolerance
    const r = await grade(neuron, { y_hat, 'dL/dz': fromRounded }, tight);
    expect(r.y_hat.correct).toBe(true);
    expect(r['dL/dz']).toMatchObject({ expected: G.z, correct: false, followThrough: false, diagnosis: 'rounding' });
    expect(r['dL/dz'].feedback).toContain('from your rounded earlier answer for y_hat');
    expect(r['dL/dz'].feedback).toContain('rounding early carried into it');
    const pt = await grade(neuron, { y_hat, 'dL/dz': fromRounded }, tight, 'pt-BR');
    expect(pt['dL/dz'].feedback).toContain('a partir da sua resposta anterior arredondada para y_hat');
    expect(pt['dL/dz'].feedback).toContain('o arredondamento feito cedo se propagou até aqui');
    // Without the rounded y_hat, nothing explains the same answer.
    expect((await grade(neuron, { 'dL/dz': fromRounded }, tight))['dL/dz'].diagnosis).toBeNull();
  });

  it('gives follow-through credit from a wrong rounded answer, and says that the rounding began there', async () => {
    // y_hat = 0.5 is a rounding (wrong); dL/dz = 0.5 · 0.5 · 0.5 = 0.125 follows from it.
    const r = await grade(neuron, { y_hat: 0.5, 'dL/dz': 0.125 });
    expect(r.y_hat.diagnosis).toBe('rounding');
    expect(r['dL/dz']).toMatchObject({ correct: true, followThrough: true, followedFrom: ['y_hat'], diagnosis: null });
    expect(r['dL/dz'].feedback).toContain('The error comes from rounding y_hat early');
    const pt = await grade(neuron, { y_hat: 0.5, 'dL/dz': 0.125 }, {}, 'pt-BR');
    expect(pt['dL/dz'].feedback).toContain('O erro vem do arredondamento precoce de y_hat');
  });

  it('diagnoses the same step rounding when follow-through is off', async () => {
    const r = await grade(neuron, { y_hat: 0.5, 'dL/dz': 0.125 }, { followThrough: false });
    expect(r['dL/dz']).toMatchObject({ correct: false, followThrough: false, diagnosis: 'rounding' });
    expect(r['dL/dz'].feedback).toContain('from your rounded earlier answer for y_hat');
  });
});

describe('GET /v1/ops', () => {
  it('defines rounding by the last written digit and by rounded earlier answers', async () => {
    const { diagnoses } = (await app.inject({ method: 'GET', url: '/v1/ops' })).json();
    const rounding = diagnoses.find((d: { code: string }) => d.code === 'rounding').definition as string;
    expect(rounding).toContain('within one unit of its own last written digit');
    expect(rounding).toContain('String(x)');
    expect(rounding).toContain("the value recomputed from the student's rounded earlier answers");
    expect(rounding).toContain('1 or 0 for 0.45 is not');
    expect(rounding).not.toContain('ten times looser');
  });
});
