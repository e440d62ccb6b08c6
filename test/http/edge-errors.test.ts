/**
 * Errors raised outside a route: a URL the router cannot decode (fastify's frameworkErrors), a
 * missing static file, a busy worker pool, an unexpected failure. Each is a problem document
 * with its request id, counted in /metrics, written once in the log at its level, and passes
 * through the rate limit and the API keys like any other request.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { type LogLine, LogLines } from '../support/log-lines.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
/** pino's levels. */
const INFO = 30;
const WARN = 40;
const ERROR = 50;

const metric = (text: string, line: string): number =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${line} `))
      ?.split(' ')[1] ?? 0,
  );

describe('a URL that does not percent-decode (GET /v1/forward%)', () => {
  let app: App;
  const logs = new LogLines();
  beforeAll(async () => {
    app = await buildTestApp({ pool: false, logger: { level: 'info', stream: logs.stream } });
  });
  afterAll(() => app.close());

  it("is a 400 problem document with its request id, in the request's language", async () => {
    for (const url of ['/v1/forward%', '/v1/%zz', '/docs/static/%c0', '/%']) {
      const res = await app.inject({ method: 'GET', url, headers: { 'x-request-id': 'bad-url-1' } });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.headers['x-request-id']).toBe('bad-url-1');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.json()).toMatchObject({
        type: 'urn:gradient-service:problem:bad-url',
        status: 400,
        code: 'BAD_URL',
        title: 'Invalid URL',
        requestId: 'bad-url-1',
        errors: [],
      });
      expect(res.json().detail).toMatch(/%25/);
    }
    const pt = await app.inject({ method: 'POST', url: '/v1/forward%', headers: { 'accept-language': 'pt-BR' } });
    expect(pt.statusCode).toBe(400);
    expect(pt.headers['content-language']).toBe('pt-BR');
    expect(pt.json()).toMatchObject({ code: 'BAD_URL', title: 'URL inválida' });
    expect(pt.json().detail).toMatch(/^o caminho não é uma URL válida/);
    expect(pt.json().requestId).toBe(pt.headers['x-request-id']);
  });

  it('is counted in /metrics, as a request that matched no route and as a problem', async () => {
    const before = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    await app.inject({ method: 'GET', url: '/v1/gradients%' });
    const after = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const requests = 'gradient_service_http_requests_total{route="unmatched",method="GET",status="400"}';
    const problems = 'gradient_service_problems_total{code="BAD_URL",status="400"}';
    expect(metric(after, requests) - metric(before, requests)).toBe(1);
    expect(metric(after, problems) - metric(before, problems)).toBe(1);
  });

  it('writes one log line, the request line, at info', async () => {
    await app.inject({ method: 'GET', url: '/v1/step%', headers: { 'x-request-id': 'bad-url-log' } });
    const mine = (l: LogLine) => l.requestId === 'bad-url-log';
    await logs.until(mine);
    // The line is written when the answer is sent; a second one would be written at once too.
    await new Promise((r) => setImmediate(r));
    expect(logs.lines.filter(mine)).toEqual([
      expect.objectContaining({ level: INFO, msg: 'request', method: 'GET', url: '/v1/step%', statusCode: 400 }),
    ]);
  });
});

describe("what Node's HTTP parser refuses, before there is a request", () => {
  let app: App;
  const logs = new LogLines();
  beforeAll(async () => {
    app = await buildTestApp({ pool: false, logger: { level: 'info', stream: logs.stream } });
  });
  afterAll(() => app.close());

  it('is counted in /metrics as a problem, and logged', async () => {
    const base = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
    const before = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(base.port), '127.0.0.1');
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(text) : reject(e)));
      socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(60_000)}\r\n\r\n`);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const after = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const problems = 'gradient_service_problems_total{code="HEADERS_TOO_LARGE",status="431"}';
    expect(metric(after, problems) - metric(before, problems)).toBe(1);
    await logs.until((l) => l.msg === 'unparsed request' && l.statusCode === 431 && l.code === 'HEADERS_TOO_LARGE');
  });
});

