/**
 * X-Content-Type-Options: nosniff on every answer, whoever writes it (a route, the error and
 * not-found handlers, Swagger UI and its static files, /metrics, the probes, and what Node's HTTP
 * parser refuses before there is a request); a Content-Security-Policy on what a browser would
 * run: Swagger UI's pages, and pictures in SVG.
 */
import { connect } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
const graph = { graph: { inputs: { x: 2 }, params: { w: 0.5 }, expr: 'L = w*x' } };

/** Directives of a Content-Security-Policy header, by name. */
function directives(header: unknown): Map<string, string[]> {
  expect(typeof header, 'a Content-Security-Policy header').toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

let app: App;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

describe('X-Content-Type-Options: nosniff', () => {
  const requests: [string, InjectOptions][] = [
    ['a route', { method: 'POST', url: '/v1/gradients', payload: neuron }],
    ['a GET route', { method: 'GET', url: '/v1/ops' }],
    ['a 400 problem', { method: 'POST', url: '/v1/gradients', payload: { neuron: {} } }],
    [
      'a 415 problem',
      { method: 'POST', url: '/v1/gradients', headers: { 'content-type': 'text/plain' }, payload: 'x' },
    ],
    ['a 404', { method: 'GET', url: '/nowhere' }],
    ['a 405', { method: 'DELETE', url: '/v1/gradients' }],
    ['a URL that does not decode', { method: 'GET', url: '/v1/forward%' }],
    ['a picture in SVG', { method: 'POST', url: '/v1/render?format=svg', payload: graph }],
    ['a picture in DOT', { method: 'POST', url: '/v1/render?format=dot', payload: graph }],
    ['Swagger UI', { method: 'GET', url: '/docs' }],
    ['Swagger UI with a slash', { method: 'GET', url: '/docs/' }],
    ['a redirect of Swagger UI', { method: 'GET', url: '/docs/static/index.html' }],
    ['a static file', { method: 'GET', url: '/docs/static/swagger-ui-bundle.js' }],
    ['a static SVG', { method: 'GET', url: '/docs/static/logo.svg' }],
    ['a missing static file', { method: 'GET', url: '/docs/static/nope.js' }],
    ['the OpenAPI document', { method: 'GET', url: '/openapi.json' }],
    ["Swagger UI's document", { method: 'GET', url: '/docs/json' }],
    ['the root redirect', { method: 'GET', url: '/' }],
    ['/metrics', { method: 'GET', url: '/metrics' }],
    ['/healthz', { method: 'GET', url: '/healthz' }],
    ['/readyz', { method: 'GET', url: '/readyz' }],
    ['HEAD /healthz', { method: 'HEAD', url: '/healthz' }],
    [
      'a CORS preflight',
      {
        method: 'OPTIONS',
        url: '/v1/gradients',
        headers: { origin: 'https://example.org', 'access-control-request-method': 'POST' },
      },
    ],
  ];

  it.each(requests)('is on %s', async (_name, request) => {
    const res = await app.inject(request);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it("is on what Node's HTTP parser refuses (431, 400), written on the socket", async () => {
    const base = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
    const raw = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(base.port), '127.0.0.1');
        let answer = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk) => (answer += chunk));
        socket.on('close', () => resolve(answer));
        socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(answer) : reject(e)));
        socket.write(text);
      });
    const tooLarge = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(60_000)}\r\n\r\n`);
    expect(tooLarge).toMatch(/^HTTP\/1\.1 431 /);
    expect(tooLarge).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
    const notHttp = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(notHttp).toMatch(/^HTTP\/1\.1 400 /);
    expect(notHttp).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
  });
});

describe('Content-Security-Policy', () => {
  it("on Swagger UI's page, its redirect and its files: only this origin's scripts, styles and calls; no inline script, frame or plugin", async () => {
    for (const url of [
      '/docs',
      '/docs/',
      '/docs/static/index.html',
      '/docs/static/swagger-initializer.js',
      '/docs/static/logo.svg',
      '/docs/json',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
      const csp = directives(res.headers['content-security-policy']);
      expect(csp.get('default-src'), url).toEqual(["'none'"]);
      expect(csp.get('script-src'), url).toEqual(["'self'"]);
      // Its own style sheets, and the one inline <style> of its logo by its hash.
      expect(csp.get('style-src')?.[0], url).toBe("'self'");
      for (const source of csp.get('style-src')!.slice(1)) expect(source, url).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
      expect(csp.get('connect-src'), url).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors'), url).toEqual(["'none'"]);
      expect(csp.get('base-uri'), url).toEqual(["'none'"]);
      expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-(inline|eval)|https?:/);
    }
  });

  it('on a picture in SVG: no script, no resource from anywhere, inline styles only', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/render?format=svg', payload: graph });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('style-src')).toEqual(["'unsafe-inline'"]);
    expect([...csp.keys()].sort()).toEqual(['default-src', 'style-src']);
  });
});
