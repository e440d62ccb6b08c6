/**
 * The OpenAPI document teaches by itself: every route, whoever adds it, is checked here through
 * the document's own paths, and every example in it is checked against what the service answers.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { toProblem, writeClientError } from '../../src/http/problem.js';
import { DEFAULT_RATE_LIMIT } from '../../src/http/rate-limit.js';
import { openapiText } from '../../src/openapi-document.js';
import { PoolBusyError } from '../../src/workers/pool.js';
import { checkCase } from '../support/conformance.js';
import { buildTestApp } from '../support/app.js';

type Json = Record<string, any>;
interface Example {
  summary?: string;
  value: unknown;
}
interface Media {
  schema?: Json;
  examples?: Record<string, Example>;
}
interface Response {
  description?: string;
  headers?: Record<string, { description?: string; required?: boolean; schema?: Json }>;
  content?: Record<string, Media>;
}
interface Operation {
  summary?: string;
  description?: string;
  parameters?: Json[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, Response>;
}

const app = await buildTestApp({ pool: false });
const doc: Json = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
afterAll(() => app.close());

const packageVersion: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

const operations = Object.entries<Record<string, Operation>>(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({
    route: `${method.toUpperCase()} ${path}`,
    path,
    method: method.toUpperCase() as 'GET' | 'POST',
    operation,
  })),
);

/** Request examples by name; an operation without a body has one plain request, `answer`. */
function requestExamples(operation: Operation): [string, Example | undefined][] {
  const examples = operation.requestBody?.content['application/json']?.examples;
  if (examples) return Object.entries(examples);
  return operation.requestBody ? [] : [['answer', undefined]];
}

const send = (method: 'GET' | 'POST', path: string, example: Example | undefined) =>
  app.inject({ method, url: path, ...(example && { payload: example.value as object }) });

const bodyOf = (res: { headers: Record<string, unknown>; body: string; json: () => unknown }): unknown =>
  String(res.headers['content-type']).split(';')[0].endsWith('json') ? res.json() : res.body;

/** /readyz's 503 is the readiness answer itself, `{"status": "shutting_down"}`, not an error document. */
const notProblems = new Set(['GET /readyz 503']);

