import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateIds } from '../../../src/core/exercises/index.js';
import { buildTestApp } from '../../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const post = (payload: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/exercises', payload, headers });

describe('GET /v1/exercises/templates', () => {
  it('lists every template with its title and description in en and pt-BR, and its answer keys', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/exercises/templates' });
    expect(res.statusCode).toBe(200);
    const { templates } = res.json();
    expect(templates.map((t: { id: string }) => t.id)).toEqual(templateIds);
    expect(templates[0]).toEqual({
      id: 'neuron-sigmoid',
      title: { en: expect.any(String), 'pt-BR': expect.any(String) },
      description: { en: expect.any(String), 'pt-BR': expect.any(String) },
      answerKeys: ['u', 'z', 'y_hat', 'L', 'dL/dy_hat', 'dy_hat/dz', 'dL/dz', 'dL/dw', 'dL/db', 'step(w)', 'step(b)'],
    });
  });
});

describe('POST /v1/exercises', () => {
  it('gives the statement, the problem to grade, the expected answers and the worked solution', async () => {
    const res = await post({ template: 'neuron-sigmoid', seed: 42 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual([
      'template',
      'seed',
      'locale',
      'statement',
      'problem',
      'answerKeys',
      'answers',
      'solution',
    ]);
    expect(body).toMatchObject({
      template: 'neuron-sigmoid',
      seed: 42,
      locale: 'en',
      problem: { neuron: { activation: 'sigmoid' }, learningRate: expect.any(Number) },
    });
    expect(Object.keys(body.answers)).toEqual(body.answerKeys);
    expect(body.statement).toContain('`dL/dw`');
    expect(body.solution).toContain('dL/dz = dL/dy_hat · dy_hat/dz');
  });

  it('gives byte-identical bodies for the same template and seed, and other numbers for another seed', async () => {
    const [a, b, c] = await Promise.all([
      post({ template: 'network-2-2-1', seed: 9 }),
      post({ template: 'network-2-2-1', seed: 9 }),
      post({ template: 'network-2-2-1', seed: 10 }),
    ]);
    expect(a.body).toBe(b.body);
    expect(c.json().problem).not.toEqual(a.json().problem);
  });

  it('gives the problem that /v1/gradients evaluates to the same answers', async () => {
    const exercise = (await post({ template: 'neuron-tanh', seed: 5 })).json();
    const { learningRate: _, ...spec } = exercise.problem;
    const res = await app.inject({ method: 'POST', url: '/v1/gradients', payload: spec });
    expect(res.statusCode, res.body).toBe(200);
    const { values, gradients } = res.json();
    expect(values.L).toBe(exercise.answers.L);
    expect(gradients.w).toBe(exercise.answers['dL/dw']);
  });

  it.each(templateIds)('%s: its problem and its own answers get full marks at POST /v1/grade', async (template) => {
    for (const seed of [0, 1, 2]) {
      const exercise = (await post({ template, seed })).json();
      const res = await app.inject({
        method: 'POST',
        url: '/v1/grade',
        payload: { ...exercise.problem, answers: exercise.answers },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ score: 1, total: exercise.answerKeys.length });
    }
  });

  it('writes Portuguese when asked in the body', async () => {
    const body = (await post({ template: 'neuron-relu', seed: 3, locale: 'pt-BR' })).json();
    expect(body.locale).toBe('pt-BR');
    expect(body.statement).toContain('Calcule');
    expect(body.solution).toContain('Solução');
  });

  it('writes Portuguese when Accept-Language starts with pt, and English otherwise', async () => {
    expect(
      (await post({ template: 'neuron-relu', seed: 3 }, { 'accept-language': 'pt-BR,pt;q=0.9,en;q=0.8' })).json()
        .locale,
    ).toBe('pt-BR');
    expect((await post({ template: 'neuron-relu', seed: 3 }, { 'accept-language': 'pt' })).json().locale).toBe('pt-BR');
    expect(
      (await post({ template: 'neuron-relu', seed: 3 }, { 'accept-language': 'en-US,pt;q=0.9' })).json().locale,
    ).toBe('en');
    expect(
      (await post({ template: 'neuron-relu', seed: 3, locale: 'en' }, { 'accept-language': 'pt-BR' })).json().locale,
    ).toBe('en');
  });

  it('answers an unknown template with a 422 problem naming `template` and the known ids', async () => {
    const res = await post({ template: 'neuron-sigmod', seed: 1 });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const p = res.json();
    expect(p).toMatchObject({
      code: 'INVALID_SPEC',
      status: 422,
      errors: [{ path: 'template', message: expect.stringContaining('neuron-sigmoid') }],
    });
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['an empty string', ''],
    ['a 129-character string', 's'.repeat(129)],
    ['a boolean', true],
  ])('refuses a %s seed with a 400 naming `seed`', async (_, seed) => {
    const res = await post({ template: 'neuron-sigmoid', seed });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION', errors: [{ path: 'seed' }] });
  });

  it('refuses a missing seed, an unknown locale and unknown fields with a 400', async () => {
    expect((await post({ template: 'neuron-sigmoid' })).statusCode).toBe(400);
    expect((await post({ template: 'neuron-sigmoid', seed: 1, locale: 'fr' })).json()).toMatchObject({
      errors: [{ path: 'locale' }],
    });
    expect((await post({ template: 'neuron-sigmoid', seed: 1, difficulty: 'hard' })).statusCode).toBe(400);
  });

  it('is documented with prefilled examples', async () => {
    const doc = app.swagger() as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { examples?: object }> } }>>;
    };
    expect(Object.keys(doc.paths['/v1/exercises'].post.requestBody!.content['application/json'].examples!)).toContain(
      'neuron',
    );
    expect(doc.paths['/v1/exercises/templates'].get).toBeDefined();
  });
});
