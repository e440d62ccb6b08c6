/** METRICS=false: nothing is counted, and GET /metrics is not served; every other answer is the same. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

describe('METRICS=false', () => {
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    app = await buildTestApp({ metrics: false });
  });
  afterAll(() => app.close());

  it('answers the API as with metrics on', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/gradients',
      payload: { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().gradients.L).toBe(1);
  });

  it('serves no /metrics: a 404 problem, as any path no route has', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
