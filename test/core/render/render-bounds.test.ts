/**
 * POST /v1/render never holds the event loop (issue 13): a graph too large to draw is refused
 * before it is compiled (an expr before it is parsed), and a picture whose drawing is heavy (its
 * Graphviz layout above all) is drawn on a worker thread, under the compute-time budget, as the
 * compute routes are. /healthz is probed every 20 ms on a listening app while renders run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RENDER_VALUES } from '../../../src/core/render/index.js';
import { exampleSpecs } from '../../../src/schemas/examples.js';
import { chosenIds, sumOfInputs } from '../../support/attacks.js';
import { buildTestApp } from '../../support/app.js';
import { LogLines } from '../../support/log-lines.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const FORMATS = ['svg', 'dot', 'mermaid'] as const;

/** The bound of issue 13, generous: no request within the limits delays /healthz more than this. */
const HEALTHZ_BOUND_MS = 250;
const BODY_LIMIT = 1024 * 1024;

/** `L = x * x * … * x` with `k` products, in a body just under BODY_LIMIT_BYTES (1 MiB). */
function megabyteExpr(): { graph: { inputs: { x: number }; expr: string }; k: number } {
  const wrapper = JSON.stringify({ graph: { inputs: { x: 1.5 }, expr: 'L = x' } }).length;
  const k = Math.floor((BODY_LIMIT - wrapper - 64) / ' * x'.length);
  return { graph: { inputs: { x: 1.5 }, expr: `L = x${' * x'.repeat(k)}` }, k };
}

