/**
 * The contract, checked by a third-party validator: the OpenAPI document as GET /openapi.json
 * serves it, compiled by Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1), against the
 * examples it shows and the answers the service gives. The findings of issue 8 (what Prism, Ajv
 * and fast-check found against the running service) each have a test here, so they stay fixed.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { HEAVY } from '../support/heavy.js';
import { LogLines } from '../support/log-lines.js';
import { DocumentValidators, type WireResponse, servedDocument } from './document.js';

type Json = Record<string, any>;

const app = await buildTestApp({ pool: false });
afterAll(() => app.close());
const doc = await servedDocument(app);
const contract = new DocumentValidators(doc);

const post = async (url: string, payload: unknown, headers: Record<string, string> = {}): Promise<WireResponse> =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const expectDocumented = (method: string, path: string, res: WireResponse): void => {
  expect(contract.check(method, path, res), `${method} ${path}`).toEqual([]);
};

/** Each POST route that takes a problem spec, with its documented `neuron` example's other fields (learningRate, answers...). */
const specRoutes = contract.operations
  .filter(({ operation }) => operation.requestBody?.content['application/json']?.schema?.properties?.neuron)
  .map(({ route, path, operation }) => {
    const { neuron, ...extra } = operation.requestBody!.content['application/json'].examples!.neuron.value as Json;
    return { route, path, neuron, extra };
  });

/** A schema and each schema inside it, with a JSON pointer to each, for the `example` keywords they carry. */
function* schemasIn(schema: unknown, pointer: string): Generator<[string, Json]> {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const node = schema as Json;
  yield [pointer, node];
  for (const key of ['properties', '$defs'])
    for (const [name, sub] of Object.entries<Json>(node[key] ?? {})) yield* schemasIn(sub, `${pointer}/${key}/${name}`);
  for (const key of ['items', 'additionalProperties', 'propertyNames', 'not'])
    yield* schemasIn(node[key], `${pointer}/${key}`);
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    for (const [i, sub] of ((node[key] ?? []) as Json[]).entries()) yield* schemasIn(sub, `${pointer}/${key}/${i}`);
}