describe('GET /openapi.json', () => {
  it('is OpenAPI 3.1 with every route', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/forward',
      '/v1/gradients',
      '/v1/step',
      '/v1/gradcheck',
      '/v1/grade',
      '/v1/ops',
      '/v1/exercises',
      '/v1/render',
      '/healthz',
      '/readyz',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it("has package.json's version", () => {
    expect(doc.info.version).toBe(packageVersion);
  });

  it('matches the committed openapi/openapi.json (npm run openapi:write regenerates it)', async () => {
    const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
    expect(await openapiText()).toBe(committed);
  });

  it('is what Swagger UI shows (/docs/json)', async () => {
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).json()).toEqual(doc);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger-ui');
  });

  it("computes the tutorial's numbers from its examples", async () => {
    const example = doc.paths['/v1/gradients'].post.requestBody.content['application/json'].examples.expr.value;
    const res = await app.inject({ method: 'POST', url: '/v1/gradients', payload: example });
    // y_hat = sigmoid(-0.2), dL/dw = (y_hat - 0) * y_hat (1 - y_hat) * 3, written out by hand:
    const yHat = 1 / (1 + Math.exp(0.2));
    const c = {
      name: 'tutorial',
      endpoint: '/v1/gradients',
      expect: { 'values.y_hat': yHat, 'gradients.w': yHat * yHat * (1 - yHat) * 3 },
    };
    expect(checkCase(c, res.statusCode, 'application/json', res.body)).toEqual([]);
  });

  it('documents 404 and 405, which answer requests no operation describes, as components; 405 with Allow', () => {
    const { NotFound, MethodNotAllowed } = doc.components.responses;
    expect(Object.keys(NotFound.content)).toEqual(['application/problem+json']);
    expect(Object.keys(MethodNotAllowed.content)).toEqual(['application/problem+json']);
    expect(MethodNotAllowed.headers.Allow).toMatchObject({ required: true, schema: { type: 'string' } });
  });

  it('declares no security scheme when no API key is set, so that Swagger UI shows no lock and no "Authorize"', () => {
    expect(doc.components.securitySchemes).toBeUndefined();
    expect(doc.security).toBeUndefined();
    for (const { route, operation } of operations) expect((operation as Json).security, route).toBeUndefined();
  });

  it('requires the bearer scheme on every /v1 route, and only there, when API keys are set', async () => {
    const keyed = await buildTestApp({ pool: false, auth: { apiKeys: ['openapi-test-key-0123456789'] } });
    try {
      const secured: Json = (await keyed.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(secured.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
      const paths = Object.entries<Record<string, Json>>(secured.paths);
      expect(paths.length).toBe(Object.keys(doc.paths).length);
      for (const [path, item] of paths) {
        for (const [method, operation] of Object.entries(item))
          expect(operation.security, `${method} ${path}`).toEqual(
            path.startsWith('/v1/') ? [{ apiKey: [] }] : undefined,
          );
      }
    } finally {
      await keyed.close();
    }
  });

  it('preselects Accept-Language: en in "Try it out", with pt-BR to choose', () => {
    for (const { route, path, operation } of operations.filter(({ path }) => path.startsWith('/v1/'))) {
      const header = operation.parameters?.find((p) => p.in === 'header' && p.name === 'Accept-Language');
      expect(header, `${route} (${path})`).toBeDefined();
      expect(header!.schema.enum).toEqual(['en', 'pt-BR']);
      expect(header!.example, route).toBe('en');
    }
  });
  it("shows the tutorial's worked example as POST /v1/gradients answers it", () => {
    const { values, gradients } =
      doc.paths['/v1/gradients'].post.responses['200'].content['application/json'].examples.worked.value;
    // The tutorial's text: u = 1, z = 0, y_hat = 0.5, L = 0.125, dL/dy_hat = -0.5, dL/dz = -0.125, dL/dw = -0.25, dL/db = -0.125.
    expect(values).toMatchObject({ u: 1, z: 0, y_hat: 0.5, L: 0.125 });
    expect(gradients).toMatchObject({ y_hat: -0.5, z: -0.125, w: -0.25, b: -0.125 });
  });
});

describe.each(operations)('$route in the OpenAPI document', ({ route, path, method, operation }) => {
  it('has a summary and a description', () => {
    expect(operation.summary, route).toBeTruthy();
    expect(operation.description, route).toBeTruthy();
  });

  it.runIf(operation.requestBody)('has named request examples, each with a summary', () => {
    for (const media of Object.values(operation.requestBody!.content)) {
      expect(Object.keys(media.examples ?? {}).length, route).toBeGreaterThan(0);
      for (const [name, example] of Object.entries(media.examples!)) {
        expect(example.summary, `${route} example ${name}`).toBeTruthy();
        expect(example.value, `${route} example ${name}`).toBeDefined();
      }
    }
  });

  it.runIf(operation.requestBody?.content['application/json']?.schema?.properties?.neuron)(
    "has the tutorial's worked example, its exercise, an expr graph and a 2-2-1 network among its examples",
    () => {
      const values = Object.values(operation.requestBody!.content['application/json'].examples!).map(
        (e) => e.value as Json,
      );
      expect(
        values.some((v) => v.neuron && v.neuron.x === 2 && v.neuron.w === 0.5 && v.neuron.b === -1 && v.neuron.y === 1),
        'worked example',
      ).toBe(true);
      expect(
        values.some(
          (v) => v.neuron && v.neuron.x === 3 && v.neuron.w === -0.2 && v.neuron.b === 0.4 && v.neuron.y === 0,
        ),
        'exercise',
      ).toBe(true);
      expect(
        values.some((v) => typeof v.graph?.expr === 'string'),
        'expr graph',
      ).toBe(true);
      const shapes = (v: Json) => v.network?.layers.map((l: Json) => [l.W?.length, l.W?.[0].length]);
      expect(
        values.some((v) => JSON.stringify(shapes(v)) === '[[2,2],[1,2]]'),
        '2-2-1 network',
      ).toBe(true);
    },
  );

  it('answers each request example with the status that documents it (200 unless said otherwise)', async () => {
    for (const [name, example] of requestExamples(operation)) {
      const documented = Object.entries(operation.responses).find(([, r]) =>
        Object.values(r.content ?? {}).some((m) => m.examples?.[name]),
      );
      const res = await send(method, path, example);
      expect(res.statusCode, `${route} example ${name}: ${res.body.slice(0, 500)}`).toBe(
        documented ? Number(documented[0]) : 200,
      );
    }
  });

  it('shows as each success example what the service answers to the request example of the same name', async () => {
    const requests = new Map(requestExamples(operation));
    for (const [status, response] of Object.entries(operation.responses).filter(([s]) => s.startsWith('2'))) {
      for (const [mediaType, media] of Object.entries(response.content ?? {})) {
        for (const [name, shown] of Object.entries(media.examples ?? {})) {
          expect(
            requests.has(name),
            `${route} ${status} ${mediaType} example ${name} has no request example of its name`,
          ).toBe(true);
          const res = await send(method, path, requests.get(name));
          expect(res.statusCode).toBe(Number(status));
          expect(bodyOf(res), `${route} ${status} example ${name}`).toEqual(shown.value);
        }
      }
    }
  });

  it('describes each status in its own words, with examples', () => {
    for (const [status, response] of Object.entries(operation.responses)) {
      expect(response.description, `${route} ${status}`).toBeTruthy();
      expect(
        response.description,
        `${route} ${status}: describe it in the route's schema.responseDocs (src/http/openapi.ts)`,
      ).not.toBe('Default Response');
      expect(Object.keys(response.content ?? {}).length, `${route} ${status} has no content`).toBeGreaterThan(0);
      // A 200 with several media types (POST /v1/render) has examples in the one its examples are sent in.
      const examples = Object.values(response.content ?? {}).flatMap((m) => Object.keys(m.examples ?? {}));
      expect(examples.length, `${route} ${status} has no example`).toBeGreaterThan(0);
    }
  });

  it('documents each error as application/problem+json, with examples of its own status', () => {
    for (const [status, response] of Object.entries(operation.responses).filter(([s]) => Number(s) >= 400)) {
      if (notProblems.has(`${route} ${status}`)) continue;
      expect(Object.keys(response.content!), `${route} ${status}`).toEqual(['application/problem+json']);
      const media = response.content!['application/problem+json'];
      expect(media.schema?.$ref, `${route} ${status}`).toBe('#/components/schemas/ProblemDetails');
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        expect((example.value as Json).status, `${route} ${status} example ${name}`).toBe(Number(status));
      }
    }
  });

  it.runIf(method === 'POST')(
    'documents 400, 413 and 415, which the body parser answers on every route with a body',
    () => {
      expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(['400', '413', '415']));
    },
  );

  it("documents 408 and 431, which Node's HTTP parser answers on any route", () => {
    expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(['408', '431']));
  });

  it.runIf(path.startsWith('/v1/'))(
    'documents 401 with WWW-Authenticate, 429 with Retry-After and the rate-limit headers, and 503 with Retry-After',
    () => {
      const required = (status: string) =>
        Object.entries(operation.responses[status]?.headers ?? {})
          .filter(([, h]) => h.required)
          .map(([name]) => name);
      expect(required('401'), route).toEqual(['WWW-Authenticate']);
      expect(operation.responses['401'].description).toMatch(/API_KEYS/);
      expect(required('429').sort(), route).toEqual([
        'Retry-After',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
      ]);
      expect(required('503'), route).toEqual(['Retry-After']);
      const examples503 = Object.values(operation.responses['503'].content!['application/problem+json'].examples!).map(
        (e) => (e.value as Json).code,
      );
      // BUSY only where the worker pool computes: the routes that declare 503 themselves.
      expect(examples503, route).toContain('OVERLOADED');
      expect(examples503.includes('BUSY'), route).toBe(
        [
          '/v1/forward',
          '/v1/gradients',
          '/v1/step',
          '/v1/gradcheck',
          '/v1/grade',
          '/v1/explain',
          '/v1/exercises',
          '/v1/exercises/export',
          '/v1/render',
        ].includes(path),
      );
    },
  );

  it.runIf(!path.startsWith('/v1/'))(
    'leaves 401, 429 and an overloaded 503 out of the probes, which are never refused',
    () => {
      expect(Object.keys(operation.responses), route).not.toEqual(expect.arrayContaining(['401']));
      expect(Object.keys(operation.responses), route).not.toEqual(expect.arrayContaining(['429']));
      expect(operation.responses['503']?.content?.['application/problem+json'], route).toBeUndefined();
    },
  );

  it('documents the content type of each success as the service sends it', async () => {
    for (const [name, example] of requestExamples(operation)) {
      const res = await send(method, path, example);
      const mediaType = String(res.headers['content-type']).split(';')[0];
      expect(
        Object.keys(operation.responses[String(res.statusCode)]?.content ?? {}),
        `${route} example ${name}`,
      ).toContain(mediaType);
    }
  });

  it.runIf(path.startsWith('/v1/'))('documents the Accept-Language header and what it changes', () => {
    const header = operation.parameters?.find((p) => p.in === 'header' && p.name.toLowerCase() === 'accept-language');
    expect(header, route).toBeDefined();
    expect(header!.schema.enum).toEqual(expect.arrayContaining(['pt-BR', 'en']));
    expect(header!.description).toMatch(/pt-BR/);
  });
});

