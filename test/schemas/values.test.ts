/**
 * Values up to rank 4 in requests and responses (docs/api.md §1): the `Value` schema takes nested
 * arrays of finite numbers from rank 0 to 4 and names the exact element it refuses; a ragged value,
 * which JSON Schema cannot refuse, is a 400 at its own path once read; results of rank 3 and 4 come
 * back nested, row-major, as PyTorch's `tolist()` writes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validate } from '../../src/schemas/validate.js';
import { Value, WireValue } from '../../src/schemas/values.js';
import { buildTestApp } from '../support/app.js';

const Holder = z.object({ x: Value });

/** The problems of validating `{ x }`, as [path, English message]; none when it matches. */
function problems(x: unknown): [string, string][] {
  const result = validate(Holder, { x });
  if ('value' in result) return [];
  return result.error.localized.map((p) => [p.path, p.message.en]);
}

describe('the Value schema', () => {
  it('takes numbers and nested arrays of rank 1 to 4', () => {
    for (const x of [1.5, [1, 2], [[1], [2]], [[[1, 2]], [[3, 4]]], [[[[0.5]]], [[[1]]]]])
      expect(problems(x)).toEqual([]);
  });

  it('refuses rank 5 at the element that should be a number', () => {
    expect(problems([[[[[1]]]]])).toEqual([['x[0][0][0][0]', 'expected a number, got a list']]);
  });

  it('names the exact element that is not a number, at any rank', () => {
    expect(problems([[1, 'a']])).toEqual([['x[0][1]', 'expected a number, got a string ("a")']]);
    expect(
      problems([
        [
          [1, 2],
          [3, 'q'],
        ],
      ]),
    ).toEqual([['x[0][1][1]', 'expected a number, got a string ("q")']]);
    expect(problems([[[[1, null]]]])).toEqual([['x[0][0][0][1]', 'expected a number, got null']]);
    expect(problems([[1, Number.NaN]])[0][0]).toBe('x[0][1]');
  });

  it('says an empty inner array is too small, and a wrong type at the top is neither a number nor a list', () => {
    expect(problems([[]])).toEqual([['x[0]', 'Too small: expected array to have >=1 items']]);
    expect(problems([[[1], []]])[0][0]).toBe('x[0][1]');
    expect(problems('q')).toEqual([['x', 'expected a number or a list, got a string ("q")']]);
  });

  it('documents ranks up to 4 and carries a rank-4 example', () => {
    const document = z.toJSONSchema(Value, { target: 'openapi-3.0' }) as unknown as {
      definitions: Record<string, { anyOf: unknown[]; description: string }>;
    };
    const schema = document.definitions.Value;
    expect(schema.anyOf).toHaveLength(5);
    expect(schema.description).toMatch(/rank 4/);
    expect(Value.meta()?.examples).toContainEqual([
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    ]);
  });
});

describe('the WireValue schema', () => {
  it('takes results of rank 0 to 4, non-finite numbers as strings', () => {
    for (const v of [1, 'NaN', [1, 'Infinity'], [[1]], [[[1, '-Infinity']]], [[[[0]]], [[['NaN']]]]])
      expect(WireValue.safeParse(v).success).toBe(true);
    expect(WireValue.safeParse([[[[[1]]]]]).success).toBe(false);
  });
});

describe('rank 3 and 4 values through the routes', () => {
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  const post = (url: string, body: unknown, language = 'en') =>
    app.inject({ method: 'POST', url, headers: { 'accept-language': language }, payload: body as object });

  it('computes on a rank-4 input and returns values and gradients nested as sent', async () => {
    const x = [[[[1, -2]], [[3, 0.5]]]]; // [1, 2, 1, 2]
    const res = await post('/v1/gradients', {
      graph: {
        params: { x },
        nodes: [
          { id: 'y', op: 'mul', args: ['x', 'x'] },
          { id: 's', op: 'sum', args: ['y'], attrs: { axis: 1 } },
          { id: 'L', op: 'sum', args: ['s'] },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.values.x).toEqual(x);
    expect(body.values.y).toEqual([[[[1, 4]], [[9, 0.25]]]]);
    // sum over the channel axis of [1, 2, 1, 2]: [1, 1, 2].
    expect(body.values.s).toEqual([[[10, 4.25]]]);
    expect(body.values.L).toBe(14.25);
    // dL/dx = 2x.
    expect(body.gradients.x).toEqual([[[[2, -4]], [[6, 1]]]]);
  });

  it('refuses a ragged rank-3 input at the path of the array that differs, in both languages', async () => {
    const body = { graph: { inputs: { x: [[[1, 2]], [[3]]] }, expr: 'L = sum(x)' } };
    const en = await post('/v1/forward', body);
    expect(en.statusCode).toBe(400);
    expect(en.json().errors).toEqual([
      {
        path: 'graph.inputs.x[1][0]',
        message: 'has 1 element but graph.inputs.x[0][0] has 2: a tensor must be rectangular and non-empty',
      },
    ]);
    const pt = await post('/v1/forward', body, 'pt-BR');
    expect(pt.json().errors[0].message).toBe(
      'tem 1 elemento, mas graph.inputs.x[0][0] tem 2: um tensor deve ser retangular e não vazio',
    );
  });

  it('grades an answer of rank 3, its elements numbers or text, against the gradient of that shape', async () => {
    const graph = {
      params: { x: [[[0.5, -1]], [[2, 0.25]]] },
      nodes: [
        { id: 'y', op: 'mul', args: ['x', 'x'] },
        { id: 'L', op: 'sum', args: ['y'] },
      ],
    };
    const res = await post('/v1/grade', {
      graph,
      answers: { 'dL/dx': [[[1, '-2']], [[4, '0,5']]], x: [[[0.5, -1]], [[2, 0.3]]] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [gradient, value] = res.json().results;
    expect(gradient).toMatchObject({
      correct: true,
      expected: [[[1, -2]], [[4, 0.5]]],
      submitted: [[[1, -2]], [[4, 0.5]]],
    });
    expect(value).toMatchObject({ correct: false, expected: [[[0.5, -1]], [[2, 0.25]]] });
  });

  it('numbers a gradcheck element of a rank-3 param with its three indices', async () => {
    const res = await post('/v1/gradcheck', {
      graph: {
        params: { x: [[[0.5, -1]], [[2, 0.25]]] },
        nodes: [
          { id: 'y', op: 'tanh', args: ['x'] },
          { id: 'L', op: 'sum', args: ['y'] },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results.map((r: { index: number[] }) => r.index)).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [1, 0, 0],
      [1, 0, 1],
    ]);
  });
});