describe('The served OpenAPI document, read by Ajv 2020-12 (strict, with ajv-formats)', () => {
  it('compiles every request body and every response schema', () => {
    for (const { route, operation } of contract.operations) {
      const body = operation.requestBody?.content['application/json']?.schema;
      if (body) expect(() => contract.validator(body), route).not.toThrow();
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [mediaType, media] of Object.entries(response.content ?? {})) {
          if (media.schema)
            expect(() => contract.validator(media.schema!), `${route} ${status} ${mediaType}`).not.toThrow();
        }
      }
    }
  });

  it.each(contract.operations.filter(({ operation }) => operation.requestBody))(
    '$route: every request example matches the request schema',
    ({ method, path, operation }) => {
      const validate = contract.request(method, path);
      for (const [name, example] of Object.entries(operation.requestBody!.content['application/json'].examples ?? {})) {
        expect(validate(example.value), `${name}: ${contract.errorsOf(validate)}`).toBe(true);
      }
    },
  );

  it.each(contract.operations)(
    '$route: every response example matches the schema of its status and media type',
    ({ route, operation }) => {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [mediaType, media] of Object.entries(response.content ?? {})) {
          const validate = contract.validator(media.schema ?? {});
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            expect(
              validate(example.value),
              `${route} ${status} ${mediaType} ${name}: ${contract.errorsOf(validate)}`,
            ).toBe(true);
          }
        }
      }
    },
  );

  it('every example of components.responses matches its schema', () => {
    for (const [name, response] of Object.entries<Json>(doc.components.responses)) {
      for (const media of Object.values<Json>(response.content)) {
        const validate = contract.validator(media.schema);
        for (const [example, { value }] of Object.entries<Json>(media.examples))
          expect(validate(value), `${name} ${example}: ${contract.errorsOf(validate)}`).toBe(true);
      }
    }
  });

  it('every `example` inside a schema or a parameter matches the schema that carries it', () => {
    let checked = 0;
    const check = (where: string, schema: Json, value: unknown) => {
      const { example: _, examples: __, ...rest } = schema;
      const validate = contract.validator(rest);
      expect(validate(value), `${where}: ${contract.errorsOf(validate)}`).toBe(true);
      checked++;
    };
    for (const [name, component] of Object.entries<Json>(doc.components.schemas)) {
      for (const [pointer, schema] of schemasIn(component, `#/components/schemas/${name}`))
        if (schema.example !== undefined) check(pointer, schema, schema.example);
    }
    for (const { route, operation } of contract.operations) {
      for (const parameter of operation.parameters ?? [])
        if (parameter.example !== undefined) check(`${route} ${parameter.name}`, parameter.schema, parameter.example);
      const body = operation.requestBody?.content['application/json']?.schema;
      for (const [pointer, schema] of body ? schemasIn(body, `${route} body`) : [])
        if (schema.example !== undefined) check(pointer, schema, schema.example);
    }
    expect(checked).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------------------------
// One test per finding of issue 8.

describe('Finding: 415 was undocumented on every POST route, 413 on /v1/exercises', () => {
  it.each(contract.operations.filter(({ method }) => method === 'POST'))(
    '$route documents 415 as a problem',
    ({ operation }) => {
      expect(Object.keys(operation.responses['415']?.content ?? {})).toEqual(['application/problem+json']);
    },
  );

  it('POST /v1/exercises documents 413, and answers a body over the limit with it', async () => {
    expect(Object.keys(contract.operation('POST', '/v1/exercises').responses)).toContain('413');
    const small = await buildTestApp({ pool: false, bodyLimit: 256 });
    try {
      const res = await small.inject({
        method: 'POST',
        url: '/v1/exercises',
        payload: { template: 'neuron-sigmoid', seed: 1, locale: 'en', pad: 'x'.repeat(400) },
      });
      expect(res.statusCode).toBe(413);
      expectDocumented('POST', '/v1/exercises', res);
    } finally {
      await small.close();
    }
  });
});

describe('Finding: every error is sent as application/problem+json, and the document said application/json', () => {
  it.each(contract.operations)(
    '$route documents each error status as application/problem+json',
    ({ route, operation }) => {
      for (const [status, response] of Object.entries(operation.responses)) {
        // /readyz's 503 is the readiness answer itself, {"status": "shutting_down"}.
        if (Number(status) < 400 || (route === 'GET /readyz' && status === '503')) continue;
        expect(Object.keys(response.content ?? {}), `${route} ${status}`).toEqual(['application/problem+json']);
      }
    },
  );

  it.each([
    ['malformed JSON', 'POST', '/v1/forward', '{"neuron": {"x": 3,}}', 400],
    ['a field the schema refuses', 'POST', '/v1/gradients', { neuron: { x: 3, w: -0.2, b: 0.4 } }, 400],
    ['an unknown id', 'POST', '/v1/gradients', { graph: { inputs: { x: 1 }, expr: 'L = x * q' } }, 422],
    ['an unknown template', 'POST', '/v1/exercises', { template: 'nope', seed: 1 }, 422],
    ['a path no route has', 'GET', '/v1/nowhere', undefined, 404],
    ['a method the route does not have', 'GET', '/v1/forward', undefined, 405],
  ] as const)('answers %s with the documented problem', async (_what, method, path, payload, status) => {
    const res = method === 'POST' ? await post(path, payload) : await app.inject({ method, url: path });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expectDocumented(method, path, res);
  });
});

/** A request over a socket to a listening app: Node's HTTP parser answers some requests before fastify routes them. */
async function overSocket(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<WireResponse> {
  const server = await buildTestApp({ pool: false });
  await server.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = server.server.address() as { port: number };
    return await new Promise<WireResponse>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ statusCode: res.statusCode!, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    await server.close();
  }
}

describe("Finding: a 60 kB header or a 70 kB URL got Fastify's default 431 body, not a problem", () => {
  it.each([
    ['GET', '/healthz'],
    ['POST', '/v1/forward'],
  ])('%s %s: a 60 kB header is a 431 problem, as documented', async (method, path) => {
    const body = JSON.stringify({ neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } });
    const res = await overSocket(
      method,
      path,
      { 'content-type': 'application/json', 'x-padding': 'a'.repeat(60_000) },
      method === 'POST' ? body : undefined,
    );
    expect(res.statusCode).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
    expectDocumented(method, path, res);
  });

  it('GET /v1/ops: a 70 kB URL is a 431 problem, as documented', async () => {
    const res = await overSocket('GET', `/v1/ops?padding=${'a'.repeat(70_000)}`, {});
    expect(res.statusCode).toBe(431);
    expectDocumented('GET', '/v1/ops', res);
  });
});

describe('Finding: the request schemas were looser than the service (517 bodies the document accepted were a 400)', () => {
  const refusals: { name: string; body: (neuron: Json, extra: Json) => Json | undefined }[] = [
    { name: 'no problem spec', body: (_neuron, extra) => ({ ...extra }) },
    {
      name: 'two problem specs',
      body: (neuron, extra) => ({ neuron, network: { x: [1], y: 1, layers: [{ W: [[1]], b: [0] }] }, ...extra }),
    },
    {
      name: 'three problem specs',
      body: (neuron, extra) => ({
        neuron,
        graph: { expr: 'L = x' },
        network: { x: [1], y: 1, layers: [{ W: [[1]], b: [0] }] },
        ...extra,
      }),
    },
    {
      name: 'a graph with both nodes and expr',
      body: (_neuron, extra) => ({
        graph: { inputs: { x: 1 }, nodes: [{ id: 'L', op: 'neg', args: ['x'] }], expr: 'L = -x' },
        ...extra,
      }),
    },
    {
      name: 'a graph with neither nodes nor expr',
      body: (_neuron, extra) => ({ graph: { inputs: { x: 1 } }, ...extra }),
    },
    { name: 'empty answers', body: (neuron, extra) => (extra.answers ? { neuron, ...extra, answers: {} } : undefined) },
    {
      name: 'more than 200 answers',
      body: (neuron, extra) =>
        extra.answers
          ? { neuron, ...extra, answers: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 1])) }
          : undefined,
    },
  ];

  const cases = specRoutes.flatMap(({ route, path, neuron, extra }) =>
    refusals.flatMap(({ name, body }) => {
      const sent = body(neuron, extra);
      return sent ? [{ route, path, name, sent }] : [];
    }),
  );

  it.each(specRoutes)(
    '$route: its documented neuron example is accepted by the document and computed by the service',
    async ({ path, neuron, extra }) => {
      const body = { neuron, ...extra };
      expect(contract.request('POST', path)(body)).toBe(true);
      expect((await post(path, body)).statusCode).toBe(200);
    },
  );

  it.each(cases)('$route refuses $name, in the document (Ajv) and in the service (400)', async ({ path, sent }) => {
    expect(contract.request('POST', path)(sent)).toBe(false);
    const res = await post(path, sent);
    expect(res.statusCode).toBe(400);
    expectDocumented('POST', path, res);
  });

  it.each(specRoutes)(
    '$route refuses 1e999 (Infinity once parsed) in the document (maximum) and in the service',
    async ({ path, neuron, extra }) => {
      const text = JSON.stringify({ neuron: { ...neuron, b: 12345 }, ...extra }).replace('12345', '1e999');
      expect(contract.request('POST', path)(JSON.parse(text))).toBe(false);
      const res = await post(path, text);
      expect(res.statusCode).toBe(400);
      expectDocumented('POST', path, res);
    },
  );

  it('a ragged matrix, which JSON Schema cannot refuse, is a documented 400 that the schema of values describes', async () => {
    const value = doc.components.schemas.ValueInput ?? doc.components.schemas.Value;
    expect(value.description).toMatch(/ragged value is a 400/);
    const body = { graph: { inputs: { A: [[1, 2], [3]] }, nodes: [{ id: 'L', op: 'sum', args: ['A'] }] } };
    expect(contract.request('POST', '/v1/forward')(body)).toBe(true);
    const res = await post('/v1/forward', body);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'INVALID_VALUE', errors: [{ path: 'graph.inputs.A[1]' }] });
    expect(contract.operation('POST', '/v1/forward').responses['400'].description).toMatch(/ragged/);
    expectDocumented('POST', '/v1/forward', res);
  });

  it('a __proto__ id is checked like any other: its value by the schema, and an answer about it counts', async () => {
    // JSON.parse makes __proto__ an own key, as the service's parser does.
    const text = '{"graph": {"inputs": {"__proto__": "three"}, "expr": "L = -__proto__"}}';
    expect(contract.request('POST', '/v1/forward')(JSON.parse(text))).toBe(false);
    const refused = await post('/v1/forward', text);
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({
      code: 'VALIDATION',
      errors: [{ path: 'graph.inputs.__proto__' }],
    });

    const graded = '{"graph": {"inputs": {"__proto__": 3}, "expr": "L = -__proto__"}, "answers": {"__proto__": 3}}';
    expect(contract.request('POST', '/v1/grade')(JSON.parse(graded))).toBe(true);
    const res = await post('/v1/grade', graded);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ score: 1, results: [{ key: '__proto__', correct: true }] });
  });
});

