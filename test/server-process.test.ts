/**
 * src/server.ts as operators run it: environment, listening, the worker pool under heavy
 * requests (time budget, a full queue, probes that keep answering), and a clean stop on SIGTERM.
 * Nothing here is timed against the clock: "promptly" means "while the heavy request is still
 * running", which a heavy request of about 130 million node evaluations makes certain.
 */
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { HEAVY, gradcheckChain } from './support/heavy.js';
import { killAll, startServer } from './support/server-process.js';

// Each server is killed when its test ends, however it ends; these are the ones left over.
afterAll(killAll);

// Each test starts a server and may run a request of a few seconds (more on one busy core): the
// bound is for a server that hangs, not a measure of speed.
vi.setConfig({ testTimeout: 120_000 });

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** A response's JSON body, for reading its fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const bodyOf = async (res: Response): Promise<any> => res.json();

/** A request's promise with a flag that says whether it has settled. */
function tracked<T>(promise: Promise<T>) {
  const state = { done: false, promise };
  void promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
/** Lets the heavy requests through the work limit: the worker pool, not MAX_WORK, is under test here. */
const HEAVY_ALLOWED = { MAX_WORK: '100000000000' };

describe('server process', () => {
  it('listens on HOST and PORT, logs JSON, and exits 0 on SIGTERM', async () => {
    const server = await startServer();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.logs.map((l) => JSON.parse(l).msg)).toContain('shutting down');
  });

  it('refuses to start with a bad setting, naming it in one line', async () => {
    await expect(startServer({ WORKERS: 'many' })).rejects.toThrow(
      /server exited with 1 before listening: gradient-service: WORKERS must be an integer of at least 1, got 'many'\n$/,
    );
  });

  it('refuses to start on a port in use, naming PORT in one line, without a stack trace', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = holder.address() as AddressInfo;
      // The whole of stderr is this one line.
      await expect(startServer({ PORT: String(port) })).rejects.toThrow(
        new RegExp(
          `server exited with 1 before listening: gradient-service: port ${port} is in use on 127\\.0\\.0\\.1: set PORT to another port, or stop the process that holds it\n$`,
        ),
      );
    } finally {
      holder.close();
    }
  });

  it('refuses to start on an address this machine does not have, naming HOST in one line', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never a machine's address.
    await expect(startServer({ HOST: '192.0.2.1' })).rejects.toThrow(
      /server exited with 1 before listening: gradient-service: HOST 192\.0\.2\.1 is not an address of this machine: set HOST to one of its addresses, or to 0\.0\.0\.0 for all of them\n$/,
    );
  });

  it('keeps answering /healthz and small requests while a heavy one runs on a worker', async () => {
    const server = await startServer({ ...HEAVY_ALLOWED, WORKERS: '1' });
    const heavy = tracked(post(server.url, '/v1/gradcheck', HEAVY));
    await server.logged((l) => l.msg === 'computing on a worker');
    const health = await fetch(`${server.url}/healthz`);
    const small = await post(server.url, '/v1/gradients', neuron);
    expect(heavy.done).toBe(false);
    expect(health.status).toBe(200);
    expect(small.status).toBe(200);
    expect((await bodyOf(small)).gradients.w).toBeCloseTo(0.3342706384098403, 12);
    const res = await heavy.promise;
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    // d n_last / d w_i is the number of times w_i is added along the chain: 16,000 / 4,000 = 4.
    expect(body.results).toHaveLength(4000);
    expect(body.results.every((r: { analytic: number }) => r.analytic === 4)).toBe(true);
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('stops a request over the compute-time budget with a 413 naming it, and the pool serves the next one', async () => {
    const server = await startServer({ ...HEAVY_ALLOWED, WORKERS: '1', COMPUTE_BUDGET_MS: '200', OFFLOAD_WORK: '0' });
    const res = await post(server.url, '/v1/gradcheck', HEAVY);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = await bodyOf(res);
    expect(problem).toMatchObject({ status: 413, code: 'TIME_BUDGET', budgetMs: 200 });
    expect(problem.detail).toContain('COMPUTE_BUDGET_MS');
    // OFFLOAD_WORK=0: this small request runs on the (fresh) worker too.
    const next = await post(server.url, '/v1/gradcheck', gradcheckChain(10, 2));
    expect(next.status).toBe(200);
    expect((await bodyOf(next)).pass).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('stops the work of a client that has gone, and frees its worker for the next request', async () => {
    const server = await startServer({ ...HEAVY_ALLOWED, WORKERS: '1', OFFLOAD_WORK: '0' });
    const client = new AbortController();
    const abandoned = fetch(`${server.url}/v1/gradcheck`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'abandoned' },
      body: JSON.stringify(HEAVY),
      signal: client.signal,
    }).catch(() => undefined);
    await server.logged((l) => l.msg === 'computing on a worker');
    client.abort();
    await server.logged((l) => l.requestId === 'abandoned' && l.msg === 'request');
    // With one worker, this small job runs only once the abandoned one is stopped.
    const next = await fetch(`${server.url}/v1/gradcheck`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'next' },
      body: JSON.stringify(gradcheckChain(10, 2)),
    });
    expect(next.status).toBe(200);
    await server.logged((l) => l.requestId === 'next' && l.msg === 'request');
    const lines = server.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(lines.map((l) => [l.requestId, l.statusCode])).toEqual([
      ['abandoned', 499],
      ['next', 200],
    ]);
    await abandoned;
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('answers 503 with Retry-After when every worker is busy and the queue is full', async () => {
    const server = await startServer({ ...HEAVY_ALLOWED, WORKERS: '1', WORKER_QUEUE: '1' });
    const running = tracked(post(server.url, '/v1/gradcheck', HEAVY));
    await server.logged((l) => l.msg === 'computing on a worker');
    const waiting = tracked(post(server.url, '/v1/gradcheck', HEAVY));
    await server.logged((l) => l.msg === 'computing on a worker', 2);
    const refused = await post(server.url, '/v1/gradcheck', HEAVY);
    expect(running.done).toBe(false);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await bodyOf(refused)).toMatchObject({ status: 503, code: 'BUSY' });
    // A small request does not need a worker: it is answered at once.
    expect((await post(server.url, '/v1/forward', neuron)).status).toBe(200);
    server.child.kill('SIGKILL');
    await server.exited;
    await Promise.allSettled([running.promise, waiting.promise]);
  });

  it('on SIGTERM, lets the work running on a worker finish, then exits 0', async () => {
    const server = await startServer({ ...HEAVY_ALLOWED, WORKERS: '1', SHUTDOWN_GRACE_MS: '60000' });
    const heavy = tracked(post(server.url, '/v1/gradcheck', HEAVY));
    await server.logged((l) => l.msg === 'computing on a worker');
    server.child.kill('SIGTERM');
    const res = await heavy.promise;
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).results).toHaveLength(4000);
    expect(await server.exited).toBe(0);
  });

  it('exits 1 when the work in flight outlasts the shutdown grace period', async () => {
    const server = await startServer({ ...HEAVY_ALLOWED, WORKERS: '1', SHUTDOWN_GRACE_MS: '100' });
    const heavy = tracked(post(server.url, '/v1/gradcheck', HEAVY));
    await server.logged((l) => l.msg === 'computing on a worker');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    await Promise.allSettled([heavy.promise]);
  });
});
