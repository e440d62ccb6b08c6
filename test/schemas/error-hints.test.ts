/**
 * Errors that help a newcomer fix the request (issue 14): a wrong type says what was expected and
 * what came, a typo of a field or an enum value gets "did you mean", a decimal comma in JSON and a
 * product written with a blank get a hint, and counts of one are singular; each in English and in
 * Brazilian Portuguese.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
let app: App;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors: { path: string; message: string }[];
  suggestions?: string[];
}

/** The problem document of a POST, in one language; an object body is sent as JSON, a string as it is. */
async function problemOf(url: string, body: unknown, language: 'en' | 'pt-BR' = 'en'): Promise<Problem> {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', 'accept-language': language },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return { status: res.statusCode, ...res.json() };
}

const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };

describe('a value of the wrong type', () => {
  it('says what was expected and what came, quoting the string sent', async () => {
    const en = await problemOf('/v1/forward', { neuron: { ...neuron, x: '3' } });
    expect(en).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect(en.errors).toEqual([{ path: 'neuron.x', message: 'expected a number or a list, got a string ("3")' }]);
    const pt = await problemOf('/v1/forward', { neuron: { ...neuron, x: '3' } }, 'pt-BR');
    expect(pt.errors).toEqual([
      { path: 'neuron.x', message: 'esperava um número ou uma lista, recebeu um texto ("3")' },
    ]);
  });

  it('names the input of a graph and a plain number field', async () => {
    const input = await problemOf('/v1/forward', { graph: { inputs: { x: '3' }, expr: 'L = 2*x' } });
    expect(input.errors).toEqual([
      { path: 'graph.inputs.x', message: 'expected a number or a list, got a string ("3")' },
    ]);
    const b = await problemOf('/v1/forward', { neuron: { ...neuron, b: true } });
    expect(b.errors).toEqual([{ path: 'neuron.b', message: 'expected a number, got true' }]);
    const lr = await problemOf('/v1/step', { neuron, learningRate: null }, 'pt-BR');
    expect(lr.errors).toEqual([{ path: 'learningRate', message: 'esperava um número, recebeu null' }]);
  });

  it('points into a list at the element that is wrong, not at the list', async () => {
    const en = await problemOf('/v1/forward', { neuron: { ...neuron, x: [1, 'a'], w: [1, 2] } });
    expect(en.errors).toEqual([{ path: 'neuron.x[1]', message: 'expected a number, got a string ("a")' }]);
  });

  it('quotes at most 100 characters of what was sent', async () => {
    const long = '7'.repeat(5000);
    const p = await problemOf('/v1/forward', { neuron: { ...neuron, b: long } });
    expect(p.errors[0].message).toBe(`expected a number, got a string ("${'7'.repeat(99)}…")`);
  });
});

describe('did you mean', () => {
  it('offers the nearest field for an unknown one, in the message and in suggestions', async () => {
    const body = { network: { x: [1], y: [1], layers: [{ W: [[1]], b: [0], activaton: 'relu' }] } };
    const en = await problemOf('/v1/forward', body);
    expect(en).toMatchObject({ status: 400, code: 'VALIDATION', suggestions: ['activation'] });
    expect(en.errors).toEqual([
      { path: 'network.layers[0]', message: "unknown field 'activaton'; did you mean 'activation'?" },
    ]);
    const pt = await problemOf('/v1/forward', body, 'pt-BR');
    expect(pt.errors).toEqual([
      { path: 'network.layers[0]', message: "campo desconhecido 'activaton'; você quis dizer 'activation'?" },
    ]);
  });

  it('pairs each of several unknown fields with its own', async () => {
    const en = await problemOf('/v1/forward', { neuron: { ...neuron, activaton: 'relu', los: 'mse' } });
    expect(en.errors[0].message).toBe(
      "unknown fields 'activaton', 'los'; did you mean 'activation' for 'activaton', 'loss' for 'los'?",
    );
  });

  it('offers the nearest value of an enum', async () => {
    const en = await problemOf('/v1/forward', { neuron: { ...neuron, activation: 'sigmod' } });
    expect(en.suggestions).toEqual(['sigmoid']);
    expect(en.errors[0].path).toBe('neuron.activation');
    expect(en.errors[0].message).toMatch(/; did you mean 'sigmoid'\?$/);
    const pt = await problemOf('/v1/grade', { neuron, answers: { L: 0.1 }, format: 'gradscope' }, 'pt-BR');
    expect(pt.errors[0]).toEqual({
      path: 'format',
      message: expect.stringMatching(/; você quis dizer 'gradescope'\?$/),
    });
  });

  it('offers nothing when no name is near, and none for a key far longer than every field', async () => {
    const far = await problemOf('/v1/forward', { neuron: { ...neuron, zzzzzz: 1 } });
    expect(far.errors[0].message).toBe("unknown field 'zzzzzz'");
    expect(far.suggestions).toBeUndefined();
    const huge = await problemOf('/v1/forward', { neuron: { ...neuron, ['activation'.repeat(10_000)]: 1 } });
    expect(huge.status).toBe(400);
    expect(huge.suggestions).toBeUndefined();
  });
});

