/**
 * Every limit, at its edge, through HTTP: an app is built with the limit set to exactly what a
 * request needs (the request is answered, 200) and to one less (413 TOO_LARGE whose detail names
 * the limit and the number the request needed). A limit that were ignored, or counted otherwise,
 * fails one side or the other.
 *
 * What each request needs is worked out here from the README's definitions:
 * - MAX_NODES: the nodes of the graph (a neuron has 4: u, z, y_hat, L);
 * - MAX_ELEMENTS: the elements of its largest tensor, an input, a param or a node;
 * - MAX_TOTAL_ELEMENTS: of all its tensors together, leaves, nodes and literals;
 * - MAX_WORK: one pass's work P times the passes the route makes: 1 (forward), 2 (gradients),
 *   2 per step and 1 more (step), 2 per checked element and 2 more (gradcheck), 4, 3 more with a
 *   learning rate, 2 per param element and 2 more with a check (explain), 2 (render), and for grade
 *   the same amount per answer, twice the leaf's elements for an fd answer. P is summed over the
 *   nodes: a node on scalars costs its args and its result (arity + 1), a node on tensors the
 *   elements of its args and result, plus 32 for its set-up (matmul: m·n·p more);
 * - MAX_RESPONSE_VALUES: the numbers the response carries, counted in the response itself;
 * - the answers of a grade (at most 200, a 400 from the schema), BODY_LIMIT_BYTES, and the limits
 *   of explanations (300 nodes, 5,000 numbers) and pictures (100 values, 1,000,000 element
 *   operations, or MAX_WORK when lower).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../../src/engine/limits.js';
import { buildTestApp } from '../support/app.js';
import { exampleSpecs } from '../../src/schemas/examples.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const apps = new Map<string, Promise<App>>();
afterAll(async () => {
  await Promise.all([...apps.values()].map(async (app) => (await app).close()));
});

/** An app with the default limits but these, computing on the event loop; one per set of options. */
function appWith(limits: Partial<Limits> = {}, bodyLimit?: number): Promise<App> {
  const key = JSON.stringify([limits, bodyLimit]);
  let app = apps.get(key);
  if (!app) {
    app = buildTestApp({
      pool: false,
      limits: { ...DEFAULT_LIMITS, ...limits },
      ...(bodyLimit === undefined ? {} : { bodyLimit }),
    });
    apps.set(key, app);
  }
  return app;
}

async function send(limits: Partial<Limits>, url: string, body: object, language?: string) {
  return (await appWith(limits)).inject({
    method: 'POST',
    url,
    payload: body,
    headers: language ? { 'accept-language': language } : {},
  });
}

async function answered(limits: Partial<Limits>, url: string, body: object) {
  const res = await send(limits, url, body);
  expect(res.statusCode, `${url} with ${JSON.stringify(limits)}: ${res.body.slice(0, 400)}`).toBe(200);
  return url === '/v1/render' || url.startsWith('/v1/render?') ? res.body : res.json();
}

async function refused(
  limits: Partial<Limits>,
  url: string,
  body: object,
  language?: string,
): Promise<{ detail: string; errors: { path: string; message: string }[] }> {
  const res = await send(limits, url, body, language);
  expect(res.statusCode, `${url} with ${JSON.stringify(limits)}: ${res.body.slice(0, 400)}`).toBe(413);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json();
  expect(problem).toMatchObject({ status: 413, code: 'TOO_LARGE' });
  return problem;
}

const NAMES: Record<keyof Limits, string> = {
  maxNodes: 'MAX_NODES',
  maxElements: 'MAX_ELEMENTS',
  maxTotalElements: 'MAX_TOTAL_ELEMENTS',
  maxWork: 'MAX_WORK',
  maxResponseValues: 'MAX_RESPONSE_VALUES',
  maxResponseBytes: 'MAX_RESPONSE_BYTES',
  maxExportVariants: 'MAX_EXPORT_VARIANTS',
};

/**
 * The request needs `needed` of the limit `key`: answered with the limit at `needed`, refused at
 * `needed - 1` with a detail that names the limit, its value and the number needed. Returns the
 * answer given at the limit.
 */
