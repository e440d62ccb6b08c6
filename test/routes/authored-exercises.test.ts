import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { tutorialActivity } from '../../src/schemas/examples.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload, headers });

describe('POST /v1/exercises with an authored exercise', () => {
  it('answers the drawn problem, the statement, the keys, the expected answers and the solution', async () => {
    const res = await post('/v1/exercises', { exercise: tutorialActivity, seed: 42, locale: 'pt-BR' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.template).toBeUndefined();
    expect(body.answerKeys).toEqual(tutorialActivity.ask);
    const { x, w, b, y } = body.problem.neuron;
    expect([x, w, y]).toEqual([3, -0.2, 0]);
    // By hand: z = w·x + b, y_hat = tanh(z), L = ½(y_hat − y)², dL/dz = (y_hat − y)(1 − y_hat²), dL/dw = dL/dz·x.
    const z = w * x + b;
    const yHat = Math.tanh(z);
    const dz = (yHat - y) * (1 - yHat ** 2);
    expect(body.answers.z).toBeCloseTo(z, 12);
    expect(body.answers.L).toBeCloseTo(0.5 * (yHat - y) ** 2, 12);
    expect(body.answers['dL/dw']).toBeCloseTo(dz * x, 12);
    expect(body.answers['step(w)']).toBeCloseTo(w - 0.1 * dz * x, 12);
    expect(body.statement).toContain('taxa de aprendizado é `η = 0,1`');
    expect(body.solution).toContain('### Solução');
  });

  it('gives the same exercise for the same seed', async () => {
    const [a, b] = await Promise.all(
      [1, 2].map(() => post('/v1/exercises', { exercise: tutorialActivity, seed: 'aluno-7' })),
    );
    expect(a.json()).toEqual(b.json());
  });

  it('takes exactly one of template or exercise', async () => {
    const both = await post('/v1/exercises', { template: 'neuron-sigmoid', exercise: tutorialActivity, seed: 1 });
    expect(both.statusCode).toBe(400);
    const none = await post('/v1/exercises', { seed: 1 });
    expect(none.statusCode).toBe(400);
  });

  it('names a wrong authored field in the request language', async () => {
    const exercise = { ...tutorialActivity, neuron: { ...tutorialActivity.neuron, b: { min: 1, max: -1, step: 0.1 } } };
    const res = await post('/v1/exercises', { exercise, seed: 1 }, { 'accept-language': 'pt-BR' });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.errors).toEqual([{ path: 'exercise.neuron.b.min', message: 'min (1) é maior que max (-1)' }]);
  });

  it('names the constraint that failed most after MAX_DRAWS draws', async () => {
    const exercise = { ...tutorialActivity, constraints: { minLoss: 10 } };
    const res = await post('/v1/exercises', { exercise, seed: 1, locale: 'en' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('exercise.constraints.minLoss');
  });
});

describe('POST /v1/grade by reference', () => {
  it('grades an authored exercise and seed as the problem POST /v1/exercises gave', async () => {
    const generated = (await post('/v1/exercises', { exercise: tutorialActivity, seed: 9 })).json();
    const answers = { ...generated.answers, 'dL/dw': -generated.answers['dL/dw'] };
    const byRef = await post('/v1/grade', { exercise: tutorialActivity, seed: 9, answers });
    const direct = await post('/v1/grade', { ...generated.problem, answers });
    expect(byRef.statusCode, byRef.body).toBe(200);
    expect(byRef.json()).toEqual(direct.json());
    expect(byRef.json().correct).toBe(tutorialActivity.ask.length - 1);
  });

  it('grades a template and seed', async () => {
    const generated = (await post('/v1/exercises', { template: 'network-2-2-1', seed: 5 })).json();
    const byRef = await post('/v1/grade', {
      exercise: { template: 'network-2-2-1' },
      seed: 5,
      answers: generated.answers,
      format: 'gradescope',
    });
    expect(byRef.statusCode, byRef.body).toBe(200);
    expect(byRef.json().score).toBe(byRef.json().max_score);
  });

  it('refuses an exercise without its seed, or with a spec beside it', async () => {
    expect((await post('/v1/grade', { exercise: { template: 'neuron-sigmoid' }, answers: { u: 1 } })).statusCode).toBe(
      400,
    );
    const both = await post('/v1/grade', {
      exercise: { template: 'neuron-sigmoid' },
      seed: 1,
      neuron: { x: 1, w: 1, b: 0, y: 0 },
      answers: { u: 1 },
    });
    expect(both.statusCode).toBe(400);
  });

  it('names an unknown template at exercise.template', async () => {
    const res = await post('/v1/grade', { exercise: { template: 'nope' }, seed: 1, answers: { u: 1 } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('exercise.template');
  });
});
