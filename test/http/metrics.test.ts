/**
 * GET /metrics: the app's requests, problems, compiled graphs and compute pool, and the process's
 * own metrics, in Prometheus's text exposition format, read here as Prometheus would.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { gradcheckChain } from '../support/heavy.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text format 0.0.4: a line `name{label="value",...} value` per sample; `#` lines are HELP and TYPE. */
function parse(text: string): Sample[] {
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = line.exec(l);
      if (!m) throw new Error(`not a sample line: ${l}`);
      const labels = Object.fromEntries(Array.from((m[2] ?? '').matchAll(label), ([, k, v]) => [k, v]));
      return { name: m[1], labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) };
    });
}

/** The samples named `name` whose labels include `labels`. */
const select = (samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

/** The value of the one sample named `name` with these labels. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = select(samples, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0].value;
}

async function scrape(app: App): Promise<{ samples: Sample[]; text: string }> {
  const res = await app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return { samples: parse(res.body), text: res.body };
}

const post = (app: App, url: string, payload: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

// The tutorial's neuron: leaves x, y, w, b and nodes u = w*x, z = u + b, y_hat = sigmoid(z), L = mse(y_hat, y): 4 nodes, 8 elements.
const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
// With x and w of 3 elements: x 3, y 1, w 3, b 1, u = w·x 1, z 1, y_hat 1, L 1: 4 nodes, 12 elements.
const vectorNeuron = { neuron: { x: [1, 2, 3], w: [0.1, -0.2, 0.3], b: 0.4, y: 1 } };
const unknownId = { graph: { inputs: { x: 1 }, nodes: [{ id: 'u', op: 'mul', args: ['x', 'q'] }] } };

const POOL = { threads: 1, queue: 2, budgetMs: 5000 };
/** The duration buckets, from 1 ms to 30 s, then +Inf. */
const DURATION_BOUNDS = [
  '0.001',
  '0.0025',
  '0.005',
  '0.01',
  '0.025',
  '0.05',
  '0.1',
  '0.25',
  '0.5',
  '1',
  '2.5',
  '5',
  '10',
  '30',
  '+Inf',
];

describe('GET /metrics', () => {
  let app: App;
  /** The first scrape, after the requests below and before any other. */
  let first: Sample[];
  let firstText: string;

  beforeAll(async () => {
    // Every job goes to the worker thread (offloadWork 0).
    app = await buildTestApp({ pool: POOL, offloadWork: 0 });
    const statuses = [
      (await app.inject({ url: '/v1/ops' })).statusCode,
      (await post(app, '/v1/gradients', neuron)).statusCode,
      (await post(app, '/v1/forward', neuron)).statusCode,
      (await post(app, '/v1/gradients', unknownId)).statusCode,
      (await post(app, '/v1/forward', '{"graph": ')).statusCode,
      (await app.inject({ url: '/nowhere' })).statusCode,
      (await app.inject({ method: 'DELETE', url: '/v1/gradients/42?x=1' })).statusCode,
    ];
    expect(statuses).toEqual([200, 200, 200, 422, 400, 404, 404]);
    ({ samples: first, text: firstText } = await scrape(app));
  });
  afterAll(() => app.close());

  it('counts requests by route pattern, method and status, every unknown path as route="unmatched"', () => {
    const counts = select(first, 'gradient_service_http_requests_total').map((s) => [
      s.labels.route,
      s.labels.method,
      s.labels.status,
      s.value,
    ]);
    expect(counts).toEqual(
      expect.arrayContaining([
        ['/v1/ops', 'GET', '200', 1],
        ['/v1/gradients', 'POST', '200', 1],
        ['/v1/forward', 'POST', '200', 1],
        ['/v1/gradients', 'POST', '422', 1],
        ['/v1/forward', 'POST', '400', 1],
        ['unmatched', 'GET', '404', 1],
        ['unmatched', 'DELETE', '404', 1],
      ]),
    );
    expect(counts).toHaveLength(7);
  });

  it('times each request in a histogram with buckets from 1 ms to 30 s', () => {
    const labels = { route: '/v1/gradients', method: 'POST', status: '200' };
    const buckets = select(first, 'gradient_service_http_request_duration_seconds_bucket', labels);
    expect(buckets.map((b) => b.labels.le)).toEqual(DURATION_BOUNDS);
    // Cumulative: each bucket holds the ones before it; the last holds the one request.
    expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b));
    expect(buckets.at(-1)!.value).toBe(1);
    expect(valueOf(first, 'gradient_service_http_request_duration_seconds_count', labels)).toBe(1);
    const seconds = valueOf(first, 'gradient_service_http_request_duration_seconds_sum', labels);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(30);
    // Every route, method and status counted has its histogram.
    for (const { labels: l, value } of select(first, 'gradient_service_http_requests_total')) {
      expect(valueOf(first, 'gradient_service_http_request_duration_seconds_count', l)).toBe(value);
    }
  });

  it('counts problems by code and status', () => {
    const problems = select(first, 'gradient_service_problems_total').map((s) => [
      s.labels.code,
      s.labels.status,
      s.value,
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['UNKNOWN_ID', '422', 1],
        ['MALFORMED_JSON', '400', 1],
        ['NOT_FOUND', '404', 2],
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('observes the nodes and elements of each compiled graph, by operation (a graph that does not compile is not one)', () => {
    for (const operation of ['gradients', 'forward']) {
      expect(valueOf(first, 'gradient_service_graph_nodes_count', { operation })).toBe(1);
      expect(valueOf(first, 'gradient_service_graph_nodes_sum', { operation })).toBe(4);
      expect(valueOf(first, 'gradient_service_graph_elements_sum', { operation })).toBe(8);
    }
    // 4 nodes: in the buckets from le="10" up, not in le="3".
    expect(valueOf(first, 'gradient_service_graph_nodes_bucket', { operation: 'gradients', le: '3' })).toBe(0);
    expect(valueOf(first, 'gradient_service_graph_nodes_bucket', { operation: 'gradients', le: '10' })).toBe(1);
  });

  it('includes the process metrics, with their standard names', () => {
    expect(firstText).toContain('# TYPE process_cpu_seconds_total counter');
    expect(valueOf(first, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(valueOf(first, 'nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
    expect(select(first, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('follows Prometheus naming: the service prefix, counters in _total, seconds for durations', () => {
    expect(firstText).toContain('# TYPE gradient_service_http_requests_total counter');
    expect(firstText).toContain('# TYPE gradient_service_problems_total counter');
    expect(firstText).toContain('# TYPE gradient_service_http_request_duration_seconds histogram');
    expect(firstText).toContain('# TYPE gradient_service_graph_nodes histogram');
    expect(firstText).toContain('# TYPE gradient_service_graph_elements histogram');
    expect(firstText).toContain('# TYPE gradient_service_pool_busy_jobs gauge');
    expect(firstText).toContain('# TYPE gradient_service_pool_queued_jobs gauge');
  });

  it("does not count the OpenAPI document's examples, which the app sends itself", async () => {
    const fresh = await buildTestApp({ pool: false });
    try {
      expect((await fresh.inject({ url: '/openapi.json' })).statusCode).toBe(200);
      const { samples } = await scrape(fresh);
      const routes = new Set(select(samples, 'gradient_service_http_requests_total').map((s) => s.labels.route));
      expect([...routes]).toEqual(['/openapi.json']);
      expect(select(samples, 'gradient_service_http_requests_total', { route: '/v1/gradients' })).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('counts its own scrapes, from the next one on', async () => {
    expect(select(first, 'gradient_service_http_requests_total', { route: '/metrics' })).toEqual([]);
    const { samples } = await scrape(app);
    expect(
      valueOf(samples, 'gradient_service_http_requests_total', { route: '/metrics', method: 'GET', status: '200' }),
    ).toBe(1);
  });

  it('reads the pool at scrape time: jobs running and waiting for the worker thread, and a 503 BUSY past the queue', async () => {
    // Each a few hundred milliseconds of compute: one runs on the one thread, two wait.
    const heavy = gradcheckChain(4000, 2000);
    const pending = [
      post(app, '/v1/gradcheck', heavy),
      post(app, '/v1/gradcheck', heavy),
      post(app, '/v1/gradcheck', heavy),
    ];
    await vi.waitFor(
      async () => {
        const { samples } = await scrape(app);
        expect(valueOf(samples, 'gradient_service_pool_busy_jobs')).toBe(1);
        expect(valueOf(samples, 'gradient_service_pool_queued_jobs')).toBe(2);
      },
      { timeout: 10_000, interval: 10 },
    );
    const refused = await post(app, '/v1/gradcheck', heavy);
    expect([refused.statusCode, refused.json().code]).toEqual([503, 'BUSY']);
    expect((await Promise.all(pending)).map((r) => r.statusCode)).toEqual([200, 200, 200]);

    const { samples } = await scrape(app);
    expect(valueOf(samples, 'gradient_service_pool_busy_jobs')).toBe(0);
    expect(valueOf(samples, 'gradient_service_pool_queued_jobs')).toBe(0);
    expect(valueOf(samples, 'gradient_service_pool_threads')).toBe(1);
    expect(valueOf(samples, 'gradient_service_problems_total', { code: 'BUSY', status: '503' })).toBe(1);
    expect(
      valueOf(samples, 'gradient_service_http_requests_total', {
        route: '/v1/gradcheck',
        method: 'POST',
        status: '200',
      }),
    ).toBe(3);
    // Bodies this large (over 64 kB) are compiled on the worker: their graphs are counted from there.
    expect(valueOf(samples, 'gradient_service_graph_nodes_count', { operation: 'gradcheck' })).toBe(3);
    expect(valueOf(samples, 'gradient_service_graph_nodes_sum', { operation: 'gradcheck' })).toBe(3 * 4000);
  }, 30_000);
});

describe('GET /metrics of two apps in one process', () => {
  let parsedOnWorker: App;
  let inline: App;
  beforeAll(async () => {
    [parsedOnWorker, inline] = await Promise.all([
      buildTestApp({ pool: POOL, offloadBody: 0 }),
      buildTestApp({ pool: false }),
    ]);
  });
  afterAll(() => Promise.all([parsedOnWorker.close(), inline.close()]));

  it('each counts its own requests and graphs; a graph compiled on a worker thread is counted too', async () => {
    expect((await post(parsedOnWorker, '/v1/gradients', vectorNeuron)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await post(inline, '/v1/step', { ...neuron, learningRate: 0.1 })).statusCode).toBe(200);

    const onWorker = (await scrape(parsedOnWorker)).samples;
    expect(select(onWorker, 'gradient_service_http_requests_total').map((s) => [s.labels.route, s.value])).toEqual([
      ['/v1/gradients', 1],
    ]);
    expect(valueOf(onWorker, 'gradient_service_graph_nodes_sum', { operation: 'gradients' })).toBe(4);
    expect(valueOf(onWorker, 'gradient_service_graph_elements_sum', { operation: 'gradients' })).toBe(12);
    expect(select(onWorker, 'gradient_service_graph_nodes_count', { operation: 'step' })).toEqual([]);

    const onLoop = (await scrape(inline)).samples;
    expect(select(onLoop, 'gradient_service_http_requests_total').map((s) => [s.labels.route, s.value])).toEqual([
      ['/v1/step', 3],
    ]);
    expect(valueOf(onLoop, 'gradient_service_graph_nodes_count', { operation: 'step' })).toBe(3);
    // No pool: its gauges read 0.
    expect(valueOf(onLoop, 'gradient_service_pool_busy_jobs')).toBe(0);
    expect(valueOf(onLoop, 'gradient_service_pool_threads')).toBe(0);
  });
});