async function atTheLimit(key: keyof Limits, needed: number, url: string, body: object, name = NAMES[key]) {
  const problem = await refused({ [key]: needed - 1 }, url, body);
  expect(problem.detail).toContain(`limit of ${needed - 1} (${name})`);
  expect(problem.detail).toMatch(new RegExp(`\\b${needed}\\b`));
  return answered({ [key]: needed }, url, body);
}

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
/** r [3] times c [2, 1] broadcasts to o [2, 3]: 6 elements; the leaves hold 5, L one more. */
const outer = {
  graph: {
    inputs: { r: [1, 2, 3], c: [[1], [2]] },
    nodes: [
      { id: 'o', op: 'mul', args: ['r', 'c'] },
      { id: 'L', op: 'sum', args: ['o'] },
    ],
  },
};
const network = { network: exampleSpecs.network };

/** Every route, each with the body it needs around the problem. */
const routes: [string, object][] = [
  ['/v1/forward', {}],
  ['/v1/gradients', {}],
  ['/v1/step', { learningRate: 0.1 }],
  ['/v1/gradcheck', {}],
  ['/v1/grade', { answers: { L: 0.1 } }],
  ['/v1/explain', {}],
  ['/v1/render?format=dot', {}],
];

/** Every number in a JSON value. */
const numbersIn = (v: unknown): number =>
  typeof v === 'number'
    ? 1
    : Array.isArray(v)
      ? v.reduce((n: number, x) => n + numbersIn(x), 0)
      : v && typeof v === 'object'
        ? Object.values(v).reduce((n: number, x) => n + numbersIn(x), 0)
        : 0;

describe('MAX_NODES', () => {
  it.each(routes)('%s: a neuron has 4 nodes', async (url, extra) => {
    await atTheLimit('maxNodes', 4, url, { ...neuron, ...extra });
  });

  it('counts the nodes of expr statements and of JSON nodes, and names the spec', async () => {
    await atTheLimit('maxNodes', 3, '/v1/forward', {
      graph: { inputs: { x: 2 }, params: { w: 0.5 }, expr: 'a = w*x; b = a + 1; L = b*b' },
    });
    const chain = {
      graph: {
        params: { a: 0.5 },
        nodes: Array.from({ length: 7 }, (_, i) => ({ id: `n${i}`, op: 'tanh', args: [i ? `n${i - 1}` : 'a'] })),
      },
    };
    await atTheLimit('maxNodes', 7, '/v1/gradients', chain);
    const problem = await refused({ maxNodes: 6 }, '/v1/gradients', chain);
    expect(problem.errors).toEqual([{ path: 'graph', message: '7 nodes is more than the limit of 6 (MAX_NODES)' }]);
    expect((await refused({ maxNodes: 6 }, '/v1/gradients', chain, 'pt-BR')).detail).toBe(
      'graph: 7 nós excedem o limite de 6 (MAX_NODES)',
    );
  });

  it("counts a network's nodes: a linear and an activation per layer, and the loss", async () => {
    await atTheLimit('maxNodes', 5, '/v1/gradients', network);
  });
});

