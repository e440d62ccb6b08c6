/**
 * An authored exercise can be large (10,000 drawn numbers) and redrawn up to MAX_DRAWS (200) times
 * for its constraints: hundreds of milliseconds. Its drawing is then done on a worker thread, for
 * POST /v1/exercises, for grading it by reference (POST /v1/grade, where drawing is part of
 * preparing the body) and for exporting it, never on the event loop; a small one stays inline. The
 * answers are the same wherever they were computed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { authoredDrawWork } from '../../src/core/exercises/authored/work.js';
import { tutorialActivity } from '../../src/schemas/examples.js';
import { buildTestApp } from '../support/app.js';
import { LogLines } from '../support/log-lines.js';

const random = (shape: number[]) => ({ shape, min: -1, max: 1, decimals: 2 });

/** A 8 → 32 → 1 network on a batch of 64, its loss kept above a floor: about 3 ms a draw. */
const large = {
  network: {
    x: random([64, 8]),
    y: { shape: [64, 1], min: 0, max: 1, decimals: 1 },
    layers: [
      { activation: 'tanh', W: random([32, 8]), b: random([32]) },
      { activation: 'sigmoid', W: random([1, 32]), b: random([1]) },
    ],
    loss: 'mse',
  },
  constraints: { minLoss: 0.01 },
  ask: ['L', 'dL/dW2'],
};

describe('authored exercises drawn on a worker thread when drawing them is long', () => {
  let app: App;
  let inline: App;
  const logs = new LogLines();
  const worked = () => logs.count((l) => l.msg === 'computing on a worker');

  beforeAll(async () => {
    app = await buildTestApp({ logger: { level: 'info', stream: logs.stream } });
    inline = await buildTestApp({ pool: false });
  });
  afterAll(async () => {
    await app.close();
    await inline.close();
  });

  const post = (target: App, url: string, payload: object) =>
    target.inject({ method: 'POST', url, payload, headers: { 'accept-language': 'pt-BR' } });

  it('estimates the large exercise above OFFLOAD_WORK (300,000) at its worst, the tutorial below it without constraints', () => {
    expect(authoredDrawWork(large as never)).toBeGreaterThan(300_000);
    const { constraints: _, ...unconstrained } = tutorialActivity;
    expect(authoredDrawWork(unconstrained as never)).toBeLessThan(300_000);
  });

  it('POST /v1/exercises: the large one on a worker, with the same exercise as computed inline', async () => {
    const before = worked();
    const there = await post(app, '/v1/exercises', { exercise: large, seed: 7, locale: 'en' });
    expect(there.statusCode, there.body).toBe(200);
    expect(worked()).toBe(before + 1);
    expect(there.headers['content-language']).toBe('en');
    const here = await post(inline, '/v1/exercises', { exercise: large, seed: 7, locale: 'en' });
    expect(there.json()).toEqual(here.json());
    const { constraints: _, ...small } = tutorialActivity;
    expect((await post(app, '/v1/exercises', { exercise: small, seed: 7 })).statusCode).toBe(200);
    expect(worked()).toBe(before + 1);
  });

  it('POST /v1/grade by reference: the large one drawn and graded on a worker, as inline', async () => {
    const body = { exercise: large, seed: 'aluno-3', answers: { L: 0.1 } };
    const before = worked();
    const there = await post(app, '/v1/grade', body);
    expect(there.statusCode, there.body).toBe(200);
    expect(worked()).toBe(before + 1);
    expect(there.json()).toEqual((await post(inline, '/v1/grade', body)).json());
  });

  it('a constraint no draw meets is the same 422, in the request language, from the worker', async () => {
    const never = { ...large, constraints: { minLoss: 1e9 } };
    const before = worked();
    for (const [url, body] of [
      ['/v1/exercises', { exercise: never, seed: 1 }],
      ['/v1/grade', { exercise: never, seed: 1, answers: { L: 0.1 } }],
    ] as const) {
      const res = await post(app, url, body);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ errors: [{ path: 'exercise.constraints.minLoss' }] });
      expect(res.json().detail).toContain('nenhuma variante em 200 sorteios');
    }
    expect(worked()).toBe(before + 2);
  });
});