/** A request that makes each error example, with the app it goes to. */
const smallBodies = await buildTestApp({ pool: false, bodyLimit: 1024 });
afterAll(() => smallBodies.close());

/** What the connection carries, as writeClientError writes it for a request Node's parser refused. */
function clientErrorAnswer(code: string): Json {
  let written = '';
  const socket = new Socket();
  Object.defineProperty(socket, 'writable', { value: true });
  socket.write = ((chunk: string) => {
    written += chunk;
    return true;
  }) as Socket['write'];
  socket.destroy = (() => socket) as Socket['destroy'];
  writeClientError(Object.assign(new Error(code), { code }), socket);
  return JSON.parse(written.slice(written.indexOf('\r\n\r\n') + 4));
}

/** A 60 kB header to a listening server: Node's parser refuses it before fastify sees a request. */
async function headersTooLarge(): Promise<Json> {
  const server = await buildTestApp({ pool: false });
  await server.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = server.server.address() as { port: number };
    return await new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/healthz', headers: { 'x-padding': 'a'.repeat(60_000) } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk));
          res.on('end', () => resolve(JSON.parse(body)));
        },
      );
      req.on('error', reject);
      req.end();
    });
  } finally {
    await server.close();
  }
}

const KEY = 'openapi-test-key-0123456789';

