import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({
    limits: {
      maxNodes: 1000,
      maxElements: 10_000,
      maxTotalElements: 50_000,
      maxWork: 1_000_000,
      maxResponseValues: 1_000_000,
      maxResponseBytes: 8 * 1024 * 1024,
    },
    bodyLimit: 64 * 1024,
  });
});
afterAll(() => app.close());

const post = (url: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Asserts an RFC 9457 answer and returns its body. */
async function problem(url: string, body: unknown, status: number) {
  const res = await post(url, body);
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = res.json();
  expect(p).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
    errors: expect.any(Array),
  });
  expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
  return p;
}

const graph = (nodes: unknown[], extra: object = {}) => ({
  graph: { inputs: { x: 1 }, params: { w: 2 }, nodes, ...extra },
});

describe('400: malformed or schema-invalid bodies', () => {
  it('refuses malformed JSON', async () => {
    expect((await problem('/v1/forward', '{"graph": ', 400)).code).toBe('MALFORMED_JSON');
  });
  it('names the field of a schema violation', async () => {
    const p = await problem('/v1/forward', graph([{ id: 'u', op: 'mul', args: ['w', true] }]), 400);
    expect(p.errors.map((e: { path: string }) => e.path)).toContain('graph.nodes[0].args[1]');
  });
  it('names an unknown field instead of ignoring it', async () => {
    const p = await problem(
      '/v1/step',
      { neuron: { x: 1, w: 1, b: 0, y: 1 }, learningrate: 0.1, learningRate: 0.1 },
      400,
    );
    expect(p.errors[0].message).toContain("'learningrate'");
  });
  it('says which field is required', async () => {
    const p = await problem('/v1/step', { neuron: { x: 1, w: 1, b: 0, y: 1 } }, 400);
    expect(p.errors).toContainEqual({ path: 'learningRate', message: 'is required' });
  });
  it('asks for exactly one problem spec', async () => {
    await problem('/v1/forward', {}, 400);
    await problem('/v1/forward', { neuron: { x: 1, w: 1, b: 0, y: 1 }, graph: { expr: 'a = 1 + 1' } }, 400);
  });
  it('refuses a ragged matrix, naming the row', async () => {
    const p = await problem(
      '/v1/forward',
      { graph: { inputs: { M: [[1, 2], [3]] }, nodes: [{ id: 'e', op: 'exp', args: ['M'] }] } },
      400,
    );
    expect(p.errors[0].path).toBe('graph.inputs.M[1]');
  });
  it('refuses expr text that does not parse, with line and column', async () => {
    const p = await problem('/v1/forward', { graph: { inputs: { x: 1 }, expr: 'a = x +\nb = (a' } }, 400);
    expect(p.errors[0]).toMatchObject({ path: 'graph.expr', message: expect.stringMatching(/line 1, column \d+/) });
  });
  it('refuses deeply nested expr text quickly instead of overflowing the stack', async () => {
    const p = await problem(
      '/v1/forward',
      { graph: { inputs: { x: 1 }, expr: `y = ${'('.repeat(20_000)}x${')'.repeat(20_000)}` } },
      400,
    );
    expect(p.detail).toMatch(/nested too deeply/);
  });
  it('refuses a value of __proto__ that is not a number even though zod cannot see it', async () => {
    const p = await problem(
      '/v1/forward',
      '{"graph": {"inputs": {"__proto__": "abc"}, "nodes": [{"id": "y", "op": "exp", "args": ["__proto__"]}]}}',
      400,
    );
    expect(p.errors[0].path).toBe('graph.inputs.__proto__');
  });
});