describe('MAX_ELEMENTS', () => {
  it.each(routes)('%s: the broadcast node o [2, 3] holds 6 elements', async (url, extra) => {
    await atTheLimit('maxElements', 6, url, { ...outer, ...extra });
  });

  it('names the node, its shape and where it was written', async () => {
    const problem = await refused({ maxElements: 5 }, '/v1/forward', outer);
    expect(problem.errors).toEqual([
      {
        path: 'graph.nodes[0]',
        message: "'o' would hold 6 elements ([2, 3]), more than the limit of 5 (MAX_ELEMENTS)",
      },
    ]);
  });

  it('bounds an input or a param as it bounds a node', async () => {
    const body = { graph: { inputs: { x: [1, 2, 3, 4, 5, 6, 7] }, params: { w: 0.5 }, expr: 'L = w * sum(x)' } };
    await atTheLimit('maxElements', 7, '/v1/forward', body);
    const problem = await refused({ maxElements: 6 }, '/v1/forward', body);
    expect(problem.errors).toEqual([
      { path: 'graph.inputs.x', message: "'x' holds 7 elements ([7]), more than the limit of 6 (MAX_ELEMENTS)" },
    ]);
    const matrix = {
      graph: {
        params: {
          W: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
        expr: 'L = sum(W)',
      },
    };
    await atTheLimit('maxElements', 6, '/v1/gradients', matrix);
  });
});

describe('MAX_TOTAL_ELEMENTS', () => {
  it.each(routes)('%s: r (3), c (2), o (6) and L (1) hold 12 elements together', async (url, extra) => {
    await atTheLimit('maxTotalElements', 12, url, { ...outer, ...extra });
  });

  it('counts literals and unnamed subexpressions: o * 2 adds a [2, 3] tensor and the literal 2', async () => {
    const body = { graph: { inputs: outer.graph.inputs, expr: 'o = r * c; L = sum(o * 2)' } };
    await atTheLimit('maxTotalElements', 12 + 6 + 1, '/v1/forward', body);
  });
});

describe('MAX_WORK', () => {
  // One pass over the neuron: u = w*x (3), z = u + b (3), y_hat = sigmoid(z) (2), L = ½(y_hat - y)² (3).
  const P = 11;

  it('one pass over the graph: the neuron needs 11 on /v1/forward, and the detail says it is one pass', async () => {
    await atTheLimit('maxWork', P, '/v1/forward', neuron);
    expect((await refused({ maxWork: P - 1 }, '/v1/forward', neuron)).detail).toBe(
      `neuron: one pass over this graph needs about ${P} element operations, more than the limit of ${P - 1} (MAX_WORK): use a smaller graph`,
    );
  });

  it('a pass over tensors: sum(tanh(v)) for v of 50 elements is (50 + 50 + 32) + (50 + 1 + 32)', async () => {
    await atTheLimit('maxWork', 215, '/v1/forward', {
      graph: { params: { v: Array.from({ length: 50 }, (_, i) => i / 50 - 0.5) }, expr: 'L = sum(tanh(v))' },
    });
  });

  it.each([
    ['/v1/gradients: a forward and a backward pass', '/v1/gradients', {}, 2 * P],
    [
      '/v1/step, 3 steps: 2 passes each, and one for the loss after',
      '/v1/step',
      { learningRate: 0.1, steps: 3 },
      7 * P,
    ],
    ['/v1/step, 40 steps', '/v1/step', { learningRate: 0.1, steps: 40 }, 81 * P],
    ['/v1/gradcheck of w and b: 2 passes each, and 2 for the analytic gradient', '/v1/gradcheck', {}, 6 * P],
    ['/v1/gradcheck of w alone', '/v1/gradcheck', { wrt: ['w'] }, 4 * P],
    ['/v1/gradcheck of every leaf', '/v1/gradcheck', { wrt: ['x', 'y', 'w', 'b'] }, 10 * P],
    ['/v1/explain: forward and backward, twice', '/v1/explain', {}, 4 * P],
    ['/v1/explain with a learning rate: 3 passes more', '/v1/explain', { learningRate: 0.1 }, 7 * P],
    ['/v1/explain with the check: 2 per param element and 2 more', '/v1/explain', { gradcheck: true }, 10 * P],
  ])('%s', async (_, url, extra, needed) => {
    await atTheLimit('maxWork', needed, url, { ...neuron, ...extra });
  });

  it("/v1/gradcheck of many elements: 2 passes for each of v's 50 elements, and 2 more", async () => {
    const body = {
      graph: { params: { v: Array.from({ length: 50 }, (_, i) => i / 50 - 0.5) }, expr: 'L = sum(tanh(v))' },
    };
    const p = 215;
    await atTheLimit('maxWork', 102 * p, '/v1/gradcheck', body);
    expect((await refused({ maxWork: 102 * p - 1 }, '/v1/gradcheck', body)).detail).toContain(
      'check fewer elements with a narrower `wrt`',
    );
  });

  describe("/v1/grade: the same work for each answer, twice the leaf's elements for an fd answer", () => {
    /** The work of grading one answer on the neuron, as the service estimates it (read from its 413). */
    async function perAnswer(body: object, key: string, pass = P): Promise<number> {
      const problem = await refused({ maxWork: pass }, '/v1/grade', {
        ...body,
        learningRate: 0.1,
        answers: { [key]: 0 },
      });
      const m = /needs about (\d+) element operations/.exec(problem.detail);
      expect(m, problem.detail).not.toBeNull();
      return Number(m![1]);
    }

    // 40 answers: every id's value, and dA/dB for A in u, z, y_hat, L and B any id.
    const ids = ['x', 'y', 'w', 'b', 'u', 'z', 'y_hat', 'L'];
    const many = Object.fromEntries([
      ...ids.map((id) => [id, 0]),
      ...['u', 'z', 'y_hat', 'L'].flatMap((of) => ids.map((wrt) => [`d${of}/d${wrt}`, 0])),
    ]);

    it('many answers: forty times the work of one, and over the limit by one it is a 413', async () => {
      expect(Object.keys(many)).toHaveLength(40);
      const one = await perAnswer(neuron, 'u');
      // Grading an answer recomputes the graph under each candidate mistake: more than a gradients call.
      expect(one).toBeGreaterThan(2 * P);
      for (const key of ['dL/dw', 'y_hat', 'step(w)']) expect(await perAnswer(neuron, key)).toBe(one);
      await atTheLimit('maxWork', 40 * one, '/v1/grade', { ...neuron, learningRate: 0.1, answers: many });
      expect((await refused({ maxWork: 40 * one - 1 }, '/v1/grade', { ...neuron, answers: many })).detail).toContain(
        'send fewer answers',
      );
    });

    it('an fd answer costs two evaluations per element of the leaf it perturbs', async () => {
      const vector = { neuron: { x: [1, -2, 0.5], w: [0.3, 0.1, -0.4], b: 0.2, y: 1 } };
      // One pass: u = w · x, a matmul of [3] and [3] (1·3·1 + 3 + 3 + 1, and 32 on tensors), then 3 + 2 + 3 as above.
      const pass = 42 + 8;
      await atTheLimit('maxWork', pass, '/v1/forward', vector);
      const one = await perAnswer(vector, 'dL/dw', pass);
      expect(await perAnswer(vector, 'fd(dL/dw)', pass)).toBe(2 * 3 * one);
      expect(await perAnswer(vector, 'fd(dL/db)', pass)).toBe(2 * one);
      await atTheLimit('maxWork', 6 * one + 2 * one + one, '/v1/grade', {
        ...vector,
        answers: { 'fd(dL/dw)': [0, 0, 0], 'fd(dL/db)': 0, u: 0 },
      });
    });
  });

  it("/v1/render: 2 passes, under MAX_WORK when it is lower than the picture's own limit (named MAX_RENDER_WORK)", async () => {
    await atTheLimit('maxWork', 2 * P, '/v1/render?format=dot', neuron, 'MAX_RENDER_WORK');
  });

  it('names the limit in Portuguese too', async () => {
    const problem = await refused({ maxWork: 2 * P - 1 }, '/v1/gradients', neuron, 'pt-BR');
    expect(problem.detail).toBe(
      `neuron: esta requisição precisa de cerca de ${2 * P} operações com elementos, mais que o limite de ${2 * P - 1} (MAX_WORK): envie um grafo menor`,
    );
  });
});

describe('MAX_RESPONSE_VALUES', () => {
  it('/v1/forward: one number per element of every leaf and node (12); include asks for less', async () => {
    const body = await atTheLimit('maxResponseValues', 12, '/v1/forward', outer);
    expect(numbersIn(body.values)).toBe(12);
    const problem = await refused({ maxResponseValues: 11 }, '/v1/forward', outer);
    expect(problem.detail).toContain('`include`');
    expect((await answered({ maxResponseValues: 1 }, '/v1/forward', { ...outer, include: ['L'] })).values).toEqual({
      L: 18,
    }); // (1 + 2 + 3) · (1 + 2)
  });

  it('/v1/gradients on tensors: values and gradients (24)', async () => {
    const body = await atTheLimit('maxResponseValues', 24, '/v1/gradients', outer);
    expect(numbersIn(body.values) + numbersIn(body.gradients)).toBe(24);
  });

  it('/v1/gradients on scalars: values, gradients and the 7 local derivatives (23)', async () => {
    const body = await atTheLimit('maxResponseValues', 8 + 8 + 7, '/v1/gradients', neuron);
    expect(numbersIn(body.values) + numbersIn(body.gradients) + body.local.length).toBe(23);
  });

  it("a network's layers count too: forward and gradients", async () => {
    const counts = async (url: string, needed: number) => {
      const body = await atTheLimit('maxResponseValues', needed, url, network);
      expect(numbersIn(body.values) + numbersIn(body.gradients ?? {}) + numbersIn(body.layers)).toBe(needed);
    };
    // Leaves x 2, y 1, W1 4, b1 2, W2 2, b2 1; nodes z1 2, a1 2, z2 1, a2 1, L 1: 19 values.
    // Layers: z and a (2 + 2, 1 + 1); with gradients also dL/da, dL/dz, dL/dW, dL/db (2 + 2 + 4 + 2, 1 + 1 + 2 + 1).
    await counts('/v1/forward', 19 + 6);
    await counts('/v1/gradients', 2 * 19 + 6 + 10 + 5);
  });

  it('/v1/step: the params, the loss before each step and after the last (2 + 3 + 2)', async () => {
    const body = await atTheLimit('maxResponseValues', 7, '/v1/step', { ...neuron, learningRate: 0.1, steps: 3 });
    expect(numbersIn(body.params) + body.history.length + numbersIn(body.loss)).toBe(7);
    expect(
      (await refused({ maxResponseValues: 6 }, '/v1/step', { ...neuron, learningRate: 0.1, steps: 3 })).detail,
    ).toContain('fewer steps');
  });

  it('/v1/gradcheck: 8 numbers for each checked element', async () => {
    await atTheLimit('maxResponseValues', 16, '/v1/gradcheck', neuron);
    await atTheLimit('maxResponseValues', 8 * 50, '/v1/gradcheck', {
      graph: { params: { v: Array.from({ length: 50 }, (_, i) => i / 50 - 0.5) }, expr: 'L = sum(tanh(v))' },
    });
  });

  it('/v1/grade: 3 numbers per element of each answer, and 4 more', async () => {
    await atTheLimit('maxResponseValues', 2 * (3 + 4), '/v1/grade', { ...neuron, answers: { u: 0, L: 0 } });
    await atTheLimit('maxResponseValues', 3 * 3 + 4, '/v1/grade', {
      neuron: { x: [1, -2, 0.5], w: [0.3, 0.1, -0.4], b: 0.2, y: 1 },
      answers: { 'dL/dw': [0, 0, 0] },
    });
  });

  it("/v1/explain: 8 numbers for each of the graph's 8, and 8 more per param element with the check", async () => {
    await atTheLimit('maxResponseValues', 64, '/v1/explain', neuron);
    await atTheLimit('maxResponseValues', 64 + 16, '/v1/explain', { ...neuron, gradcheck: true });
  });
});

describe('the answers of a grade', () => {
  // s1 = p0 + p1, s2 = s1 + p2, ..., L = s9: 19 ids, so 361 derivative keys dA/dB to choose from.
  const params = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, i / 10]));
  const expr = Array.from(
    { length: 9 },
    (_, i) => `${i === 8 ? 'L' : `s${i + 1}`} = ${i === 0 ? 'p0' : `s${i}`} + p${i + 1}`,
  ).join('; ');
  const ids = [...Object.keys(params), ...Array.from({ length: 8 }, (_, i) => `s${i + 1}`), 'L'];
  const keys = ids.flatMap((of) => ids.map((wrt) => `d${of}/d${wrt}`));
  const answers = (n: number) => Object.fromEntries(keys.slice(0, n).map((k) => [k, 0]));

  it('grades 200 answers in one request and refuses 201 with a 400 naming the limit, in each language', async () => {
    const body = (n: number) => ({ graph: { params, expr }, answers: answers(n) });
    const ok = await answered({}, '/v1/grade', body(200));
    expect(ok.total).toBe(200);
    const en = await send({}, '/v1/grade', body(201));
    expect(en.statusCode).toBe(400);
    expect(en.json()).toMatchObject({
      code: 'VALIDATION',
      errors: [{ path: 'answers', message: 'at most 200 answers in one request' }],
    });
    const pt = await send({}, '/v1/grade', body(201), 'pt-BR');
    expect(pt.json().errors).toEqual([{ path: 'answers', message: 'no máximo 200 respostas por requisição' }]);
  });
});

