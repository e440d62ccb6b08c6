/**
 * Issue 13: bounded input. Ids, op names, answer keys and other strings of a request have a length
 * in the schema (an over-long one is a 400 naming its field); an unknown op name longer than any
 * real one gets no suggestion; and a problem document quotes at most about 100 characters of what
 * the client sent, however much it sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp(); // the default limits, and the default body limit of 1 MiB
});
afterAll(() => app.close());

type Language = 'en' | 'pt-BR';

const send = (url: string, body: unknown, language: Language = 'en') =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', 'accept-language': language },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** An RFC 9457 answer with this status: its body. */
async function problem(url: string, body: unknown, status: number, language: Language = 'en') {
  const res = await send(url, body, language);
  expect(res.statusCode, res.body.slice(0, 500)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as {
    code: string;
    detail: string;
    errors: { path: string; message: string }[];
    suggestions?: string[];
  };
}

const q = (n: number): string => 'q'.repeat(n);
/** The longest run of `q` in a text: how much of a client's `qqq…` an answer repeats. */
const longestQuote = (text: string): number => Math.max(0, ...(text.match(/q+/g) ?? []).map((run) => run.length));

const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
const nodes = (...list: object[]) => ({ graph: { inputs: { x: 1 }, params: { w: 2 }, nodes: list } });

describe('string lengths in a request', () => {
  it('takes ids of 128 characters, and refuses 129 naming the field', async () => {
    const ok = await send('/v1/forward', {
      graph: { inputs: { [`a${q(127)}`]: 1 }, nodes: [{ id: `b${q(127)}`, op: 'neg', args: [`a${q(127)}`] }] },
    });
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    expect(ok.json().values[`b${q(127)}`]).toBe(-1);

    const node = await problem('/v1/forward', nodes({ id: `u${q(128)}`, op: 'neg', args: ['x'] }), 400);
    expect(node.code).toBe('VALIDATION');
    expect(node.errors).toContainEqual({ path: 'graph.nodes[0].id', message: expect.stringContaining('128') });
    const arg = await problem('/v1/forward', nodes({ id: 'u', op: 'neg', args: [`x${q(128)}`] }), 400);
    expect(arg.errors.map((e) => e.path)).toContain('graph.nodes[0].args[0]');
    const output = await problem(
      '/v1/forward',
      { graph: { inputs: { x: 1 }, nodes: [{ id: 'u', op: 'neg', args: ['x'] }], output: `u${q(128)}` } },
      400,
    );
    expect(output.errors.map((e) => e.path)).toContain('graph.output');
    const include = await problem('/v1/gradients', { neuron, include: [`L${q(128)}`] }, 400);
    expect(include.errors.map((e) => e.path)).toContain('include[0]');
    const wrt = await problem('/v1/gradcheck', { neuron, wrt: [`w${q(128)}`] }, 400);
    expect(wrt.errors.map((e) => e.path)).toContain('wrt[0]');
  });

  it('refuses a leaf id of 129 characters, in both languages', async () => {
    const body = { graph: { inputs: { [`x${q(128)}`]: 1 }, nodes: [{ id: 'u', op: 'neg', args: [1] }] } };
    const en = await problem('/v1/forward', body, 400);
    expect(en.errors).toHaveLength(1);
    expect(en.errors[0].path).toMatch(/^graph\.inputs\.xq+…$/);
    expect(en.errors[0].message).toMatch(/<=128 characters/);
    const pt = await problem('/v1/forward', body, 400, 'pt-BR');
    expect(pt.errors[0].message).toMatch(/no máximo 128 caracteres/);
  });

  it('refuses an op name or an attr name of 65 characters naming the field', async () => {
    const op = await problem('/v1/forward', nodes({ id: 'u', op: `s${q(64)}`, args: ['x'] }), 400);
    expect(op.errors).toContainEqual({ path: 'graph.nodes[0].op', message: expect.stringContaining('64') });
    const attr = await problem(
      '/v1/forward',
      nodes({ id: 'u', op: 'leaky_relu', args: ['x'], attrs: { [`a${q(64)}`]: 0.1 } }),
      400,
    );
    expect(attr.errors[0].path).toMatch(/^graph\.nodes\[0\]\.attrs/);
  });

  it('bounds the names of expr like ids: 128 characters', async () => {
    const ok = await send('/v1/forward', { graph: { inputs: { x: 2 }, expr: `a${q(127)} = x*x` } });
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    expect(ok.json().values[`a${q(127)}`]).toBe(4);

    const long = await problem('/v1/forward', { graph: { inputs: { x: 2 }, expr: `L = x + a${q(500_000)}` } }, 400);
    expect(long.code).toBe('EXPR_SYNTAX');
    expect(long.errors[0].path).toBe('graph.expr');
    expect(long.errors[0].message).toMatch(/longer than 128 characters at line 1, column 9/);
    const pt = await problem('/v1/forward', { graph: { inputs: { x: 2 }, expr: `L = x + a${q(500)}` } }, 400, 'pt-BR');
    expect(pt.errors[0].message).toMatch(/tem mais de 128 caracteres na linha 1, coluna 9/);
  });

  it('bounds answer keys (fd(dA/dB) with ids of 128 fits) and reads answer texts up to 1,000 characters', async () => {
    const id = `w${q(127)}`;
    const graph = { inputs: { x: 3 }, params: { [id]: 2 }, expr: `L = ${id}*x` };
    const fits = await send('/v1/grade', { graph, answers: { [`fd(dL/d${id})`]: 3, L: `6${' '.repeat(900)}` } });
    expect(fits.statusCode, fits.body.slice(0, 300)).toBe(200);
    expect(fits.json().results.map((r: { correct: boolean }) => r.correct)).toEqual([true, true]);

    const key = await problem('/v1/grade', { neuron, answers: { [`d${q(300)}/dw`]: 1 } }, 400);
    expect(key.errors[0].path).toMatch(/^answers\.dq+…$/);
    // A longer text is that answer's result (unparseable), quoted at 100 characters; the others are graded.
    const text = await send('/v1/grade', { neuron, answers: { y_hat: `0.${'4'.repeat(1000)}`, u: -0.6 } });
    expect(text.statusCode).toBe(200);
    const [long, u] = text.json().results;
    expect(long).toMatchObject({
      key: 'y_hat',
      correct: false,
      diagnosis: 'unparseable',
      submitted: `0.${'4'.repeat(97)}…`,
    });
    expect(long.feedback).toContain(
      `'0.${'4'.repeat(97)}…' is too long to read as a number (1002 characters, at most 1000)`,
    );
    expect(u).toMatchObject({ key: 'u', correct: true });
  });

  it('bounds an exercise template name', async () => {
    const p = await problem('/v1/exercises', { template: `n${q(64)}`, seed: 1 }, 400);
    expect(p.errors.map((e) => e.path)).toContain('template');
  });
});

describe('an unknown op name', () => {
  it('of a megabyte is a small 400 with no suggestion', async () => {
    const body = JSON.stringify(nodes({ id: 'u', op: `sigmoid${q(1_000_000 - 7)}`, args: ['x'] }));
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(body.length).toBeLessThan(1024 * 1024);
    const res = await send('/v1/forward', body);
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(2048);
    expect(res.json().errors).toContainEqual({ path: 'graph.nodes[0].op', message: expect.stringContaining('64') });
    expect(res.json().suggestions).toBeUndefined();
  });

  it('longer than every op by more than 3 gets no suggestion; a near one still gets its op', async () => {
    const far = await problem('/v1/forward', nodes({ id: 'u', op: 'sigmoidsigmoids', args: ['x'] }), 422);
    expect(far.code).toBe('UNKNOWN_OP');
    expect(far.suggestions).toEqual([]);
    expect(far.detail).not.toMatch(/nearest/);
    const inExpr = await problem('/v1/forward', { graph: { inputs: { x: 1 }, expr: `L = sigmoid${q(100)}(x)` } }, 422);
    expect(inExpr.code).toBe('UNKNOWN_OP');
    expect(inExpr.suggestions).toEqual([]);
    const near = await problem('/v1/forward', nodes({ id: 'u', op: 'Sigmod', args: ['x'] }), 422);
    expect(near.suggestions).toEqual(['sigmoid']);
  });
});

describe('a problem document quotes at most about 100 characters of what the client sent', () => {
  const long = q(5000);
  const id = `x${q(120)}`; // a valid id, longer than a quote
  const cases: [string, string, unknown, number][] = [
    ['an unknown field', '/v1/step', { neuron, learningRate: 0.1, [long]: 1, [`${long}2`]: 2 }, 400],
    [
      'an invalid key of inputs',
      '/v1/forward',
      { graph: { inputs: { [`1${long}`]: 1 }, nodes: [{ id: 'u', op: 'neg', args: [1] }] } },
      400,
    ],
    ['an unknown op', '/v1/forward', nodes({ id: 'u', op: `s${q(60)}`, args: ['x'] }), 422],
    ['an unknown id', '/v1/forward', nodes({ id: 'u', op: 'neg', args: [id] }), 422],
    ['a duplicate id', '/v1/forward', { graph: { inputs: { [id]: 1 }, nodes: [{ id, op: 'neg', args: [1] }] } }, 422],
    [
      'an unknown output',
      '/v1/forward',
      { graph: { inputs: { x: 1 }, nodes: [{ id: 'u', op: 'neg', args: ['x'] }], output: id } },
      422,
    ],
    ['an unknown id in include', '/v1/gradients', { neuron, include: [id] }, 422],
    ['an unknown id in wrt', '/v1/gradcheck', { neuron, wrt: [id] }, 422],
    ['an unknown answer key', '/v1/grade', { neuron, answers: { [`d${id}/dw`]: 1 } }, 422],
    ['an over-long answer key', '/v1/grade', { neuron, answers: { [long]: 1 } }, 400],
    ['an over-long name in expr', '/v1/forward', { graph: { inputs: { x: 1 }, expr: `L = ${long}` } }, 400],
    ['a malformed number in expr', '/v1/forward', { graph: { inputs: { x: 1 }, expr: `L = 1${long}` } }, 400],
    ['an unknown op in expr', '/v1/forward', { graph: { inputs: { x: 1 }, expr: `L = ${id}(x)` } }, 422],
    ['an unknown id in expr', '/v1/forward', { graph: { inputs: { x: 1 }, expr: `L = x + ${id}` } }, 422],
    ['an unknown template', '/v1/exercises', { template: `n${q(60)}`, seed: 1 }, 422],
  ];

  it.each(cases)('%s', async (_, url, body, status) => {
    for (const language of ['en', 'pt-BR'] as const) {
      const res = await send(url, body, language);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const p = res.json();
      expect(longestQuote(res.body), res.body.slice(0, 500)).toBeGreaterThan(10); // it does quote the client
      for (const text of [
        p.detail,
        ...p.errors.flatMap((e: { path: string; message: string }) => [e.path, e.message]),
      ]) {
        expect(longestQuote(text), text.slice(0, 300)).toBeLessThanOrEqual(100);
      }
      expect(res.body.length).toBeLessThan(3000);
    }
  });

  it('reports the first 20 of 5,000 schema problems, in a document of a few KB', async () => {
    const inputs = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${i}x`, 1]));
    const p = await problem('/v1/forward', { graph: { inputs, nodes: [{ id: 'u', op: 'neg', args: [1] }] } }, 400);
    expect(p.errors).toHaveLength(20);
    expect(p.errors[0].path).toBe('graph.inputs.0x');
    expect(JSON.stringify(p).length).toBeLessThan(4096);
  });

  it('quotes a long URL of a 404 in part', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/${long}?${long}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toMatch(/^no route GET \/v1\/q+…; see \/docs$/);
    expect(longestQuote(res.body)).toBeLessThanOrEqual(100);
  });
});
