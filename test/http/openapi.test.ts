import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiText } from '../../src/openapi-document.js';
import { checkCase } from '../support/conformance.js';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

describe('GET /openapi.json', () => {
  it('serves OpenAPI 3.1 with every route', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/v1/forward', '/v1/gradients', '/v1/step', '/v1/gradcheck', '/v1/ops', '/healthz', '/readyz']) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('matches the committed openapi/openapi.json (npm run openapi:write regenerates it)', async () => {
    const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
    expect(await openapiText()).toBe(committed);
  });

  it('gives every compute route prefilled examples that work as they are', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const route of ['/v1/forward', '/v1/gradients', '/v1/step', '/v1/gradcheck']) {
      const examples = doc.paths[route].post.requestBody.content['application/json'].examples;
      expect(Object.keys(examples)).toEqual(['neuron', 'graph', 'expr', 'network']);
      for (const [name, example] of Object.entries<{ value: unknown }>(examples)) {
        const res = await app.inject({ method: 'POST', url: route, payload: example.value as object });
        expect(res.statusCode, `${route} example ${name}: ${res.body}`).toBe(200);
      }
    }
  });

  it('gives POST /v1/grade examples that grade as they are', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const examples = doc.paths['/v1/grade'].post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples).length).toBeGreaterThanOrEqual(2);
    for (const [name, example] of Object.entries<{ value: unknown }>(examples)) {
      const res = await app.inject({ method: 'POST', url: '/v1/grade', payload: example.value as object });
      expect(res.statusCode, `grade example ${name}: ${res.body}`).toBe(200);
    }
  });

  it("computes the tutorial's numbers from its examples", async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const example = doc.paths['/v1/gradients'].post.requestBody.content['application/json'].examples.expr.value;
    const res = await app.inject({ method: 'POST', url: '/v1/gradients', payload: example });
    // y_hat = sigmoid(-0.2), dL/dw = (y_hat - 0) * y_hat (1 - y_hat) * 3, written out by hand:
    const yHat = 1 / (1 + Math.exp(0.2));
    const c = { name: 'tutorial', endpoint: '/v1/gradients', expect: { 'values.y_hat': yHat, 'gradients.w': yHat * yHat * (1 - yHat) * 3 } };
    expect(checkCase(c, res.statusCode, 'application/json', res.body)).toEqual([]);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger-ui');
  });
});