async function withApp(
  options: Parameters<typeof buildTestApp>[0],
  run: (app: Awaited<ReturnType<typeof buildTestApp>>) => Promise<Json>,
): Promise<Json> {
  const other = await buildTestApp({ pool: false, ...options });
  try {
    return await run(other);
  } finally {
    await other.close();
  }
}

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };

const column = Array.from({ length: 1000 }, () => [1]);
const reproduce: Record<string, () => Promise<Json>> = {
  validation: () => post('/v1/gradients', { neuron: { x: 3, w: -0.2, b: 0.4 } }),
  'malformed-json': () => post('/v1/gradients', '{"neuron": {"x": 3,}}'),
  'not-found': () => post('/v1/gradient', { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } }),
  'body-too-large': async () =>
    (
      await smallBodies.inject({
        method: 'POST',
        url: '/v1/gradients',
        payload: { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 }, pad: 'x'.repeat(2000) },
      })
    ).json(),
  'too-many-values': () =>
    post('/v1/gradients', {
      graph: {
        inputs: { a: column, b: [column.map(() => 1)] },
        nodes: [
          { id: 'm', op: 'matmul', args: ['a', 'b'] },
          { id: 'L', op: 'sum', args: ['m'] },
        ],
      },
    }),
  'unsupported-media-type': async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/gradients',
        headers: { 'content-type': 'text/plain' },
        payload: 'x=3',
      })
    ).json(),
  'unsupported-encoding': async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/gradients',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: JSON.stringify(neuron),
      })
    ).json(),
  'unsupported-charset': async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/gradients',
        headers: { 'content-type': 'application/json; charset=utf-16' },
        payload: JSON.stringify(neuron),
      })
    ).json(),
  'missing-key': () =>
    withApp({ auth: { apiKeys: [KEY] } }, async (keyed) =>
      (await keyed.inject({ method: 'POST', url: '/v1/gradients', payload: neuron })).json(),
    ),
  'invalid-key': () =>
    withApp({ auth: { apiKeys: [KEY] } }, async (keyed) =>
      (
        await keyed.inject({
          method: 'POST',
          url: '/v1/gradients',
          headers: { authorization: 'Bearer not-the-key' },
          payload: neuron,
        })
      ).json(),
    ),
  'method-not-allowed': async () => (await app.inject({ method: 'GET', url: '/v1/forward' })).json(),
  'request-timeout': async () => clientErrorAnswer('ERR_HTTP_REQUEST_TIMEOUT'),
  'rate-limited': () =>
    withApp({ rateLimit: DEFAULT_RATE_LIMIT }, async (limited) => {
      for (let i = 0; i < DEFAULT_RATE_LIMIT.max; i++) await limited.inject({ method: 'GET', url: '/v1/nowhere' });
      return (await limited.inject({ method: 'POST', url: '/v1/gradients', payload: neuron })).json();
    }),
  'headers-too-large': headersTooLarge,
  // Any heap is over a threshold of one byte: the process sheds load from its first sample on.
  overloaded: () =>
    withApp(
      {
        shedding: {
          maxEventLoopDelayMs: 0,
          maxHeapUsedFraction: 1e-15,
          maxEventLoopUtilization: 0,
          sampleIntervalMs: 5,
        },
      },
      async (shedding) => {
        // From the first sample on, a few milliseconds after start.
        for (
          let waited = 0;
          waited < 2000 && (await shedding.inject({ method: 'GET', url: '/readyz' })).statusCode !== 503;
          waited += 10
        ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return (await shedding.inject({ method: 'POST', url: '/v1/gradients', payload: neuron })).json();
      },
    ),
  'unknown-id': () =>
    post('/v1/gradients', {
      graph: {
        inputs: { x: 3, y: 0 },
        params: { w: -0.2, b: 0.4 },
        expr: 'u = w*x; z = u + c; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
      },
    }),
  'unknown-answer-key': () => post('/v1/grade', { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 }, answers: { 'dL/dq': 1 } }),
  'unknown-template': () => post('/v1/exercises', { template: 'neuron-sigmod', seed: 1 }),
  // Every worker busy cannot be made cheaply here: the handler's own answer to the pool's refusal.
  busy: async () =>
    ({ ...toProblem(new PoolBusyError(1, 2, 4)), requestId: 'sent with every answer to a request' }) as Json,
};

