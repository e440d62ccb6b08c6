/**
 * The core as a library (src/index.ts): one call per operation, the same JSON body as its route
 * in, the same JSON out, and the same problems (as a thrown SpecError).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localeFrom } from '../src/text.js';
import { toProblem } from '../src/http/problem.js';
import * as library from '../src/index.js';
import { type OperationName, operations } from '../src/operations/index.js';
import { buildTestApp } from './support/app.js';
import { type ConformanceCase, checkCase } from './support/conformance.js';

const dir = new URL('./conformance/', import.meta.url);
const calls = {
  '/v1/forward': library.forward,
  '/v1/gradients': library.gradients,
  '/v1/step': library.step,
  '/v1/gradcheck': library.gradcheck,
  '/v1/grade': library.grade,
} as Record<string, (body: unknown, options?: library.CallOptions) => unknown>;

const cases: ConformanceCase[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as ConformanceCase)
  .filter((c) => calls[c.endpoint] && c.request !== undefined);

/** The library's answer as the route would send it: the JSON of the result, or the problem of the error. */
function callAsRoute(c: ConformanceCase): { status: number; type: string; body: string } {
  try {
    const result = calls[c.endpoint](c.request, { locale: localeFrom(c.headers?.['Accept-Language']) });
    return { status: 200, type: 'application/json', body: JSON.stringify(result) };
  } catch (e) {
    if (!(e instanceof library.SpecError)) throw e;
    const p = toProblem(e);
    return { status: p.status, type: 'application/problem+json', body: JSON.stringify(p) };
  }
}