describe('BODY_LIMIT_BYTES', () => {
  /** The neuron's body, padded with JSON whitespace to `bytes` bytes. */
  const padded = (bytes: number): string => {
    const json = JSON.stringify(neuron);
    return json.slice(0, -1) + ' '.repeat(bytes - Buffer.byteLength(json)) + '}';
  };
  const post = async (payload: string, bodyLimit: number, language?: string) =>
    (await appWith({}, bodyLimit)).inject({
      method: 'POST',
      url: '/v1/forward',
      payload,
      headers: { 'content-type': 'application/json', ...(language ? { 'accept-language': language } : {}) },
    });

  it('takes a body of exactly the limit and refuses one byte more with a 413 naming it', async () => {
    expect((await post(padded(1024), 1024)).statusCode).toBe(200);
    const res = await post(padded(1025), 1024);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({
      code: 'TOO_LARGE',
      detail: 'the request body is larger than the limit (BODY_LIMIT_BYTES)',
    });
    expect((await post(padded(1025), 1024, 'pt-BR')).json().detail).toBe(
      'o corpo da requisição é maior que o limite (BODY_LIMIT_BYTES)',
    );
    expect((await post(padded(1025), 2048)).statusCode).toBe(200);
  });

  it('counts bytes, not characters', async () => {
    // 1000 characters, of which 100 are é (2 bytes in UTF-8): 1100 bytes.
    const json = JSON.stringify({ ...neuron, include: ['L'] });
    const text = JSON.stringify({ ...neuron, include: ['L'], note: '' }).replace(
      '"note":""',
      `"note":"${'é'.repeat(100)}"`,
    );
    expect(json.length).toBeLessThan(1000);
    const payload = text.slice(0, -1) + ' '.repeat(1000 - text.length) + '}';
    expect(payload.length).toBe(1000);
    expect(Buffer.byteLength(payload)).toBe(1100);
    expect((await post(payload, 1024)).statusCode).toBe(413);
  });
});