describe('a URL that does not decode, under the rate limit and the API keys', () => {
  const KEY = 'edge-errors-key-0001';
  let limited: App;
  let keyed: App;
  beforeAll(async () => {
    limited = await buildTestApp({ pool: false, rateLimit: { max: 2, windowMs: 60_000 } });
    keyed = await buildTestApp({ pool: false, auth: { apiKeys: [KEY] } });
  });
  afterAll(() => Promise.all([limited.close(), keyed.close()]));

  it('is counted by the rate limit, and refused past it with a 429', async () => {
    const first = await limited.inject({ method: 'GET', url: '/v1/forward%' });
    expect(first.statusCode).toBe(400);
    expect(first.headers['x-ratelimit-remaining']).toBe('1');
    expect((await limited.inject({ method: 'GET', url: '/v1/ops' })).statusCode).toBe(200);
    const third = await limited.inject({ method: 'GET', url: '/v1/forward%' });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ code: 'RATE_LIMITED', requestId: third.headers['x-request-id'] });
    expect(third.headers['retry-after']).toBeDefined();
  });

  it('is a 401 without a key, a 400 with one', async () => {
    const none = await keyed.inject({ method: 'GET', url: '/v1/forward%' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const withKey = await keyed.inject({
      method: 'GET',
      url: '/v1/forward%',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(withKey.statusCode).toBe(400);
  });

  it('leaves no way around the keys: path tricks, HEAD, OPTIONS and a forged self-request are all 401', async () => {
    const tricks = [
      '/v1/forward/',
      '/V1/forward',
      '/v1/FORWARD',
      '//v1/forward',
      '/v1//forward',
      '/v1%2Fforward',
      '/v1/forward%2F',
      '/v1/./forward',
      '/./v1/forward',
      '/v1/../v1/forward',
      '/docs/../v1/forward',
      '/docs/static/../../v1/forward',
      '/v1/forward%00',
      '/v1/forward%',
      '/v1/forward?x=%',
    ];
    for (const url of tricks) {
      for (const method of ['POST', 'GET', 'HEAD', 'OPTIONS'] as const) {
        const res = await keyed.inject({
          method,
          url,
          headers: { 'content-type': 'application/json' },
          ...(method === 'POST' && { payload: neuron }),
        });
        expect(res.statusCode, `${method} ${url}`).toBe(401);
      }
    }
    const forged = await keyed.inject({
      method: 'POST',
      url: '/v1/forward',
      headers: { 'x-gradient-self': randomBytes(32).toString('base64url') },
      payload: neuron,
    });
    expect(forged.statusCode).toBe(401);
  });
});

describe('a missing file under /docs/static/', () => {
  let app: App;
  beforeAll(async () => {
    app = await buildTestApp({ pool: false });
  });
  afterAll(() => app.close());

  it('is a 404 problem document, for GET and HEAD', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/static/nope.js' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: res.headers['x-request-id'] });
    expect(res.headers.allow).toBeUndefined();
    expect((await app.inject({ method: 'HEAD', url: '/docs/static/nope.js' })).statusCode).toBe(404);
  });

  it('is still a 405 for a method the static files do not answer', async () => {
    const res = await app.inject({ method: 'POST', url: '/docs/static/nope.js' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('leaves a file that is there a 200', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' });
    expect(res.statusCode).toBe(200);
  });
});

describe('the level of the request line', () => {
  let busy: App;
  const logs = new LogLines();
  beforeAll(async () => {
    // No worker thread at all, and every job sent to the pool: each compute request is a 503 BUSY at once.
    busy = await buildTestApp({
      pool: { threads: 0, queue: 0, budgetMs: 10_000 },
      offloadWork: 0,
      logger: { level: 'info', stream: logs.stream },
    });
    busy.get('/test-failure', { schema: { hide: true } }, () => {
      throw new TypeError('an unexpected failure');
    });
  });
  afterAll(() => busy.close());

  it('is warn, once and without a stack, for a 503 BUSY', async () => {
    const res = await busy.inject({
      method: 'POST',
      url: '/v1/gradients',
      headers: { 'x-request-id': 'busy-1' },
      payload: neuron,
    });
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ code: 'BUSY', requestId: 'busy-1' });
    const mine = (l: LogLine) => l.requestId === 'busy-1';
    await logs.until(mine);
    await new Promise((r) => setImmediate(r));
    // Its only line above info is its request line ("computing on a worker" is at info).
    const lines = logs.lines.filter((l) => mine(l) && (l.msg === 'request' || (l.level as number) > INFO));
    expect(lines).toEqual([expect.objectContaining({ level: WARN, msg: 'request', statusCode: 503 })]);
    expect(JSON.stringify(lines[0])).not.toMatch(/stack|PoolBusyError/);
  });

  it('is error, once and with the stack, for a 500, whose problem shows no internals', async () => {
    const res = await busy.inject({ method: 'GET', url: '/test-failure', headers: { 'x-request-id': 'failure-1' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL', requestId: 'failure-1' });
    expect(res.body).not.toMatch(/unexpected failure|TypeError/);
    const mine = (l: LogLine) => l.requestId === 'failure-1';
    await logs.until(mine);
    await new Promise((r) => setImmediate(r));
    const lines = logs.lines.filter(mine);
    expect(lines).toEqual([expect.objectContaining({ level: ERROR, msg: 'request', statusCode: 500 })]);
    expect((lines[0].err as { stack: string }).stack).toMatch(/TypeError: an unexpected failure\n\s+at /);
  });
});
