/**
 * Seeds of POST /v1/exercises: a number, as before, or a string such as a student id, which stands
 * for the first 32 bits (big-endian) of the SHA-256 of its UTF-8 bytes (docs/api.md §4). The
 * expected numbers below come from outside the code under test: the hashes from Python's hashlib
 * (`int.from_bytes(hashlib.sha256(s.encode()).digest()[:4], 'big')`), the problems from the
 * service as it was before string seeds (so numeric seeds keep their exercises exactly).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
let app: App;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const post = (body: unknown) => app.inject({ method: 'POST', url: '/v1/exercises', payload: body as object });

/** Problems the service drew before string seeds existed. */
const BEFORE = {
  'neuron-sigmoid/42': {
    neuron: { x: 1.4, w: -0.92, b: -0.8, y: 0.5, activation: 'sigmoid', loss: 'half_squared_error' },
    learningRate: 0.05,
  },
  'network-2-2-1/7': {
    network: {
      x: [1.8, 0.4],
      y: [0],
      loss: 'mse',
      layers: [
        {
          W: [
            [0.8, -0.2],
            [-0.2, 0.4],
          ],
          b: [-0.5, -0.2],
          activation: 'relu',
        },
        { W: [[-1, -0.7]], b: [-0.3], activation: 'sigmoid' },
      ],
    },
    learningRate: 0.1,
  },
  'neuron-sigmoid/1099511627779': {
    neuron: { x: 2.8, w: 0.2, b: 0.5, y: 0.6, activation: 'sigmoid', loss: 'half_squared_error' },
    learningRate: 0.05,
  },
  'neuron-sigmoid/3095339476': {
    neuron: { x: 0.8, w: -0.21, b: 0.6, y: 0.5, activation: 'sigmoid', loss: 'half_squared_error' },
    learningRate: 0.1,
  },
};

describe('POST /v1/exercises seeds', () => {
  it('keeps the exercise of every numeric seed as it was', async () => {
    for (const [key, problem] of Object.entries(BEFORE)) {
      const [template, seed] = key.split('/');
      const res = await post({ template, seed: Number(seed) });
      expect(res.statusCode, key).toBe(200);
      expect(res.json().problem, key).toEqual(problem);
      expect(res.json().seed).toBe(Number(seed));
    }
  });

  it('takes a student id as the seed: SHA-256 of its UTF-8, first 32 bits', async () => {
    // hashlib: "s2026-0042" -> 3095339476
    const res = await post({ template: 'neuron-sigmoid', seed: 's2026-0042' });
    expect(res.statusCode).toBe(200);
    expect(res.json().seed).toBe('s2026-0042');
    expect(res.json().problem).toEqual(BEFORE['neuron-sigmoid/3095339476']);
  });

  it('hashes the UTF-8 bytes, not UTF-16 code units', async () => {
    // hashlib: "ação" -> 107218815
    const text = await post({ template: 'network-2-2-1', seed: 'ação' });
    const number = await post({ template: 'network-2-2-1', seed: 107218815 });
    expect(text.statusCode).toBe(200);
    expect(text.json().problem).toEqual(number.json().problem);
    expect(text.json().answers).toEqual(number.json().answers);
  });

  it('gives the same string the same exercise every time, and two students different ones', async () => {
    const a = await post({ template: 'neuron-sigmoid', seed: 's2026-0042', locale: 'en' });
    const again = await post({ template: 'neuron-sigmoid', seed: 's2026-0042', locale: 'en' });
    const b = await post({ template: 'neuron-sigmoid', seed: 's2026-0043', locale: 'en' });
    expect(again.body).toBe(a.body);
    expect(b.json().problem).not.toEqual(a.json().problem);
  });

  it('takes a string of up to 128 characters, and refuses a longer one naming seed', async () => {
    expect((await post({ template: 'neuron-sigmoid', seed: 'x'.repeat(128) })).statusCode).toBe(200);
    const res = await post({ template: 'neuron-sigmoid', seed: 'x'.repeat(129) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION',
      errors: [{ path: 'seed', message: expect.stringMatching(/128/) }],
    });
    const wrong = await post({ template: 'neuron-sigmoid', seed: true });
    expect(wrong.json().errors).toEqual([{ path: 'seed', message: 'expected a number or a string, got true' }]);
  });
});