describe('the limits of an explanation', () => {
  const chain = (n: number) => ({
    graph: {
      params: { a: 0.5 },
      nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, op: 'tanh', args: [i ? `n${i - 1}` : 'a'] })),
    },
  });

  it('explains 300 nodes and refuses 301 (EXPLAIN_LIMITS.maxNodes)', async () => {
    expect((await answered({}, '/v1/explain', chain(300))).steps.length).toBeGreaterThan(300);
    const problem = await refused({}, '/v1/explain', chain(301));
    expect(problem.detail).toContain(
      '301 nodes is more than an explanation writes out, at most 300 (EXPLAIN_LIMITS.maxNodes)',
    );
  });

  it('explains tensors of 5,000 numbers in all and refuses 5,001 (EXPLAIN_LIMITS.maxElements)', async () => {
    // x of n - 1 elements and L = sum(x): n numbers.
    const sized = (n: number) => ({
      graph: { params: { x: Array.from({ length: n - 1 }, (_, i) => (i % 7) / 7) }, expr: 'L = sum(x)' },
    });
    await answered({}, '/v1/explain', sized(5000));
    const problem = await refused({}, '/v1/explain', sized(5001));
    expect(problem.detail).toContain(
      'hold 5001 numbers together, more than an explanation writes out, at most 5000 (EXPLAIN_LIMITS.maxElements)',
    );
  });
});