/** A random DAG of `n` values (4 params, n - 4 sums and products of earlier ones): Graphviz's slowest kind of layout. */
function randomGraph(n: number, seed = 7) {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const params = { p0: 0.5, p1: -1.25, p2: 2, p3: 0.75 };
  const ids: string[] = Object.keys(params);
  const nodes = [];
  for (let i = 0; ids.length < n; i++) {
    const [a, b] = [ids[Math.floor(next() * ids.length)], ids[Math.floor(next() * ids.length)]];
    nodes.push({ id: `n${i}`, op: next() < 0.5 ? 'add' : 'mul', args: [a, b] });
    ids.push(`n${i}`);
  }
  return { params, nodes };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `request` while /healthz is probed every 20 ms; the longest a probe waited. */
async function probed<T>(base: string, request: () => Promise<T>): Promise<{ result: T; worstMs: number }> {
  let done = false;
  let worstMs = 0;
  const probing = (async () => {
    while (!done) {
      const start = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.arrayBuffer();
      worstMs = Math.max(worstMs, performance.now() - start);
      await sleep(20);
    }
  })();
  try {
    return { result: await request(), worstMs };
  } finally {
    done = true;
    await probing;
  }
}

const post = (base: string, format: string, body: string) =>
  fetch(`${base}/v1/render?format=${format}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  }).then(async (res) => ({
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text: await res.text(),
  }));

describe('POST /v1/render on the default configuration (listening on 127.0.0.1)', () => {
  let app: App;
  let base: string;
  beforeAll(async () => {
    app = await buildTestApp();
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    // Starts the worker threads (under tests each loads TypeScript) and their Graphviz: the bound is for a running service.
    const neuron = JSON.stringify({ neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } });
    const warm = await Promise.all([post(base, 'svg', neuron), post(base, 'svg', neuron)]);
    expect(warm.map((r) => r.status)).toEqual([200, 200]);
  });
  afterAll(() => app.close());

  const ids = chosenIds();
  const megabyte = megabyteExpr();
  // What each spec draws at least, from its text: the inputs, then one node per + or *.
  const refusals = [
    {
      name: `a sum of ${ids.length} ids chosen to collide in the id table`,
      body: JSON.stringify({ graph: sumOfInputs(ids) }),
      count: ids.length + (ids.length - 1),
    },
    { name: 'a 1 MiB expr', body: JSON.stringify({ graph: megabyte.graph }), count: 1 + megabyte.k },
  ];

  it('sends bodies of the sizes the audit sent', () => {
    expect(ids.length).toBeGreaterThan(19_000);
    expect(refusals[0].body.length).toBeGreaterThan(64 * 1024);
    expect(refusals[1].body.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(refusals[1].body.length).toBeGreaterThan(BODY_LIMIT - 100);
  });

  for (const { name, body, count } of refusals) {
    it.each(FORMATS)(
      `refuses ${name} (format=%s) with a 413 naming MAX_RENDER_VALUES and the count, counted before parsing, with /healthz answering meanwhile`,
      async (format) => {
        const { result, worstMs } = await probed(base, () => post(base, format, body));
        expect(result.status, result.text.slice(0, 400)).toBe(413);
        expect(result.type).toMatch(/^application\/problem\+json/);
        const problem = JSON.parse(result.text);
        expect(problem).toMatchObject({ code: 'TOO_LARGE', errors: [{ path: 'graph' }] });
        // "at least": counted from the text, before it is parsed and compiled.
        expect(problem.detail).toContain(`this graph has at least ${count} values to draw`);
        expect(problem.detail).toContain(`limit of ${MAX_RENDER_VALUES} (MAX_RENDER_VALUES)`);
        expect(worstMs).toBeLessThan(HEALTHZ_BOUND_MS);
      },
    );
  }

  it(`draws the largest picture within the limits (${MAX_RENDER_VALUES} values of a random graph, as SVG) with /healthz answering meanwhile`, async () => {
    const graph = randomGraph(MAX_RENDER_VALUES);
    const { result, worstMs } = await probed(base, () => post(base, 'svg', JSON.stringify({ graph })));
    expect(result.status, result.text.slice(0, 400)).toBe(200);
    expect(result.type).toBe('image/svg+xml');
    expect(result.text).toContain('</svg>');
    expect(worstMs).toBeLessThan(HEALTHZ_BOUND_MS);
  });

  it(`draws ${MAX_RENDER_VALUES} image-like values with their heat maps (8×8 cells for each value and gradient) with /healthz answering meanwhile`, async () => {
    // A chain of tanh from one [1, 1, 8, 8] param, and its sum: 12,800 heat-map cells in all.
    const a = [[Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, j) => (8 * i + j) / 64 - 0.5))]];
    const k = MAX_RENDER_VALUES - 2;
    const nodes = Array.from({ length: k }, (_, i) => ({
      id: `n${i + 1}`,
      op: 'tanh',
      args: [i === 0 ? 'a' : `n${i}`],
    }));
    const graph = { params: { a }, nodes: [...nodes, { id: 'L', op: 'sum', args: [`n${k}`] }] };
    // SVG writes the ids' `-` as `&#45;`.
    for (const format of ['svg', 'dot'] as const) {
      const { result, worstMs } = await probed(base, () => post(base, format, JSON.stringify({ graph })));
      expect(result.status, result.text.slice(0, 400)).toBe(200);
      expect(result.text.match(/value(-|&#45;)map"/g), format).toHaveLength(MAX_RENDER_VALUES - 1);
      expect(result.text.match(/gradient(-|&#45;)map"/g), format).toHaveLength(MAX_RENDER_VALUES - 1);
      expect(worstMs, format).toBeLessThan(HEALTHZ_BOUND_MS);
    }
  });
});

describe('POST /v1/render on the event loop (no worker threads)', () => {
  let app: App;
  beforeAll(async () => {
    app = await buildTestApp({ pool: false });
  });
  afterAll(() => app.close());

  it('refuses an expr with too many values to draw before parsing it, with the count of what it makes at least', async () => {
    // x; two calls and a minus (the -0.1 and the 2 after a comma are not counted: they may be attrs); 101 products and their 101 literals.
    const expr = `L = leaky_relu(x, -0.1) - add(x, 2)${' * 2'.repeat(101)}`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/render?format=dot',
      payload: { graph: { inputs: { x: 1 }, expr } },
    });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().detail).toContain(`this graph has at least ${1 + 3 + 2 * 101} values to draw`);
    const pt = await app.inject({
      method: 'POST',
      url: '/v1/render?format=dot',
      payload: { graph: { inputs: { x: 1 }, expr } },
      headers: { 'accept-language': 'pt-BR' },
    });
    expect(pt.json().detail).toContain(`este grafo tem pelo menos ${1 + 3 + 2 * 101} valores a desenhar`);
  });

  it('counts the values of a network before compiling it: x, y and L, and W, b, z and a per layer', async () => {
    const layer = { W: [[0.5]], b: [0] };
    const count = (layers: number) => 3 + 4 * layers;
    const network = (layers: number) => ({
      network: { x: [1], y: [0], layers: Array.from({ length: layers }, () => layer) },
    });
    const layers = Math.floor((MAX_RENDER_VALUES - 3) / 4);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/render?format=mermaid', payload: network(layers) })).statusCode,
    ).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/v1/render?format=mermaid', payload: network(layers + 1) });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toMatchObject({ errors: [{ path: 'network' }] });
    expect(res.json().detail).toContain(`this graph has ${count(layers + 1)} values to draw`);
  });

  it("counts a network's layers by their kind: a flatten or a pool adds its z and a, a conv2d its W and its b if given", async () => {
    // x, y, L; m flatten layers (z, a); a dense layer (W, b, z, a).
    const network = (m: number) => ({
      network: {
        x: [[1, 2]],
        y: [[0]],
        layers: [...Array.from({ length: m }, () => ({ kind: 'flatten' })), { W: [[0.5, 0.5]], b: [0] }],
      },
    });
    const fits = (MAX_RENDER_VALUES - 7) / 2;
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/render?format=mermaid',
      payload: network(Math.floor(fits)),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/render?format=mermaid',
      payload: network(Math.floor(fits) + 1),
    });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json().detail).toContain(`this graph has ${7 + 2 * (Math.floor(fits) + 1)} values to draw`);
    // The example CNN: x, y, L; conv2d W1, b1, z1, a1; max_pool2d z2, a2; flatten z3, a3; dense W4, b4, z4, a4.
    const cnn = await app.inject({
      method: 'POST',
      url: '/v1/render?format=mermaid',
      payload: { network: exampleSpecs.cnn },
    });
    expect(cnn.statusCode, cnn.body).toBe(200);
    expect(cnn.body.match(/^ {2}v\d+\["/gm)).toHaveLength(15);
  });
});

