/**
 * The rate limit shared through Redis (REDIS_URL): two instances of the service count against one
 * quota; with Redis gone they keep answering, unlimited and quickly (fail-open), and say so once
 * in their logs and in /metrics; with Redis back they reconnect and the limit applies again.
 *
 * A real redis-server (Debian's) runs on a free port of 127.0.0.1, without persistence. Without
 * it the tests are skipped, unless REQUIRE_REDIS=1 (.ci/run sets it, after installing
 * redis-server): then a missing server is a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { LogLines } from '../support/log-lines.js';

const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const required = process.env.REQUIRE_REDIS === '1';
const available = existsSync(REDIS_SERVER);

if (!available && !required) {
  console.warn(
    `test/http/rate-limit-redis: skipped, no redis-server at ${REDIS_SERVER} (apt-get install redis-server, or set REDIS_SERVER_PATH; REQUIRE_REDIS=1 makes this a failure)`,
  );
}

type App = Awaited<ReturnType<typeof buildTestApp>>;

/** A port nothing listens on now: the system's choice for a server bound to port 0, closed again. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** A redis-server on 127.0.0.1:port, without persistence, once it accepts connections. */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
  });
  return child;
}

async function killRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** An instance of the service listening on 127.0.0.1, its limit in Redis, its log lines kept. */
interface Instance {
  app: App;
  url: string;
  logs: LogLines;
}

async function startInstance(redisUrl: string): Promise<Instance> {
  const logs = new LogLines();
  const app = await buildTestApp({
    pool: false,
    rateLimit: { max: 5, windowMs: 60_000, redisUrl },
    // Each round of requests below comes from a fresh client address.
    trustProxy: ['127.0.0.1'],
    logger: { level: 'info', stream: logs.stream },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, logs };
}

/** `count` requests to GET /v1/ops from `client`, alternating between the instances, one after another. */
async function spread(instances: Instance[], client: string, count: number) {
  const answers = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const res = await fetch(`${instances[i % instances.length].url}/v1/ops`, {
      headers: { 'x-forwarded-for': client },
    });
    await res.arrayBuffer();
    answers.push({ status: res.status, headers: res.headers, ms: performance.now() - start });
  }
  return answers;
}

/** A sample of an instance's /metrics, by its name (these have no labels). */
async function metric(instance: Instance, name: string): Promise<number | undefined> {
  const res = await instance.app.inject({ url: '/metrics' });
  const line = res.body.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

const STORE_UP = 'gradient_service_rate_limit_store_up';
const STORE_ERRORS = 'gradient_service_rate_limit_store_errors_total';
const UNREACHABLE = /^rate limit: Redis does not answer/;
const BACK = /^rate limit: Redis answers again/;
const matching = (re: RegExp, level: number) => (l: Record<string, unknown>) =>
  l.level === level && re.test(String(l.msg));

/** Reconnection waits at most 2 s between attempts: this bound is for instances that never reconnect. */
const RECONNECT_MS = 10_000;

describe.skipIf(!available && !required)('the rate limit shared through Redis (REDIS_URL)', () => {
  let dir: string;
  let port: number;
  let redis: ChildProcess | undefined;
  let instances: Instance[] = [];

  beforeAll(async () => {
    if (!available)
      throw new Error(
        `REQUIRE_REDIS=1 but there is no redis-server at ${REDIS_SERVER}: apt-get install redis-server (or set REDIS_SERVER_PATH)`,
      );
    dir = mkdtempSync(join(tmpdir(), 'gradient-redis-'));
    port = await freePort();
    redis = await startRedis(port, dir);
    const redisUrl = `redis://127.0.0.1:${port}/0`;
    instances = [await startInstance(redisUrl), await startInstance(redisUrl)];
    // Until its client is connected, an instance lets requests through: wait for both.
    for (const instance of instances) {
      await vi.waitFor(async () => expect(await metric(instance, STORE_UP)).toBe(1), {
        timeout: RECONNECT_MS,
        interval: 20,
      });
    }
  });

  afterAll(async () => {
    await Promise.all(instances.map(({ app }) => app.close()));
    await killRedis(redis);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts the requests to both instances against one RATE_LIMIT_MAX', async () => {
    const answers = await spread(instances, '203.0.113.1', 12);
    const allowed = answers.filter((a) => a.status !== 429);
    expect(allowed.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    // One count: what remains goes down across both instances.
    expect(allowed.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
    for (const limited of answers.slice(5)) {
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('5');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('x-ratelimit-reset')).toBe(limited.headers.get('retry-after'));
    }
  });

  it('with Redis gone, answers every request quickly and unlimited, counts them, and warns once', async () => {
    await killRedis(redis);
    const answers = await spread(instances, '203.0.113.1', 12);
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    for (const { ms, headers } of answers) {
      expect(ms).toBeLessThan(1000);
      // No count to tell: none is made up.
      expect(headers.get('x-ratelimit-remaining')).toBeNull();
    }
    for (const instance of instances) {
      expect(await metric(instance, STORE_UP)).toBe(0);
      // Every request each instance answered went unlimited.
      expect(await metric(instance, STORE_ERRORS)).toBe(6);
      expect(instance.logs.count(matching(UNREACHABLE, 40))).toBe(1);
      // /readyz stays ready: the service answers without its store.
      expect((await instance.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    }
  });

  it('with Redis back on the same port, reconnects, says so once, and limits again', async () => {
    redis = await startRedis(port, dir);
    for (const instance of instances) {
      await vi.waitFor(async () => expect(await metric(instance, STORE_UP)).toBe(1), {
        timeout: RECONNECT_MS,
        interval: 50,
      });
      await instance.logs.until(matching(BACK, 30));
    }
    const answers = await spread(instances, '203.0.113.2', 12);
    expect(answers.filter((a) => a.status !== 429)).toHaveLength(5);
    expect(answers.slice(5).map((a) => a.status)).toEqual(Array(7).fill(429));
    for (const instance of instances) {
      expect(instance.logs.count(matching(BACK, 30))).toBe(1);
      expect(instance.logs.count(matching(UNREACHABLE, 40))).toBe(1);
    }
  });
});
