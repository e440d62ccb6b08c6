/**
 * Ops with several attrs, optional args and variadic args (issue 17) as the wire shows them:
 * GET /v1/ops lists each attr's default and rules and each op's arg counts, and a request with an
 * attr of the wrong kind is a 400 at the attr's path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

interface Entry {
  name: string;
  args: string[];
  minArgs?: number;
  variadic?: true;
  attrs: Record<string, unknown>[];
}

describe('GET /v1/ops: attrs and args', () => {
  const entry = async (name: string): Promise<Entry> => {
    const res = await app.inject({ method: 'GET', url: '/v1/ops' });
    return res.json().ops.find((o: Entry) => o.name === name);
  };
  const withoutDescriptions = (e: Entry) => e.attrs.map(({ description: _, ...rest }) => rest);

  it('lists each attr with its default and rules, in the order an expr call writes them', async () => {
    expect(withoutDescriptions(await entry('conv2d'))).toEqual([
      { name: 'stride', default: 1, integer: true, min: 1 },
      { name: 'padding', default: 0, integer: true, min: 0 },
    ]);
    expect(withoutDescriptions(await entry('max_pool2d'))).toEqual([
      { name: 'kernel', default: 2, integer: true, min: 1 },
      { name: 'stride', defaultFrom: 'kernel', integer: true, min: 1 },
    ]);
    expect(withoutDescriptions(await entry('dropout'))).toEqual([{ name: 'p', default: 0.5, min: 0, below: 1 }]);
    expect(withoutDescriptions(await entry('slice')).map((a) => [a.name, a.required])).toEqual([
      ['axis', true],
      ['start', true],
      ['end', true],
    ]);
    expect(withoutDescriptions(await entry('sum'))).toEqual([{ name: 'axis', optional: true, integer: true }]);
  });

  it('says which args may be left out or repeated', async () => {
    expect(await entry('conv2d')).toMatchObject({ args: ['x', 'W', 'b'], minArgs: 2 });
    expect(await entry('concat')).toMatchObject({ args: ['a'], minArgs: 2, variadic: true });
    const add = await entry('add');
    expect(add.minArgs).toBeUndefined();
    expect(add.variadic).toBeUndefined();
  });
});

describe('an attr of the wrong kind', () => {
  it('is a 400 INVALID_ATTR naming the attr, in each language', async () => {
    const payload = {
      graph: {
        inputs: {
          x: [
            [
              [
                [1, 2],
                [3, 4],
              ],
            ],
          ],
        },
        nodes: [
          { id: 'p', op: 'max_pool2d', args: ['x'], attrs: { kernel: 1.5 } },
          { id: 'L', op: 'sum', args: ['p'] },
        ],
      },
    };
    const res = await app.inject({ method: 'POST', url: '/v1/forward', payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'INVALID_ATTR',
      errors: [
        { path: 'graph.nodes[0].attrs.kernel', message: "max_pool2d attr 'kernel' must be an integer, got 1.5" },
      ],
    });
    const pt = await app.inject({
      method: 'POST',
      url: '/v1/forward',
      payload,
      headers: { 'accept-language': 'pt-BR' },
    });
    expect(pt.json().errors[0].message).toBe(
      "o atributo 'kernel' de max_pool2d deve ser um número inteiro, mas recebeu 1.5",
    );
  });
});