describe('Finding: a gzip body got 400 "malformed JSON", and a declared charset=utf-16 was read as UTF-8', () => {
  const body = JSON.stringify({ neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } });

  it.each(specRoutes.map(({ path }) => path))('POST %s answers a gzip body with the documented 415', async (path) => {
    const res = await post(path, body, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(415);
    expect(res.headers['accept-encoding']).toBe('identity');
    expectDocumented('POST', path, res);
  });

  it.each(['utf-16', 'utf-16le', 'iso-8859-1'])(
    'POST /v1/gradients answers a body declared as charset=%s with the documented 415',
    async (charset) => {
      const res = await post('/v1/gradients', body, { 'content-type': `application/json; charset=${charset}` });
      expect(res.statusCode).toBe(415);
      expectDocumented('POST', '/v1/gradients', res);
    },
  );

  it('reads a body declared as charset=utf-8', async () => {
    expect((await post('/v1/gradients', body, { 'content-type': 'application/json; charset=utf-8' })).statusCode).toBe(
      200,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The statuses of the HTTP edge, each as documented for its route.

describe('The HTTP edge answers as the document says', () => {
  const KEY = 'contract-test-key-0123456789';
  const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };

  async function withApp<T>(
    options: Parameters<typeof buildTestApp>[0],
    run: (other: Awaited<ReturnType<typeof buildTestApp>>) => Promise<T>,
  ): Promise<T> {
    const other = await buildTestApp({ pool: false, ...options });
    try {
      return await run(other);
    } finally {
      await other.close();
    }
  }

  it('401 without a key and with a wrong one, with WWW-Authenticate, on /v1 routes when API_KEYS is set; 200 with the right one', async () => {
    await withApp({ auth: { apiKeys: [KEY] } }, async (keyed) => {
      for (const { method, path } of contract.operations.filter(({ path }) => path.startsWith('/v1/'))) {
        for (const authorization of [undefined, 'Bearer wrong-key-wrong-key-wrong']) {
          const res = await keyed.inject({
            method: method as 'GET',
            url: path,
            headers: authorization ? { authorization } : {},
            ...(method === 'POST' && { payload: neuron }),
          });
          expect(res.statusCode, `${method} ${path}`).toBe(401);
          expectDocumented(method, path, res);
        }
      }
      const res = await keyed.inject({
        method: 'POST',
        url: '/v1/forward',
        headers: { authorization: `Bearer ${KEY}` },
        payload: neuron,
      });
      expect(res.statusCode).toBe(200);
      expectDocumented('POST', '/v1/forward', res);
      // The probes stay open.
      expectDocumented('GET', '/healthz', await keyed.inject({ method: 'GET', url: '/healthz' }));
    });
  });

  it('429 with Retry-After and the rate-limit headers; the answers before it carry the rate-limit headers', async () => {
    await withApp({ rateLimit: { max: 2, windowMs: 60_000 } }, async (limited) => {
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(await limited.inject({ method: 'POST', url: '/v1/gradients', payload: neuron }));
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 429]);
      for (const res of answers) expectDocumented('POST', '/v1/gradients', res);
      expect(answers[0].headers['x-ratelimit-limit']).toBe('2');
      expect(contract.response('POST', '/v1/gradients', 200)!.headers).toHaveProperty(['X-RateLimit-Remaining']);
    });
  });

  it('503 OVERLOADED with Retry-After while the process sheds load; /readyz says so, /healthz answers', async () => {
    await withApp(
      {
        shedding: {
          maxEventLoopDelayMs: 0,
          maxHeapUsedFraction: 1e-15,
          maxEventLoopUtilization: 0,
          sampleIntervalMs: 5,
        },
      },
      async (shedding) => {
        // From the plugin's first sample on: awaited, within a bound that only a broken plugin reaches.
        await vi.waitFor(() => expect(shedding.isUnderPressure()).toBe(true), { timeout: 15_000, interval: 10 });
        for (const [method, path] of [
          ['POST', '/v1/forward'],
          ['POST', '/v1/render'],
          ['POST', '/v1/exercises'],
          ['GET', '/v1/ops'],
        ] as const) {
          const res = await shedding.inject({
            method,
            url: path,
            ...(method === 'POST' && {
              payload: path === '/v1/exercises' ? { template: 'neuron-sigmoid', seed: 1 } : neuron,
            }),
          });
          expect(res.statusCode, `${method} ${path}`).toBe(503);
          expect(JSON.parse(res.body).code).toBe('OVERLOADED');
          expectDocumented(method, path, res);
        }
        const ready = await shedding.inject({ method: 'GET', url: '/readyz' });
        expect(ready.statusCode).toBe(503);
        expectDocumented('GET', '/readyz', ready);
        expectDocumented('GET', '/healthz', await shedding.inject({ method: 'GET', url: '/healthz' }));
      },
    );
  });

  it('503 BUSY on a compute route when every worker is busy, as documented', async () => {
    // One worker and no queue, held by a job of seconds from the moment its log line says it was
    // handed to the pool: the next request is refused whatever the machine's speed. Its client
    // then goes away, which stops the job.
    const logs = new LogLines();
    const limits = {
      maxNodes: 200_000,
      maxElements: 1_000_000,
      maxTotalElements: 20_000_000,
      maxWork: 1_000_000_000_000,
      maxResponseValues: 1_000_000,
      maxResponseBytes: 8 * 1024 * 1024,
    };
    const client = new AbortController();
    await withApp(
      {
        pool: { threads: 1, queue: 0, budgetMs: 600_000 },
        offloadWork: 0,
        limits,
        logger: { level: 'info', stream: logs.stream },
      },
      async (busy) => {
        try {
          const base = await busy.listen({ port: 0, host: '127.0.0.1' });
          const holding = fetch(`${base}/v1/gradcheck`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(HEAVY),
            signal: client.signal,
          }).catch(() => undefined);
          await logs.until((l) => l.msg === 'computing on a worker');
          const res = await busy.inject({ method: 'POST', url: '/v1/gradients', payload: neuron });
          expect(res.statusCode).toBe(503);
          expectDocumented('POST', '/v1/gradients', res);
          client.abort();
          await holding;
        } finally {
          client.abort();
          // Not a wait for the client's idle keep-alive connection to time out.
          busy.server.closeAllConnections();
        }
      },
    );
  });

  it('405 with Allow for a known path and another method; 404 for an unknown path (components.responses)', async () => {
    for (const [method, path, status] of [
      ['GET', '/v1/gradients', 405],
      ['DELETE', '/v1/ops', 405],
      ['PUT', '/healthz', 405],
      ['GET', '/v1/gradient', 404],
      ['POST', '/v2/forward', 404],
    ] as const) {
      const res = await app.inject({ method, url: path });
      expect(res.statusCode, `${method} ${path}`).toBe(status);
      expectDocumented(method, path, res);
    }
  });
});