describe('the limits of a picture', () => {
  it('draws 100 values and refuses 101 (MAX_RENDER_VALUES)', async () => {
    const chain = (n: number) => ({
      graph: {
        params: { a: 0.5 },
        nodes: Array.from({ length: n - 1 }, (_, i) => ({ id: `n${i}`, op: 'tanh', args: [i ? `n${i - 1}` : 'a'] })),
      },
    });
    await answered({}, '/v1/render?format=mermaid', chain(100));
    expect((await refused({}, '/v1/render?format=mermaid', chain(101))).detail).toContain('101 values to draw');
  });

  it('draws a graph whose 2 passes need at most 1,000,000 element operations (MAX_RENDER_WORK), and refuses one that needs more', async () => {
    // P = A @ A for A [n, n], then sum(P): one pass is (n³ + 3n² + 32) + (n² + 1 + 32).
    const pass = (n: number) => n ** 3 + 3 * n ** 2 + 32 + n ** 2 + 1 + 32;
    expect(2 * pass(78)).toBe(997_906);
    expect(2 * pass(79)).toBe(1_036_136);
    const graph = (n: number) => ({
      graph: {
        params: { A: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => ((i + j) % 3) / 3)) },
        expr: 'P = matmul(A, A); L = sum(P)',
      },
    });
    await answered({}, '/v1/render?format=dot', graph(78));
    const problem = await refused({}, '/v1/render?format=dot', graph(79));
    expect(problem.detail).toContain(
      'drawing this graph needs about 1036136 element operations, more than the limit of 1000000 (MAX_RENDER_WORK)',
    );
  });
});
