/**
 * How the OpenAPI document is served (/openapi.json, and Swagger UI's /docs/json and /docs/yaml):
 * the same bytes every time, with a strong ETag and a 304 to a request that has them already,
 * and counted by the rate limit like any other route, but for the app's own example requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const get = (app: App, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

describe('GET /openapi.json', () => {
  let app: App;
  beforeAll(async () => {
    app = await buildTestApp({ pool: false });
  });
  afterAll(() => app.close());

  it('answers the same bytes each time, with a strong ETag and Cache-Control: no-cache', async () => {
    const first = await get(app, '/openapi.json');
    const second = await get(app, '/openapi.json');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.json().openapi).toBe('3.1.0');
    expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(first.headers['cache-control']).toBe('no-cache');
    // The examples are the service's answers, computed before the bytes were written.
    expect(first.json().paths['/v1/step'].post.responses['200'].content['application/json'].examples).toBeDefined();
  });

  it('answers 304 with no body to If-None-Match with its ETag, as it is, weak, in a list, or *', async () => {
    const { etag } = (await get(app, '/openapi.json')).headers as { etag: string };
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await get(app, '/openapi.json', { 'if-none-match': ifNoneMatch });
      expect(res.statusCode, ifNoneMatch).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(etag);
    }
    const stale = await get(app, '/openapi.json', { 'if-none-match': '"an-older-document"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.body.length).toBeGreaterThan(100_000);
  });

  it('is the document Swagger UI reads at /docs/json, byte for byte, and its YAML at /docs/yaml', async () => {
    const json = await get(app, '/openapi.json');
    const ui = await get(app, '/docs/json');
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(ui.rawPayload.equals(json.rawPayload)).toBe(true);
    expect(ui.headers.etag).toBe(json.headers.etag);
    expect((await get(app, '/docs/json', { 'if-none-match': json.headers.etag as string })).statusCode).toBe(304);

    const yaml = await get(app, '/docs/yaml');
    expect(yaml.statusCode).toBe(200);
    expect(yaml.headers['content-type']).toMatch(/^application\/x-yaml/);
    expect(parseYaml(yaml.body)).toEqual(json.json());
    const again = await get(app, '/docs/yaml');
    expect(again.rawPayload.equals(yaml.rawPayload)).toBe(true);
    expect(again.headers.etag).toBe(yaml.headers.etag);
    expect(yaml.headers.etag).not.toBe(json.headers.etag);
  });
});

describe('the OpenAPI document under the rate limit', () => {
  let app: App;
  beforeAll(async () => {
    app = await buildTestApp({ pool: false, rateLimit: { max: 3, windowMs: 60_000 } });
  });
  afterAll(() => app.close());

  it('is counted like any route (its own example requests are not), and refused past the limit', async () => {
    // The first request builds the document, sending every example to the app: none is counted.
    const first = await get(app, '/openapi.json');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect((await get(app, '/docs/json')).headers['x-ratelimit-remaining']).toBe('1');
    expect((await get(app, '/openapi.json', { 'if-none-match': first.headers.etag as string })).statusCode).toBe(304);
    const refused = await get(app, '/openapi.json');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    // The probes and /metrics are never limited.
    expect((await get(app, '/healthz')).statusCode).toBe(200);
    expect((await get(app, '/metrics')).statusCode).toBe(200);
  });
});