async function post(url: string, payload: object | string): Promise<Json> {
  return (await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })).json();
}

describe('The error examples of the OpenAPI document', () => {
  const examples = new Map<string, Example>();
  const collect = (content: Record<string, Media> | undefined) => {
    for (const [name, example] of Object.entries(content?.['application/problem+json']?.examples ?? {}))
      examples.set(name, example);
  };
  for (const { operation } of operations)
    for (const response of Object.values(operation.responses)) collect(response.content);
  for (const response of Object.values<{ content?: Record<string, Media> }>(doc.components.responses ?? {}))
    collect(response.content);

  it('include each status: 400 (schema and malformed JSON), 401, 404, 405, 408, 413, 415, 422, 429, 431, 503', () => {
    const statuses = [...examples.values()].map((e) => (e.value as Json).status);
    expect(new Set(statuses)).toEqual(new Set([400, 401, 404, 405, 408, 413, 415, 422, 429, 431, 503]));
    expect([...examples.keys()]).toEqual(expect.arrayContaining(['validation', 'malformed-json']));
  });

  it.each([...examples.keys()])(
    '%s is what the service answers (src/schemas/problem-details.ts errorExamples)',
    async (name) => {
      expect(reproduce, `a request that makes the error example ${name}`).toHaveProperty([name]);
      const shown = examples.get(name)!.value as Json;
      const { requestId, ...answer } = await reproduce[name]();
      const { requestId: shownId, ...expected } = shown;
      // Written on the connection before there is a request (408, 431): no request id.
      expect(typeof shownId).toBe(typeof requestId);
      if (name === 'malformed-json') {
        // The parser's own words after the colon depend on the JavaScript engine.
        expect(answer.detail).toMatch(/^the body is not valid JSON: /);
        answer.detail = expected.detail;
      }
      expect(answer).toEqual(expected);
    },
  );
});