describe('422: well-formed specs that cannot be evaluated', () => {
  it('names an unknown id and the arg that uses it', async () => {
    const p = await problem('/v1/forward', graph([{ id: 'u', op: 'mul', args: ['w', 'q'] }]), 422);
    expect(p).toMatchObject({
      code: 'UNKNOWN_ID',
      errors: [{ path: 'graph.nodes[0].args[1]', message: expect.stringContaining("'q'") }],
    });
  });
  it('names a duplicate id', async () => {
    const p = await problem('/v1/forward', graph([{ id: 'x', op: 'exp', args: ['w'] }]), 422);
    expect(p).toMatchObject({ code: 'DUPLICATE_ID', errors: [{ path: 'graph.nodes[0].id' }] });
  });
  it('names the ids of a cycle in order', async () => {
    const p = await problem(
      '/v1/forward',
      graph([
        { id: 'a', op: 'add', args: ['c', 'x'] },
        { id: 'b', op: 'exp', args: ['a'] },
        { id: 'c', op: 'sin', args: ['b'] },
        { id: 'out', op: 'exp', args: ['c'] },
      ]),
      422,
    );
    expect(p.code).toBe('CYCLE');
    expect(p.cycle).toHaveLength(3);
    expect(p.detail).toMatch(/(a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/);
  });
  it('names both shapes of a mismatch', async () => {
    const p = await problem(
      '/v1/forward',
      {
        graph: {
          inputs: {
            A: [
              [1, 2],
              [3, 4],
            ],
            v: [1, 2, 3],
          },
          nodes: [{ id: 'y', op: 'matmul', args: ['A', 'v'] }],
        },
      },
      422,
    );
    expect(p.code).toBe('SHAPE_MISMATCH');
    expect(p.detail).toContain('[2, 2]');
    expect(p.detail).toContain('[3]');
  });
  it('lists the nearest names of an unknown op', async () => {
    const p = await problem('/v1/forward', graph([{ id: 'y', op: 'sigmiod', args: ['x'] }]), 422);
    expect(p).toMatchObject({
      code: 'UNKNOWN_OP',
      suggestions: expect.arrayContaining(['sigmoid']),
      errors: [{ path: 'graph.nodes[0].op' }],
    });
  });
  it('gives the suggestions of the first unknown op, the one the detail names', async () => {
    const p = await problem(
      '/v1/forward',
      graph([
        { id: 'y', op: 'sigmiod', args: ['x'] },
        { id: 'z', op: 'tanhh', args: ['y'] },
      ]),
      422,
    );
    expect(p.code).toBe('UNKNOWN_OP');
    expect(p.errors.map((e: { path: string }) => e.path)).toEqual(['graph.nodes[0].op', 'graph.nodes[1].op']);
    expect(p.detail).toContain("graph.nodes[0].op: unknown op 'sigmiod'");
    expect(p.suggestions).toContain('sigmoid');
    expect(p.suggestions).not.toContain('tanh');
  });
  it('writes an unknown op the same way in JSON nodes and in expr text, the position aside', async () => {
    const nodes = await problem('/v1/forward', graph([{ id: 'y', op: 'sigmod', args: ['x'] }]), 422);
    const expr = await problem('/v1/forward', { graph: { inputs: { x: 1 }, expr: 'y = sigmod(x)' } }, 422);
    expect(nodes.errors[0].message).toMatch(/^unknown op 'sigmod'; nearest: sigmoid\b/);
    expect(expr.errors[0].message.replace(' at line 1, column 5', '')).toBe(nodes.errors[0].message);
    expect(expr.suggestions).toEqual(nodes.suggestions);
  });
  it('says where the catalogue is, in both languages, for JSON nodes and expr text alike', async () => {
    for (const body of [
      graph([{ id: 'y', op: 'sigmod', args: ['x'] }]),
      { graph: { inputs: { x: 1 }, expr: 'y = sigmod(x)' } },
    ]) {
      expect((await problem('/v1/forward', body, 422)).detail).toMatch(/; GET \/v1\/ops lists the catalogue$/);
      const pt = await app.inject({
        method: 'POST',
        url: '/v1/forward',
        headers: { 'accept-language': 'pt-BR' },
        payload: body,
      });
      expect(pt.json().detail).toMatch(/; GET \/v1\/ops lista o catálogo$/);
    }
  });
  it('refuses gradients of a non-scalar output', async () => {
    const p = await problem(
      '/v1/gradients',
      { graph: { params: { v: [1, 2] }, nodes: [{ id: 'e', op: 'exp', args: ['v'] }] } },
      422,
    );
    expect(p).toMatchObject({ code: 'NON_SCALAR_OUTPUT', errors: [{ path: 'graph.output' }] });
  });
  it('refuses a wrong arity and an unknown attr', async () => {
    expect((await problem('/v1/forward', graph([{ id: 'y', op: 'add', args: ['x'] }]), 422)).code).toBe('ARITY');
    expect(
      (await problem('/v1/forward', graph([{ id: 'y', op: 'relu', args: ['x'], attrs: { alpha: 1 } }]), 422)).code,
    ).toBe('BAD_ATTR');
  });
  it('refuses bce of a probability outside [0, 1] as PyTorch does, pointing to bce_with_logits', async () => {
    const p = await problem('/v1/forward', graph([{ id: 'l', op: 'bce', args: ['w', 1] }]), 422);
    expect(p.detail).toContain('bce_with_logits');
  });
  it('refuses gradcheck of a node or an unknown id', async () => {
    const neuron = { x: 1, w: 1, b: 0, y: 1 };
    expect((await problem('/v1/gradcheck', { neuron, wrt: ['u'] }, 422)).errors[0].path).toBe('wrt[0]');
    expect((await problem('/v1/gradcheck', { neuron, wrt: ['w', 'nope'] }, 422)).errors[0].path).toBe('wrt[1]');
  });
  it('names the layer whose W does not fit', async () => {
    const p = await problem(
      '/v1/forward',
      { network: { x: [[1, 2, 3]], y: [[1]], layers: [{ W: [[1, 2]], b: [0] }] } },
      422,
    );
    expect(p.errors[0].path).toBe('network.layers[0]');
  });
});

describe('413: limits', () => {
  it('refuses a body over the limit', async () => {
    expect(
      (
        await problem(
          '/v1/forward',
          { graph: { inputs: { x: new Array(20_000).fill(1.2345) }, expr: 'y = sum(x)' } },
          413,
        )
      ).code,
    ).toBe('TOO_LARGE');
  });
  it('refuses a broadcast whose result would exceed the element limit before computing it', async () => {
    const v = Array.from({ length: 200 }, (_, i) => i);
    const p = await problem(
      '/v1/forward',
      { graph: { inputs: { r: v, c: v.map((x) => [x]) }, expr: 'y = r * c' } },
      413,
    );
    expect(p.detail).toContain('40000');
  });
  it('refuses a graph whose tensors together would hold more elements than the limit', async () => {
    // Six [100, 100] tensors: each under MAX_ELEMENTS (10,000), together over MAX_TOTAL_ELEMENTS (50,000).
    const m = Array.from({ length: 100 }, () => new Array(100).fill(0.5));
    const p = await problem(
      '/v1/forward',
      { graph: { inputs: { m }, expr: 'a = m * 2; b = a * 2; c = b * 2; d = c * 2; e = d * 2; L = sum(e)' } },
      413,
    );
    expect(p.detail).toContain('MAX_TOTAL_ELEMENTS');
  });
  it('refuses more steps than the work limit allows', async () => {
    await problem('/v1/step', { neuron: { x: 1, w: 1, b: 0, y: 1 }, learningRate: 0.1, steps: 100_000 }, 413);
  });
});

describe('other errors', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });
  it('refuses a body that is not JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/forward',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().status).toBe(415);
  });
});
