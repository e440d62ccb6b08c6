/** API keys (API_KEYS): which routes need one, and the 401 problem of a missing or wrong one. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const KEY_A = 'course-platform-key-0001';
const KEY_B = 'another-platform-key-0002';
const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };

const forward = (app: App, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/forward',
    headers: { 'content-type': 'application/json', ...headers },
    payload: neuron,
  });

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let app: App;
let closedDocs: App;
let openMetrics: App;
beforeAll(async () => {
  app = await buildTestApp({ pool: false, auth: { apiKeys: [KEY_A, KEY_B] } });
  closedDocs = await buildTestApp({ pool: false, auth: { apiKeys: [KEY_A], publicDocs: false } });
  openMetrics = await buildTestApp({ pool: false, auth: { apiKeys: [KEY_A], publicMetrics: true } });
});
afterAll(async () => {
  await Promise.all([app.close(), closedDocs.close(), openMetrics.close()]);
});

describe('with API_KEYS set', () => {
  it('answers a request without a key with a 401 problem and WWW-Authenticate', async () => {
    const res = await forward(app);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="gradient-service"');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['content-language']).toBe('en');
    expect(res.json()).toMatchObject({
      type: 'urn:gradient-service:problem:unauthorized',
      title: 'Unauthorized',
      status: 401,
      code: 'UNAUTHORIZED',
      errors: [],
    });
    expect(res.json().detail).toContain('Authorization: Bearer');
  });

  it('says the token is invalid (RFC 6750) when a wrong key is sent', async () => {
    for (const wrong of ['not-a-key-at-all-000000', `${KEY_A}x`, KEY_A.slice(0, -1), KEY_A.toUpperCase()]) {
      const res = await forward(app, bearer(wrong));
      expect(res.statusCode, wrong).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="gradient-service", error="invalid_token"');
      expect(res.json().code).toBe('UNAUTHORIZED');
    }
  });

  it('treats another scheme as no key', async () => {
    const res = await forward(app, { authorization: `Basic ${Buffer.from(`user:${KEY_A}`).toString('base64')}` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="gradient-service"');
  });

  it('answers in Portuguese under Accept-Language: pt-BR', async () => {
    const res = await forward(app, { 'accept-language': 'pt-BR' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-language']).toBe('pt-BR');
    expect(res.json()).toMatchObject({ title: 'Não autorizado', code: 'UNAUTHORIZED' });
    expect(res.json().detail).toContain('chave de API');
    const wrong = await forward(app, { 'accept-language': 'pt-BR', ...bearer('not-a-key-at-all-000000') });
    expect(wrong.json().detail).toMatch(/não é válida/);
  });

  it('lets a request with any of the keys through, whatever the case of "Bearer"', async () => {
    for (const headers of [bearer(KEY_A), bearer(KEY_B), { authorization: `bearer ${KEY_B}` }]) {
      const res = await forward(app, headers);
      expect(res.statusCode, res.body).toBe(200);
      // L of the tutorial's neuron, from the README.
      expect(res.json().values.L).toBeCloseTo(0.1013247149878311, 15);
    }
  });

  it('asks for a key on every /v1 route, and on a /v1 path that does not exist (no 404 gives the routes away)', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/ops' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/exercises/templates' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/nothing' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/nothing', headers: bearer(KEY_A) })).statusCode).toBe(404);
  });

  it('keeps /healthz and /readyz open', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it("refuses a request that carries a made-up secret of the app's own requests", async () => {
    const res = await forward(app, { 'x-gradient-self': randomBytes(32).toString('base64url') });
    expect(res.statusCode).toBe(401);
  });
});

describe('/metrics with API_KEYS set', () => {
  it('needs a key unless PUBLIC_METRICS is true', async () => {
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: bearer(KEY_A) })).statusCode).toBe(200);
    expect((await openMetrics.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });
});

describe('the documentation with API_KEYS set', () => {
  it('is open by default (PUBLIC_DOCS), and its examples are computed with the keys in force', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const examples = res.json().paths['/v1/forward'].post.responses['200'].content['application/json'].examples;
    expect(examples.neuron.value.values.L).toBeCloseTo(0.1013247149878311, 15);
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(302);
  });

  it('needs a key with PUBLIC_DOCS=false, and its examples are still computed', async () => {
    for (const url of ['/openapi.json', '/docs', '/docs/', '/docs/static/index.html', '/']) {
      const res = await closedDocs.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
    }
    const res = await closedDocs.inject({ method: 'GET', url: '/openapi.json', headers: bearer(KEY_A) });
    expect(res.statusCode).toBe(200);
    const examples = res.json().paths['/v1/gradients'].post.responses['200'].content['application/json'].examples;
    expect(examples.neuron.value.gradients.w).toBeCloseTo(0.3342706384098403, 15);
    expect((await closedDocs.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('without API_KEYS', () => {
  it('needs no key', async () => {
    const open = await buildTestApp({ pool: false });
    try {
      expect((await forward(open)).statusCode).toBe(200);
      expect((await forward(open, bearer('anything-at-all-000000'))).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });
});
