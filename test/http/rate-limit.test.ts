/**
 * The rate limit (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS): per API key, or per client address
 * without keys (the forwarded one only behind a trusted proxy). The API and the documentation are
 * limited: not the probes or /metrics, nor the OpenAPI document's own example requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function appWith(options: Parameters<typeof buildTestApp>[0]): Promise<App> {
  const app = await buildTestApp({ pool: false, ...options });
  apps.push(app);
  return app;
}

const ops = (app: App, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/v1/ops', headers });

const KEY_A = 'course-platform-key-0001';
const KEY_B = 'another-platform-key-0002';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('without API keys: per client address', () => {
  it('answers the request after RATE_LIMIT_MAX with a 429 problem, Retry-After and the rate-limit headers', async () => {
    const app = await appWith({ rateLimit: { max: 3, windowMs: 60_000 } });
    for (const remaining of [2, 1, 0]) {
      const res = await ops(app);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(remaining));
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    }
    const res = await ops(app);
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-ratelimit-limit']).toBe('3');
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers['x-ratelimit-reset']).toBe(res.headers['retry-after']);
    expect(res.json()).toMatchObject({
      type: 'urn:gradient-service:problem:rate-limited',
      status: 429,
      code: 'RATE_LIMITED',
      title: 'Too many requests',
      retryAfterSeconds: retryAfter,
    });
    expect(res.json().detail).toMatch(/more than 3 requests in 60 s from this address/);
  });

  it('answers in Portuguese under Accept-Language: pt-BR', async () => {
    const app = await appWith({ rateLimit: { max: 1, windowMs: 60_000 } });
    await ops(app);
    const res = await ops(app, { 'accept-language': 'pt-BR' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-language']).toBe('pt-BR');
    expect(res.json().title).toBe('Requisições demais');
    expect(res.json().detail).toMatch(/mais de 1 requisições em 60 s a partir deste endereço/);
  });

  it('never limits the probes or /metrics, nor counts them', async () => {
    const app = await appWith({ rateLimit: { max: 2, windowMs: 60_000 } });
    for (const url of ['/healthz', '/readyz', '/metrics', '/healthz', '/readyz', '/metrics']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
      expect(res.headers['x-ratelimit-limit'], url).toBeUndefined();
    }
    expect((await ops(app)).statusCode).toBe(200);
    expect((await ops(app)).statusCode).toBe(200);
    expect((await ops(app)).statusCode).toBe(429);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('limits the documentation like the API: the OpenAPI document is 400 kB', async () => {
    const app = await appWith({ rateLimit: { max: 3, windowMs: 60_000 } });
    for (const url of ['/docs', '/openapi.json', '/']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
      expect(res.headers['x-ratelimit-limit'], url).toBe('3');
    }
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(429);
    expect((await ops(app)).statusCode).toBe(429);
  });

  it('does not count the requests the OpenAPI document sends itself for its examples', async () => {
    const app = await appWith({ rateLimit: { max: 2, windowMs: 60_000 } });
    const doc = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().paths['/v1/step'].post.responses['200'].content['application/json'].examples).toBeDefined();
    // Every example was sent to the app as a POST or GET of a /v1 route, and none of them counted:
    // only the request for the document itself did.
    expect(doc.headers['x-ratelimit-remaining']).toBe('1');
    expect((await ops(app)).headers['x-ratelimit-remaining']).toBe('0');
  });

  it('counts a path that no route has, as a scanner sends', async () => {
    const app = await appWith({ rateLimit: { max: 1, windowMs: 60_000 } });
    expect((await app.inject({ method: 'GET', url: '/wp-login.php' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/.env' })).statusCode).toBe(429);
  });

  it('counts by X-Forwarded-For only behind a trusted proxy (TRUST_PROXY)', async () => {
    // app.inject's requests come from 127.0.0.1, here the proxy.
    const proxied = await appWith({ rateLimit: { max: 2, windowMs: 60_000 }, trustProxy: ['127.0.0.1'] });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    expect((await ops(proxied, from('203.0.113.1'))).statusCode).toBe(200);
    expect((await ops(proxied, from('203.0.113.1'))).statusCode).toBe(200);
    expect((await ops(proxied, from('203.0.113.1'))).statusCode).toBe(429);
    expect((await ops(proxied, from('203.0.113.2'))).statusCode).toBe(200);

    // Not trusted: a client cannot get a fresh count by writing a new X-Forwarded-For.
    const direct = await appWith({ rateLimit: { max: 2, windowMs: 60_000 } });
    expect((await ops(direct, from('203.0.113.1'))).statusCode).toBe(200);
    expect((await ops(direct, from('203.0.113.2'))).statusCode).toBe(200);
    expect((await ops(direct, from('203.0.113.3'))).statusCode).toBe(429);

    // Trusting another proxy's address is not trusting this one.
    const elsewhere = await appWith({ rateLimit: { max: 1, windowMs: 60_000 }, trustProxy: ['10.0.0.0/8'] });
    expect((await ops(elsewhere, from('203.0.113.1'))).statusCode).toBe(200);
    expect((await ops(elsewhere, from('203.0.113.2'))).statusCode).toBe(429);
  });
});

describe('with API keys: per key', () => {
  it('counts each key apart, whatever address it comes from', async () => {
    const app = await appWith({
      rateLimit: { max: 2, windowMs: 60_000 },
      auth: { apiKeys: [KEY_A, KEY_B] },
      trustProxy: ['127.0.0.1'],
    });
    expect((await ops(app, { ...bearer(KEY_A), 'x-forwarded-for': '203.0.113.1' })).statusCode).toBe(200);
    expect((await ops(app, { ...bearer(KEY_A), 'x-forwarded-for': '203.0.113.2' })).statusCode).toBe(200);
    const limited = await ops(app, { ...bearer(KEY_A), 'x-forwarded-for': '203.0.113.3' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().detail).toMatch(/with this API key/);
    expect(limited.headers['retry-after']).toBeDefined();
    const other = await ops(app, bearer(KEY_B));
    expect(other.statusCode).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('1');
  });

  it('limits requests without a valid key per address, before refusing them', async () => {
    const app = await appWith({ rateLimit: { max: 2, windowMs: 60_000 }, auth: { apiKeys: [KEY_A] } });
    expect((await ops(app)).statusCode).toBe(401);
    expect((await ops(app, bearer('guessing-a-key-00000001'))).statusCode).toBe(401);
    const flood = await ops(app, bearer('guessing-a-key-00000002'));
    expect(flood.statusCode).toBe(429);
    expect(flood.json().detail).toMatch(/from this address/);
    // The key's own count is untouched.
    const res = await ops(app, bearer(KEY_A));
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-ratelimit-remaining']).toBe('1');
  });
});