describe('POST /v1/render on a worker thread', () => {
  const logs = new LogLines();
  let onLoop: App;
  let onWorker: App;
  let byDefault: App;
  const defaultLogs = new LogLines();
  beforeAll(async () => {
    onLoop = await buildTestApp({ pool: false });
    onWorker = await buildTestApp({ offloadWork: 1, logger: { level: 'info', stream: logs.stream } });
    byDefault = await buildTestApp({ logger: { level: 'info', stream: defaultLogs.stream } });
  });
  afterAll(async () => {
    await Promise.all([onLoop.close(), onWorker.close(), byDefault.close()]);
  });

  const render = (app: App, format: string, payload: object, language?: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/render?format=${format}`,
      payload,
      headers: language ? { 'accept-language': language } : {},
    });
  const onAWorker = (lines: LogLines) =>
    lines.count((l) => l.msg === 'computing on a worker' && l.operation === 'render');

  const specs = {
    network: { network: exampleSpecs.network },
    expr: {
      graph: {
        inputs: { x: 3, y: 0 },
        params: { w: -0.2, b: 0.4 },
        expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = ½(y_hat − y)²',
      },
    },
  };

  for (const format of FORMATS) {
    it(`draws on a worker above OFFLOAD_WORK the same ${format} as on the event loop, in each language`, async () => {
      for (const [name, spec] of Object.entries(specs)) {
        for (const language of [undefined, 'pt-BR']) {
          const before = onAWorker(logs);
          const [there, here] = await Promise.all([
            render(onWorker, format, spec, language),
            render(onLoop, format, spec, language),
          ]);
          expect(there.statusCode, there.body).toBe(200);
          expect(onAWorker(logs), `${name} ${language ?? 'en'} on a worker`).toBe(before + 1);
          expect(there.headers['content-type']).toBe(here.headers['content-type']);
          expect(there.body).toBe(here.body);
        }
      }
    });
  }

  it('counts the layout in the estimate: at the default OFFLOAD_WORK an SVG is laid out on a worker, its DOT and Mermaid written on the event loop', async () => {
    const spec = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
    for (const format of ['dot', 'mermaid', 'svg']) {
      const before = onAWorker(defaultLogs);
      const res = await render(byDefault, format, spec);
      expect(res.statusCode, res.body).toBe(200);
      expect(onAWorker(defaultLogs), format).toBe(before + (format === 'svg' ? 1 : 0));
    }
  });

  it('parses a body over OFFLOAD_BODY (64 kB) on a worker, and draws it as the event loop does', async () => {
    // One 120 × 120 param: a 3-value picture in a body of over 64 kB.
    const A = Array.from({ length: 120 }, (_, i) => Array.from({ length: 120 }, (_, j) => ((i * 7 + j) % 11) / 8));
    const spec = { graph: { params: { A }, expr: 'L = sum(A)' } };
    expect(JSON.stringify(spec).length).toBeGreaterThan(64 * 1024);
    const res = await render(byDefault, 'dot', spec);
    expect(res.statusCode, res.body).toBe(200);
    expect(defaultLogs.lines).toContainEqual(
      expect.objectContaining({
        msg: 'computing on a worker',
        operation: 'render',
        bodyLength: JSON.stringify(spec).length,
      }),
    );
    expect(res.body).toBe((await render(onLoop, 'dot', spec)).body);
  });

  it('answers 503 BUSY with Retry-After when every worker is busy and the queue is full', async () => {
    const full = await buildTestApp({ pool: { threads: 1, queue: 0, budgetMs: 60_000 } });
    try {
      const graph = randomGraph(60);
      const answers = await Promise.all([render(full, 'svg', { graph }), render(full, 'svg', { graph })]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 503]);
      const busy = answers.find((r) => r.statusCode === 503)!;
      expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(busy.json()).toMatchObject({ code: 'BUSY' });
      expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      await full.close();
    }
  });

  it('stops a drawing over COMPUTE_BUDGET_MS with a 413 TIME_BUDGET', async () => {
    const tight = await buildTestApp({ pool: { threads: 1, queue: 1, budgetMs: 1 } });
    try {
      // Graphviz alone takes longer than 1 ms for 60 values.
      const res = await render(tight, 'svg', { graph: randomGraph(60) });
      expect(res.statusCode, res.body).toBe(413);
      expect(res.json()).toMatchObject({ code: 'TIME_BUDGET', budgetMs: 1 });
    } finally {
      await tight.close();
    }
  });
});
