/**
 * HTTP as clients and balancers expect it: 405 with Allow, / to the docs, the server's timeouts,
 * a problem document for a header block too large, and 415 for a body the service cannot read.
 */
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

let app: App;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };

describe('a wrong method on a known route', () => {
  it('is a 405 problem with Allow', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/gradients' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'urn:gradient-service:problem:method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      errors: [],
    });
    expect(res.json().detail).toBe('/v1/gradients does not answer GET, only POST');
  });

  it('lists every method of the path', async () => {
    const cases: [string, string, string][] = [
      ['POST', '/healthz', 'GET, HEAD'],
      ['DELETE', '/v1/ops', 'GET, HEAD'],
      ['PUT', '/v1/exercises', 'POST'],
      ['HEAD', '/v1/forward', 'POST'],
      ['GET', '/v1/gradients/', 'POST'],
      ['GET', '/v1/forward?x=1', 'POST'],
      ['POST', '/openapi.json', 'GET, HEAD'],
      ['POST', '/docs/static/index.html', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await app.inject({ method: method as 'GET', url });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.headers.allow, `${method} ${url}`).toBe(allow);
    }
  });

  it('is in Portuguese under Accept-Language: pt-BR', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/step', headers: { 'accept-language': 'pt-BR' } });
    expect(res.statusCode).toBe(405);
    expect(res.headers['content-language']).toBe('pt-BR');
    expect(res.json()).toMatchObject({ title: 'Método não permitido', detail: '/v1/step não aceita GET, só POST' });
  });

  it('leaves an unknown path a 404', async () => {
    for (const url of ['/v1/gradient', '/v2/gradients', '/healthz/extra']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers.allow).toBeUndefined();
      expect(res.json().code).toBe('NOT_FOUND');
    }
  });
});

describe('GET /', () => {
  it('redirects to the student page, which links to /docs (to /docs itself without the page: PUBLIC_PLAY=false)', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/play');
  });
});

describe('a body the service cannot read', () => {
  const send = (headers: Record<string, string>, payload: string | Buffer) =>
    app.inject({
      method: 'POST',
      url: '/v1/forward',
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });

  it('is a 415 when compressed (Content-Encoding other than identity), not a 400 about its JSON', async () => {
    for (const encoding of ['gzip', 'deflate', 'br', 'GZIP']) {
      const res = await send({ 'content-encoding': encoding }, gzipSync(JSON.stringify(neuron)));
      expect(res.statusCode, encoding).toBe(415);
      expect(res.headers['accept-encoding']).toBe('identity');
      expect(res.json()).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(res.json().detail).toBe(
        `the body is sent with Content-Encoding: ${encoding.toLowerCase()}; send it uncompressed`,
      );
    }
    expect((await send({ 'content-encoding': 'identity' }, JSON.stringify(neuron))).statusCode).toBe(200);
  });

  it('is a 415 when declared in a charset other than UTF-8', async () => {
    for (const type of [
      'application/json; charset=utf-16',
      'application/json; charset="ISO-8859-1"',
      'application/json;charset=utf-16le',
    ]) {
      const res = await send({ 'content-type': type }, Buffer.from(JSON.stringify(neuron), 'utf16le'));
      expect(res.statusCode, type).toBe(415);
      expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(res.json().detail).toMatch(/^the body is declared as charset=.+; send JSON in UTF-8/);
    }
    for (const type of [
      'application/json; charset=utf-8',
      'application/json; charset=UTF-8',
      'application/json; charset="utf-8"',
      'application/json',
    ]) {
      expect((await send({ 'content-type': type }, JSON.stringify(neuron))).statusCode, type).toBe(200);
    }
  });

  it('is refused in Portuguese under Accept-Language: pt-BR', async () => {
    const gz = await send({ 'content-encoding': 'gzip', 'accept-language': 'pt-BR' }, gzipSync(JSON.stringify(neuron)));
    expect(gz.json()).toMatchObject({
      title: 'Tipo de mídia não suportado',
      detail: 'o corpo foi enviado com Content-Encoding: gzip; envie-o sem compressão',
    });
    const utf16 = await send({ 'content-type': 'application/json; charset=utf-16', 'accept-language': 'pt-BR' }, '{}');
    expect(utf16.json().detail).toBe(
      'o corpo foi declarado como charset=utf-16; envie JSON em UTF-8 (charset=utf-8, ou sem charset)',
    );
  });
});

/** One request on a fresh connection, answered however the server answers it. */
function rawRequest(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: 'GET', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('on a listening server (127.0.0.1)', () => {
  let server: App;
  let base: string;
  beforeAll(async () => {
    server = await buildTestApp({ pool: false });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  it('keeps idle connections longer than a balancer (72 s), with the headers timeout above it', () => {
    expect(server.server.keepAliveTimeout).toBe(72_000);
    expect(server.server.headersTimeout).toBe(73_000);
    expect(server.server.requestTimeout).toBe(120_000);
  });

  it('sets the timeouts it is given', async () => {
    const other = await buildTestApp({
      pool: false,
      timeouts: { keepAliveMs: 65_000, headersMs: 66_000, requestMs: 90_000 },
    });
    try {
      await other.listen({ port: 0, host: '127.0.0.1' });
      expect([other.server.keepAliveTimeout, other.server.headersTimeout, other.server.requestTimeout]).toEqual([
        65_000, 66_000, 90_000,
      ]);
    } finally {
      await other.close();
    }
  });

  it('answers a 60 kB header with a 431 problem document', async () => {
    const res = await rawRequest(base, '/healthz', { 'x-padding': 'a'.repeat(60_000) });
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({
      type: 'urn:gradient-service:problem:headers-too-large',
      status: 431,
      code: 'HEADERS_TOO_LARGE',
      title: 'Request headers too large',
      errors: [],
    });
  });

  it('answers a 70 kB URL with a 431 problem document', async () => {
    const res = await rawRequest(base, `/v1/ops?q=${'a'.repeat(70_000)}`, {});
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body).code).toBe('HEADERS_TOO_LARGE');
  });

  it('answers the 431 in Portuguese when Accept-Language: pt-BR came before the excess', async () => {
    const res = await rawRequest(base, '/healthz', { 'accept-language': 'pt-BR', 'x-padding': 'a'.repeat(60_000) });
    expect(res.status).toBe(431);
    expect(res.headers['content-language']).toBe('pt-BR');
    expect(JSON.parse(res.body).title).toBe('Cabeçalhos da requisição grandes demais');
  });

  it('still serves the next connection', async () => {
    const res = await rawRequest(base, '/healthz', {});
    expect(res.status).toBe(200);
  });
});