describe('malformed JSON', () => {
  it('reads "w": -0,2 as a decimal comma, in both languages', async () => {
    const body = '{"neuron": {"x": 3, "w": -0,2, "b": 0.4, "y": 0}}';
    const en = await problemOf('/v1/forward', body);
    expect(en).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    expect(en.detail).toMatch(/^the body is not valid JSON: .*; write decimals with a point: -0\.2$/);
    expect(en.detail).not.toMatch(/stray comma/);
    const pt = await problemOf('/v1/forward', body, 'pt-BR');
    expect(pt.detail).toMatch(/^o corpo não é um JSON válido: .*; em JSON, decimais se escrevem com ponto: -0\.2$/);
    expect(pt.detail).not.toMatch(/vírgula sobrando/);
  });

  it('gives the same hint for a body parsed on a worker thread (over OFFLOAD_BODY_BYTES)', async () => {
    const pad = 'x'.repeat(70 * 1024);
    const body = `{"graph": {"inputs": {"x": 3, "w": -0,2}, "expr": "L = w*x", "output": "L"}, "pad": "${pad}"}`;
    const en = await problemOf('/v1/gradients', body);
    expect(en).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    expect(en.detail).toMatch(/; write decimals with a point: -0\.2$/);
    expect((await problemOf('/v1/gradients', body, 'pt-BR')).detail).toMatch(
      /; em JSON, decimais se escrevem com ponto: -0\.2$/,
    );
  });

  it('hints at a stray comma in both languages', async () => {
    const body = '{"neuron": {"x": 3, "w": -0.2, "b": 0.4, "y": 0,}}';
    expect((await problemOf('/v1/forward', body)).detail).toMatch(/; is there a stray comma\?$/);
    expect((await problemOf('/v1/forward', body, 'pt-BR')).detail).toMatch(/; há uma vírgula sobrando\?$/);
  });
});

describe('a product written with a blank', () => {
  it('hints w*x for `w x`, in both languages', async () => {
    const body = { graph: { inputs: { x: 3 }, params: { w: -0.2 }, expr: 'u = w x' } };
    const en = await problemOf('/v1/forward', body);
    expect(en).toMatchObject({ status: 400, code: 'EXPR_SYNTAX' });
    expect(en.errors).toEqual([
      { path: 'graph.expr', message: "unexpected 'x' at line 1, column 7; write the product with *: w*x" },
    ]);
    const pt = await problemOf('/v1/forward', body, 'pt-BR');
    expect(pt.errors[0].message).toBe("não esperava 'x' na linha 1, coluna 7; escreva o produto com *: w*x");
  });

  it('hints inside parentheses too, and leaves what already parses alone', async () => {
    const inParens = await problemOf('/v1/forward', { graph: { inputs: { x: 3, y: 1 }, expr: 'L = (2 x) + y' } });
    expect(inParens.errors[0].message).toMatch(/; write the product with \*: 2\*x$/);
    const parsed = await app.inject({
      method: 'POST',
      url: '/v1/forward',
      payload: { graph: { inputs: { x: 3 }, expr: 'L = 2*x' } },
    });
    expect(parsed.statusCode).toBe(200);
  });
});

describe('counts of one are singular', () => {
  it('a matrix row of 1 element', async () => {
    const body = { graph: { inputs: { A: [[1, 2], [3]] }, expr: 'L = sum(A)' } };
    const en = await problemOf('/v1/forward', body);
    expect(en.errors).toEqual([
      {
        path: 'graph.inputs.A[1]',
        message: 'has 1 element but row 0 has 2: a matrix must be rectangular and non-empty',
      },
    ]);
    const pt = await problemOf('/v1/forward', body, 'pt-BR');
    expect(pt.errors[0].message).toMatch(/^tem 1 elemento, mas a linha 0 tem 2/);
  });

  it('a neuron weight vector of 1 element', async () => {
    const en = await problemOf('/v1/forward', { neuron: { ...neuron, x: [1, 2], w: [0.5] } });
    expect(en.errors[0].message).toBe('w has 1 element but x has 2');
    const pt = await problemOf('/v1/forward', { neuron: { ...neuron, x: [1, 2], w: [0.5] } }, 'pt-BR');
    expect(pt.errors[0].message).toBe('w tem 1 elemento, mas x tem 2');
  });

  it('a matmul of 1 column against 2 rows', async () => {
    const body = {
      graph: {
        inputs: {
          a: [[1], [2]],
          b: [
            [1, 2],
            [3, 4],
          ],
        },
        nodes: [{ id: 'c', op: 'matmul', args: ['a', 'b'] }],
      },
    };
    const en = await problemOf('/v1/forward', body);
    expect(en.errors[0].message).toMatch(/has 1 column, b \[2, 2\] has 2 rows/);
    const pt = await problemOf('/v1/forward', body, 'pt-BR');
    expect(pt.errors[0].message).toMatch(/tem 1 coluna, b \[2, 2\] tem 2 linhas/);
  });
});