describe('the library', () => {
  it.each(cases.map((c) => [c.name, c] as const))('passes conformance case %s', (_, c) => {
    const { status, type, body } = callAsRoute(c);
    expect(checkCase(c, status, type, body)).toEqual([]);
  });

  describe('returns the JSON its route returns', () => {
    let app: Awaited<ReturnType<typeof buildTestApp>>;
    beforeAll(async () => {
      app = await buildTestApp();
    });
    afterAll(() => app.close());

    it.each(cases.filter((c) => (c.expectStatus ?? 200) === 200 && !c.expectStatusIn).map((c) => [c.name, c] as const))(
      '%s',
      async (_, c) => {
        const res = await app.inject({
          method: 'POST',
          url: c.endpoint,
          headers: c.headers,
          payload: c.request as object,
        });
        expect(res.statusCode).toBe(200);
        expect(JSON.parse(callAsRoute(c).body)).toEqual(res.json());
      },
    );
  });

  describe('has one call per entry of the table of operations, answering as its route', () => {
    let app: Awaited<ReturnType<typeof buildTestApp>>;
    beforeAll(async () => {
      app = await buildTestApp();
    });
    afterAll(() => app.close());

    const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
    /** A body for each operation, and the query string of the route (the call's options). */
    const requests: Record<OperationName, { body: object; query?: Record<string, string> }> = {
      forward: { body: neuron },
      gradients: {
        body: {
          graph: {
            inputs: { x: 2, y: 1 },
            params: { w: 0.5, b: -1 },
            expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
          },
        },
      },
      step: { body: { ...neuron, learningRate: 0.1, steps: 3, optimizer: { name: 'adam' } } },
      gradcheck: { body: neuron },
      grade: { body: { ...neuron, answers: { 'dL/dw': '0,334', 'step(w)': -0.3 }, learningRate: 0.1 } },
      explain: { body: { ...neuron, learningRate: 0.1, gradcheck: true } },
      exercise: { body: { template: 'network-2-2-1', seed: 7, locale: 'pt-BR' } },
      exportExercises: { body: { template: 'neuron-sigmoid', count: 2, format: 'moodle-xml' } },
      render: { body: neuron, query: { format: 'dot' } },
    };

    it('names every operation here, so that a new one gets a call and this test', () => {
      expect(Object.keys(requests).sort()).toEqual(Object.keys(operations).sort());
    });

    it.each(Object.keys(operations) as OperationName[])('%s', async (name) => {
      const { body, query } = requests[name];
      // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the test walks every call of the library by name
      const call = library[name] as (body: object, options?: library.CallOptions) => unknown;
      const res = await app.inject({
        method: 'POST',
        url: operations[name].path,
        query,
        headers: { 'accept-language': 'pt-BR' },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
      const result = await call(body, { locale: 'pt-BR', ...query });
      if (result instanceof library.FileAnswer) {
        expect(result.type).toBe(res.headers['content-type']);
        expect(Buffer.from(result.body)).toEqual(res.rawPayload);
      } else expect(JSON.parse(JSON.stringify(result))).toEqual(res.json());
    });
  });

  it('throws a SpecError naming the field, as the route answers 400', () => {
    const call = () => library.gradients({ neuron: { x: 3, w: -0.2, b: 0.4 } } as never);
    expect(call).toThrow(library.SpecError);
    try {
      call();
    } catch (e) {
      expect(e).toMatchObject({ code: 'VALIDATION', errors: [{ path: 'neuron.y', message: 'is required' }] });
    }
  });

  it("writes a SpecError's messages in the call's locale, English by default, with both languages in `localized`", () => {
    const body = { graph: { inputs: { x: 1 }, expr: 'u = x·q' } };
    const thrown = (options?: library.CallOptions): library.SpecError => {
      try {
        library.forward(body, options);
      } catch (e) {
        if (e instanceof library.SpecError) return e;
        throw e;
      }
      throw new Error('expected a SpecError');
    };
    const english = thrown();
    const portuguese = thrown({ locale: 'pt-BR' });
    expect(english.errors).toEqual([
      { path: 'graph.expr', message: "unknown id 'q' (line 1, column 6): not an input, a param or a node" },
    ]);
    expect(portuguese.errors).toEqual([
      {
        path: 'graph.expr',
        message: "id desconhecido 'q' (linha 1, coluna 6): não é uma entrada, um parâmetro nem um nó",
      },
    ]);
    expect(portuguese.message).toBe(`graph.expr: ${portuguese.errors[0].message}`);
    expect(portuguese.code).toBe(english.code);
    expect(portuguese.localized).toEqual(english.localized);
    expect(english.localized[0].message).toEqual({
      en: english.errors[0].message,
      'pt-BR': portuguese.errors[0].message,
    });
  });

  it.each([3, 3000])('keeps ids such as __proto__ as own keys of maps of %i ids', (n) => {
    const nodes = Array.from({ length: n }, (_, k) => ({
      id: k === 1 ? '__proto__' : `n${k}`,
      op: 'add',
      args: [k === 0 ? 'x' : k === 2 ? '__proto__' : `n${k - 1}`, 1],
    }));
    const result = library.gradients({ graph: { inputs: { x: 0 }, nodes } });
    expect(Object.hasOwn(result.values, '__proto__')).toBe(true);
    expect(result.values['__proto__']).toBe(2);
    expect(JSON.parse(JSON.stringify(result)).gradients['__proto__']).toBe(1);
  });

  it('takes its limits as options', () => {
    const body = { graph: { inputs: { x: 1 }, expr: 'a = x + 1; b = a * 2; c = b - 3' } };
    expect(() => library.forward(body, { limits: { maxNodes: 2 } })).toThrow(/3 nodes is more than the limit of 2/);
    // A library caller passes `limits`, not environment variables: the message names no setting
    // (the route's adds MAX_NODES), and the field error says which limit it is.
    expect(() => library.forward(body, { limits: { maxNodes: 2 } })).toThrow(
      expect.objectContaining({
        code: 'TOO_LARGE',
        errors: [{ path: 'graph', message: '3 nodes is more than the limit of 2' }],
        localized: [expect.objectContaining({ limit: { name: 'maxNodes', count: 3, max: 2 } })],
      }),
    );
    expect(library.forward(body).values.c).toBe(1);
  });
});

describe("the package's entry", () => {
  it("runs the README's example as a Node script importing 'gradient-service'", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```js\n(import \{[^`]*?from 'gradient-service';[^`]*?)```/.exec(readme);
    expect(example, 'README has a js example importing gradient-service').not.toBeNull();
    // The example prints with console.log; the package resolves through package.json "exports" (dist/, built by npm test).
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', example![1]], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
    });
    expect(Number(out.trim().split('\n')[0])).toBeCloseTo(0.3342706384098403, 15);
  });
});
