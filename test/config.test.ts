/**
 * Configuration by environment: every setting read, every bad value named; and the app that
 * server.ts builds from it (appOptions) behaving as each setting says.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { type Config, appOptions, loadConfig } from '../src/config.js';
import { LIMIT_SETTINGS } from '../src/settings.js';

describe('loadConfig', () => {
  it('reads every setting from the environment', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      BODY_LIMIT_BYTES: '2048',
      MAX_NODES: '10',
      MAX_ELEMENTS: '20',
      MAX_TOTAL_ELEMENTS: '30',
      MAX_WORK: '40',
      MAX_RESPONSE_VALUES: '50',
      WORKERS: '3',
      WORKER_QUEUE: '4',
      COMPUTE_BUDGET_MS: '5000',
      OFFLOAD_WORK: '60',
      OFFLOAD_BODY_BYTES: '70',
      SHUTDOWN_GRACE_MS: '80',
      API_KEYS: ' course-platform-key-0001 , another-platform-key-0002 ,',
      PUBLIC_METRICS: 'true',
      PUBLIC_DOCS: 'false',
      RATE_LIMIT_MAX: '90',
      RATE_LIMIT_WINDOW_MS: '1000',
      REDIS_URL: 'redis://redis:6379/0',
      CORS_ORIGINS: 'https://course.example.edu, http://localhost:8080',
      TRUST_PROXY: '10.0.0.0/8, 192.168.1.7, ::1, fd00::/8, loopback',
      MAX_EVENT_LOOP_DELAY_MS: '500',
      MAX_HEAP_USED_FRACTION: '0.8',
      MAX_EVENT_LOOP_UTILIZATION: '0.95',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      HEADERS_TIMEOUT_MS: '66000',
      REQUEST_TIMEOUT_MS: '90000',
      MAX_RESPONSE_BYTES: '4096',
      MAX_UNREAD_RESPONSE_BYTES: '8192',
      MAX_EXPORT_VARIANTS: '9',
      SEND_TIMEOUT_MS: '5000',
      METRICS: 'false',
      PUBLIC_PLAY: 'false',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'warn',
      bodyLimit: 2048,
      limits: {
        maxNodes: 10,
        maxElements: 20,
        maxTotalElements: 30,
        maxWork: 40,
        maxResponseValues: 50,
        maxResponseBytes: 4096,
        maxExportVariants: 9,
      },
      pool: { threads: 3, queue: 4, budgetMs: 5000 },
      offloadWork: 60,
      offloadBody: 70,
      shutdownGraceMs: 80,
      auth: {
        apiKeys: ['course-platform-key-0001', 'another-platform-key-0002'],
        publicMetrics: true,
        publicDocs: false,
      },
      rateLimit: { max: 90, windowMs: 1000, redisUrl: 'redis://redis:6379/0' },
      corsOrigins: ['https://course.example.edu', 'http://localhost:8080'],
      trustProxy: ['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8', 'loopback'],
      shedding: { maxEventLoopDelayMs: 500, maxHeapUsedFraction: 0.8, maxEventLoopUtilization: 0.95 },
      timeouts: { keepAliveMs: 65000, headersMs: 66000, requestMs: 90000 },
      send: { maxUnreadBytes: 8192, sendTimeoutMs: 5000 },
      metrics: false,
      publicPlay: false,
    });
  });

  it('has defaults safe for a public deployment that a conformance run from one client stays under', () => {
    const config = loadConfig({});
    expect(config.auth).toEqual({ apiKeys: [], publicMetrics: false, publicDocs: true });
    expect(config.rateLimit).toEqual({ max: 1200, windowMs: 60_000 });
    expect(config.corsOrigins).toEqual([]);
    expect(config.trustProxy).toBe(false);
    expect(config.shedding).toEqual({
      maxEventLoopDelayMs: 1000,
      maxHeapUsedFraction: 0.9,
      maxEventLoopUtilization: 0,
    });
    // Longer than a balancer's 60 s idle timeout; headers above keep-alive; the request above both.
    expect(config.timeouts).toEqual({ keepAliveMs: 72_000, headersMs: 73_000, requestMs: 120_000 });
  });

  it('reads TRUST_PROXY as true, false, or addresses and CIDRs', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1']);
  });

  it('keeps the headers and request timeouts above a longer keep-alive when only that is set', () => {
    expect(loadConfig({ KEEP_ALIVE_TIMEOUT_MS: '130000' }).timeouts).toEqual({
      keepAliveMs: 130_000,
      headersMs: 131_000,
      requestMs: 131_000,
    });
  });

  it('names the setting whose value is not a number it can use', () => {
    expect(() => loadConfig({ WORKERS: '0' })).toThrow(/WORKERS must be an integer of at least 1, got '0'/);
    expect(() => loadConfig({ COMPUTE_BUDGET_MS: 'soon' })).toThrow(/COMPUTE_BUDGET_MS/);
    expect(() => loadConfig({ MAX_RESPONSE_VALUES: '-1' })).toThrow(/MAX_RESPONSE_VALUES/);
    expect(() => loadConfig({ RATE_LIMIT_MAX: '0' })).toThrow(
      /RATE_LIMIT_MAX must be an integer of at least 1, got '0'/,
    );
    expect(() => loadConfig({ RATE_LIMIT_MAX: 'lots' })).toThrow(/RATE_LIMIT_MAX/);
    expect(() => loadConfig({ RATE_LIMIT_WINDOW_MS: '500' })).toThrow(
      /RATE_LIMIT_WINDOW_MS must be an integer of at least 1000, got '500'/,
    );
    expect(() => loadConfig({ MAX_EVENT_LOOP_DELAY_MS: '-5' })).toThrow(/MAX_EVENT_LOOP_DELAY_MS/);
    expect(() => loadConfig({ MAX_HEAP_USED_FRACTION: '90%' })).toThrow(
      /MAX_HEAP_USED_FRACTION must be a number from 0 to 1, got '90%'/,
    );
    expect(() => loadConfig({ MAX_HEAP_USED_FRACTION: '1.5' })).toThrow(/MAX_HEAP_USED_FRACTION/);
    expect(() => loadConfig({ MAX_EVENT_LOOP_UTILIZATION: '-0.1' })).toThrow(/MAX_EVENT_LOOP_UTILIZATION/);
  });

  it('names a bad API key by its position, never quoting it', () => {
    expect(() => loadConfig({ API_KEYS: 'course-platform-key-0001,short' })).toThrow(
      /^API_KEYS: key 2 has 5 characters; each key needs at least 16/,
    );
    expect(() => loadConfig({ API_KEYS: 'course-platform-key-0001,short' })).not.toThrow(/short/);
    expect(() => loadConfig({ API_KEYS: 'a key with spaces in it' })).toThrow(
      /^API_KEYS: key 1 has a character a bearer token cannot carry/,
    );
    expect(() => loadConfig({ API_KEYS: 'course-platform-key-é001' })).toThrow(/API_KEYS: key 1/);
  });

  it('names a bad PUBLIC_METRICS or PUBLIC_DOCS', () => {
    expect(() => loadConfig({ PUBLIC_METRICS: 'yes' })).toThrow(/PUBLIC_METRICS must be true or false, got 'yes'/);
    expect(() => loadConfig({ PUBLIC_DOCS: '1' })).toThrow(/PUBLIC_DOCS must be true or false, got '1'/);
  });

  it('accepts only exact origins in CORS_ORIGINS, never *', () => {
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS lists exact origins .*'\*' is not accepted/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://course.example.edu/' })).toThrow(
      /CORS_ORIGINS .*got 'https:\/\/course.example.edu\/'/,
    );
    expect(() => loadConfig({ CORS_ORIGINS: 'https://course.example.edu/moodle' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: 'course.example.edu' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: 'ftp://course.example.edu' })).toThrow(/CORS_ORIGINS/);
  });

  it('names a bad TRUST_PROXY, and refuses a hop count', () => {
    expect(() => loadConfig({ TRUST_PROXY: '2' })).toThrow(/TRUST_PROXY .*not a hop count, got '2'/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY .*got '10.0.0.0\/33'/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1, proxy.internal' })).toThrow(/TRUST_PROXY .*got 'proxy.internal'/);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
  });

  it('names timeouts in the wrong order', () => {
    expect(() => loadConfig({ KEEP_ALIVE_TIMEOUT_MS: '0' })).toThrow(
      /KEEP_ALIVE_TIMEOUT_MS must be an integer of at least 1/,
    );
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '60000' })).toThrow(
      /HEADERS_TIMEOUT_MS \(60000\) must be longer than KEEP_ALIVE_TIMEOUT_MS \(72000\)/,
    );
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '70000' })).toThrow(
      /REQUEST_TIMEOUT_MS \(70000\) must be at least HEADERS_TIMEOUT_MS \(73000\)/,
    );
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/REQUEST_TIMEOUT_MS/);
  });
});

// ---------------------------------------------------------------------------------------------
// Each setting: its default, a good value, a bad value named

interface Setting {
  read: (c: Config) => unknown;
  /** The README's default. */
  byDefault: unknown;
  good: [raw: string, read: unknown];
  bad: [raw: string, message: RegExp];
}

const cores = availableParallelism();

/** Every variable src/config.ts reads, as the README's table documents it. */
const SETTINGS: Record<string, Setting> = {
  PORT: {
    read: (c) => c.port,
    byDefault: 3000,
    good: ['8080', 8080],
    bad: ['70000', /^PORT must be an integer from 0 to 65535, got '70000'$/],
  },
  HOST: {
    read: (c) => c.host,
    byDefault: '0.0.0.0',
    good: ['::', '::'],
    bad: ['http://0.0.0.0', /^HOST must be an IP address or a host name .*got 'http:\/\/0\.0\.0\.0'$/],
  },
  LOG_LEVEL: {
    read: (c) => c.logLevel,
    byDefault: 'info',
    good: ['debug', 'debug'],
    bad: ['loud', /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'loud'$/],
  },
  BODY_LIMIT_BYTES: {
    read: (c) => c.bodyLimit,
    byDefault: 1_048_576,
    good: ['4096', 4096],
    bad: ['1MB', /^BODY_LIMIT_BYTES must be an integer of at least 0, got '1MB'$/],
  },
  MAX_NODES: {
    read: (c) => c.limits.maxNodes,
    byDefault: 200_000,
    good: ['1000', 1000],
    bad: ['1.5', /^MAX_NODES must be an integer/],
  },
  MAX_ELEMENTS: {
    read: (c) => c.limits.maxElements,
    byDefault: 1_000_000,
    good: ['5000', 5000],
    bad: ['lots', /^MAX_ELEMENTS must be an integer/],
  },
  MAX_TOTAL_ELEMENTS: {
    read: (c) => c.limits.maxTotalElements,
    byDefault: 20_000_000,
    good: ['50000', 50_000],
    bad: ['-3', /^MAX_TOTAL_ELEMENTS must be an integer/],
  },
  MAX_WORK: {
    read: (c) => c.limits.maxWork,
    byDefault: 200_000_000,
    good: ['1000000', 1_000_000],
    bad: ['2e', /^MAX_WORK must be an integer/],
  },
  MAX_RESPONSE_VALUES: {
    read: (c) => c.limits.maxResponseValues,
    byDefault: 1_000_000,
    good: ['100', 100],
    bad: ['-1', /^MAX_RESPONSE_VALUES must be an integer/],
  },
  MAX_RESPONSE_BYTES: {
    read: (c) => c.limits.maxResponseBytes,
    byDefault: 8_388_608,
    good: ['65536', 65_536],
    bad: ['100', /^MAX_RESPONSE_BYTES must be an integer of at least 1024, got '100'$/],
  },
  MAX_EXPORT_VARIANTS: {
    read: (c) => c.limits.maxExportVariants,
    byDefault: 200,
    good: ['1000', 1000],
    bad: ['0', /^MAX_EXPORT_VARIANTS must be an integer of at least 1, got '0'$/],
  },
  MAX_UNREAD_RESPONSE_BYTES: {
    read: (c) => c.send.maxUnreadBytes,
    byDefault: 67_108_864,
    good: ['16777216', 16_777_216],
    bad: ['1048576', /^MAX_UNREAD_RESPONSE_BYTES \(1048576\) must be at least MAX_RESPONSE_BYTES \(8388608\)/],
  },
  SEND_TIMEOUT_MS: {
    read: (c) => c.send.sendTimeoutMs,
    byDefault: 60_000,
    good: ['5000', 5000],
    bad: ['999', /^SEND_TIMEOUT_MS must be an integer of at least 1000, got '999'$/],
  },
  WORKERS: {
    read: (c) => c.pool.threads,
    byDefault: cores,
    good: ['2', 2],
    bad: ['0', /^WORKERS must be an integer of at least 1, got '0'$/],
  },
  WORKER_QUEUE: {
    read: (c) => c.pool.queue,
    byDefault: 2 * cores,
    good: ['0', 0],
    bad: ['many', /^WORKER_QUEUE must be an integer/],
  },
  COMPUTE_BUDGET_MS: {
    read: (c) => c.pool.budgetMs,
    byDefault: 10_000,
    good: ['2500', 2500],
    bad: ['0', /^COMPUTE_BUDGET_MS must be an integer of at least 1, got '0'$/],
  },
  OFFLOAD_WORK: {
    read: (c) => c.offloadWork,
    byDefault: 300_000,
    good: ['0', 0],
    bad: ['-1', /^OFFLOAD_WORK must be an integer/],
  },
  OFFLOAD_BODY_BYTES: {
    read: (c) => c.offloadBody,
    byDefault: 65_536,
    good: ['1024', 1024],
    bad: ['64k', /^OFFLOAD_BODY_BYTES must be an integer/],
  },
  SHUTDOWN_GRACE_MS: {
    read: (c) => c.shutdownGraceMs,
    byDefault: 10_000,
    good: ['30000', 30_000],
    bad: ['soon', /^SHUTDOWN_GRACE_MS must be an integer/],
  },
  API_KEYS: {
    read: (c) => c.auth.apiKeys,
    byDefault: [],
    good: ['course-platform-key-0001', ['course-platform-key-0001']],
    bad: ['short', /^API_KEYS: key 1 has 5 characters/],
  },
  PUBLIC_METRICS: {
    read: (c) => c.auth.publicMetrics,
    byDefault: false,
    good: ['true', true],
    bad: ['yes', /^PUBLIC_METRICS must be true or false, got 'yes'$/],
  },
  METRICS: {
    read: (c) => c.metrics,
    byDefault: true,
    good: ['false', false],
    bad: ['off', /^METRICS must be true or false, got 'off'$/],
  },
  PUBLIC_DOCS: {
    read: (c) => c.auth.publicDocs,
    byDefault: true,
    good: ['false', false],
    bad: ['0', /^PUBLIC_DOCS must be true or false, got '0'$/],
  },
  PUBLIC_PLAY: {
    read: (c) => c.publicPlay,
    byDefault: true,
    good: ['false', false],
    bad: ['no', /^PUBLIC_PLAY must be true or false, got 'no'$/],
  },
  RATE_LIMIT_MAX: {
    read: (c) => c.rateLimit.max,
    byDefault: 1200,
    good: ['50', 50],
    bad: ['0', /^RATE_LIMIT_MAX must be an integer of at least 1, got '0'$/],
  },
  RATE_LIMIT_WINDOW_MS: {
    read: (c) => c.rateLimit.windowMs,
    byDefault: 60_000,
    good: ['1000', 1000],
    bad: ['999', /^RATE_LIMIT_WINDOW_MS must be an integer of at least 1000, got '999'$/],
  },
  REDIS_URL: {
    read: (c) => c.rateLimit.redisUrl,
    byDefault: undefined,
    good: ['rediss://redis.example.edu:6380/2', 'rediss://redis.example.edu:6380/2'],
    // Not quoted: a URL may hold a password.
    bad: ['http://:hunter2@redis:6379', /^REDIS_URL must be a URL such as redis:\/\/redis:6379\/0 (?!.*hunter2)/],
  },
  CORS_ORIGINS: {
    read: (c) => c.corsOrigins,
    byDefault: [],
    good: ['https://course.example.edu', ['https://course.example.edu']],
    bad: ['*', /^CORS_ORIGINS /],
  },
  TRUST_PROXY: {
    read: (c) => c.trustProxy,
    byDefault: false,
    good: ['true', true],
    bad: ['1', /^TRUST_PROXY .*not a hop count, got '1'$/],
  },
  MAX_EVENT_LOOP_DELAY_MS: {
    read: (c) => c.shedding.maxEventLoopDelayMs,
    byDefault: 1000,
    good: ['0', 0],
    bad: ['1s', /^MAX_EVENT_LOOP_DELAY_MS must be an integer/],
  },
  MAX_HEAP_USED_FRACTION: {
    read: (c) => c.shedding.maxHeapUsedFraction,
    byDefault: 0.9,
    good: ['0.75', 0.75],
    bad: ['2', /^MAX_HEAP_USED_FRACTION must be a number from 0 to 1, got '2'$/],
  },
  MAX_EVENT_LOOP_UTILIZATION: {
    read: (c) => c.shedding.maxEventLoopUtilization,
    byDefault: 0,
    good: ['0.98', 0.98],
    bad: ['98%', /^MAX_EVENT_LOOP_UTILIZATION must be a number from 0 to 1, got '98%'$/],
  },
  KEEP_ALIVE_TIMEOUT_MS: {
    read: (c) => c.timeouts.keepAliveMs,
    byDefault: 72_000,
    good: ['5000', 5000],
    bad: ['0', /^KEEP_ALIVE_TIMEOUT_MS must be an integer of at least 1, got '0'$/],
  },
  HEADERS_TIMEOUT_MS: {
    read: (c) => c.timeouts.headersMs,
    byDefault: 73_000,
    good: ['80000', 80_000],
    bad: ['fast', /^HEADERS_TIMEOUT_MS must be an integer/],
  },
  REQUEST_TIMEOUT_MS: {
    read: (c) => c.timeouts.requestMs,
    byDefault: 120_000,
    good: ['300000', 300_000],
    bad: ['0', /^REQUEST_TIMEOUT_MS must be an integer of at least 1, got '0'$/],
  },
};

describe('every setting', () => {
  it('is in the table above, as src/config.ts reads it (the limits by their names in src/settings.ts) and the README documents it', () => {
    const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
    const read = new Set([
      ...[...source.matchAll(/\benv(?:,\s*'|\.)([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]),
      ...Object.values(LIMIT_SETTINGS),
    ]);
    expect([...read].sort()).toEqual(Object.keys(SETTINGS).sort());
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Running it'),
      readme.indexOf('\n## ', readme.indexOf('## Running it') + 1),
    );
    const documented = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(SETTINGS).sort());
  });

  it.each(Object.entries(SETTINGS))(
    '%s: its default, a good value read, a bad value named',
    (name, { read, byDefault, good, bad }) => {
      expect(read(loadConfig({}))).toEqual(byDefault);
      expect(read(loadConfig({ [name]: '' }))).toEqual(byDefault);
      expect(read(loadConfig({ [name]: good[0] }))).toEqual(good[1]);
      expect(() => loadConfig({ [name]: bad[0] })).toThrow(bad[1]);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// The app server.ts builds from the configuration

describe('appOptions: the app as server.ts builds it', () => {
  type App = Awaited<ReturnType<typeof buildApp>>;
  const apps: App[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  /** Log lines, as pino writes them to a stream. */
  const sink = () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text));
        done();
      },
    });
    return { lines, stream };
  };

  /**
   * The app built from `env` as server.ts builds it; its logs go to `logs` at the configured
   * level (nowhere without it), and it computes on the event loop unless `workers` is set.
   */
  async function fromEnv(
    env: Record<string, string>,
    { logs, workers = false }: { logs?: ReturnType<typeof sink>; workers?: boolean } = {},
  ): Promise<App> {
    const options = appOptions(loadConfig(env));
    const level = (options.logger as { level: string }).level;
    const app = await buildApp({
      ...options,
      logger: logs ? { level, stream: logs.stream } : false,
      ...(workers ? {} : { pool: false }),
      checkResponses: true,
    });
    apps.push(app);
    return app;
  }

  const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
  const post = (app: App, url: string, payload: object | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });
  const detail = async (app: App, url: string, payload: object) => {
    const res = await post(app, url, payload);
    expect(res.statusCode, res.body).toBe(413);
    return res.json().detail as string;
  };

  it('hands every setting that the app reads to buildApp', () => {
    const env = {
      LOG_LEVEL: 'warn',
      BODY_LIMIT_BYTES: '2048',
      MAX_NODES: '10',
      MAX_ELEMENTS: '20',
      MAX_TOTAL_ELEMENTS: '30',
      MAX_WORK: '40',
      MAX_RESPONSE_VALUES: '50',
      WORKERS: '3',
      WORKER_QUEUE: '4',
      COMPUTE_BUDGET_MS: '5000',
      OFFLOAD_WORK: '60',
      OFFLOAD_BODY_BYTES: '70',
      API_KEYS: 'course-platform-key-0001',
      PUBLIC_METRICS: 'true',
      PUBLIC_DOCS: 'false',
      RATE_LIMIT_MAX: '90',
      RATE_LIMIT_WINDOW_MS: '1000',
      REDIS_URL: 'redis://redis:6379/0',
      CORS_ORIGINS: 'https://course.example.edu',
      TRUST_PROXY: 'loopback',
      MAX_EVENT_LOOP_DELAY_MS: '500',
      MAX_HEAP_USED_FRACTION: '0.8',
      MAX_EVENT_LOOP_UTILIZATION: '0.95',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      HEADERS_TIMEOUT_MS: '66000',
      REQUEST_TIMEOUT_MS: '90000',
      MAX_RESPONSE_BYTES: '4096',
      MAX_UNREAD_RESPONSE_BYTES: '8192',
      MAX_EXPORT_VARIANTS: '9',
      SEND_TIMEOUT_MS: '5000',
      METRICS: 'false',
      PUBLIC_PLAY: 'false',
    };
    expect(appOptions(loadConfig(env))).toEqual({
      logger: { level: 'warn' },
      bodyLimit: 2048,
      limits: {
        maxNodes: 10,
        maxElements: 20,
        maxTotalElements: 30,
        maxWork: 40,
        maxResponseValues: 50,
        maxResponseBytes: 4096,
        maxExportVariants: 9,
      },
      pool: { threads: 3, queue: 4, budgetMs: 5000 },
      offloadWork: 60,
      offloadBody: 70,
      auth: { apiKeys: ['course-platform-key-0001'], publicMetrics: true, publicDocs: false },
      rateLimit: { max: 90, windowMs: 1000, redisUrl: 'redis://redis:6379/0' },
      shedding: { maxEventLoopDelayMs: 500, maxHeapUsedFraction: 0.8, maxEventLoopUtilization: 0.95 },
      corsOrigins: ['https://course.example.edu'],
      trustProxy: ['loopback'],
      timeouts: { keepAliveMs: 65000, headersMs: 66000, requestMs: 90000 },
      send: { maxUnreadBytes: 8192, sendTimeoutMs: 5000 },
      metrics: false,
      play: false,
    });
  });

  it('LOG_LEVEL: the logger writes at that level and above', async () => {
    const logs = sink();
    const app = await fromEnv({ LOG_LEVEL: 'warn' }, { logs });
    expect(app.log.level).toBe('warn');
    expect((await post(app, '/v1/forward', neuron)).statusCode).toBe(200);
    expect(logs.lines.filter((l) => (l.level as number) < 40)).toEqual([]);
    const info = sink();
    const byDefault = await fromEnv({}, { logs: info });
    expect(byDefault.log.level).toBe('info');
    expect((await post(byDefault, '/v1/forward', neuron)).statusCode).toBe(200);
    // The request's own line (level 30) is written once the response is sent: awaited by content.
    await vi.waitFor(() => expect(info.lines.some((l) => l.level === 30)).toBe(true), {
      timeout: 30_000,
      interval: 10,
    });
  });

  it('BODY_LIMIT_BYTES: a body one byte over it is a 413 naming it', async () => {
    const json = JSON.stringify(neuron);
    const body = json.slice(0, -1) + ' '.repeat(1025 - json.length) + '}';
    const small = await fromEnv({ BODY_LIMIT_BYTES: '1024' });
    const res = await post(small, '/v1/forward', body);
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toContain('BODY_LIMIT_BYTES');
    expect((await post(await fromEnv({ BODY_LIMIT_BYTES: '1025' }), '/v1/forward', body)).statusCode).toBe(200);
    expect((await post(await fromEnv({}), '/v1/forward', body)).statusCode).toBe(200);
  });

  it('MAX_NODES, MAX_ELEMENTS, MAX_TOTAL_ELEMENTS, MAX_WORK, MAX_RESPONSE_VALUES: each refuses what it bounds, naming itself', async () => {
    // The neuron: 4 nodes, 8 scalars, one pass of 11 element operations (3 + 3 + 2 + 3), 8 values in /v1/forward.
    // The outer sum: r [3] times c [2, 1] is o [2, 3].
    const outer = { graph: { inputs: { r: [1, 2, 3], c: [[1], [2]] }, expr: 'o = r * c; L = sum(o)' } };
    expect(await detail(await fromEnv({ MAX_NODES: '3' }), '/v1/forward', neuron)).toContain(
      '4 nodes is more than the limit of 3 (MAX_NODES)',
    );
    expect(await detail(await fromEnv({ MAX_ELEMENTS: '5' }), '/v1/forward', outer)).toContain(
      "'o' would hold 6 elements ([2, 3]), more than the limit of 5 (MAX_ELEMENTS)",
    );
    expect(await detail(await fromEnv({ MAX_TOTAL_ELEMENTS: '11' }), '/v1/forward', outer)).toContain(
      'hold 12 elements together, more than the limit of 11 (MAX_TOTAL_ELEMENTS)',
    );
    expect(await detail(await fromEnv({ MAX_WORK: '21' }), '/v1/gradients', neuron)).toContain(
      'needs about 22 element operations, more than the limit of 21 (MAX_WORK)',
    );
    expect(await detail(await fromEnv({ MAX_RESPONSE_VALUES: '7' }), '/v1/forward', neuron)).toContain(
      'would carry 8 numbers, more than the limit of 7 (MAX_RESPONSE_VALUES)',
    );
    // At exactly what they need: the neuron's gradients carry 8 values, 8 gradients and 7 local derivatives.
    expect(
      (
        await post(
          await fromEnv({ MAX_NODES: '4', MAX_WORK: '22', MAX_RESPONSE_VALUES: '23' }),
          '/v1/gradients',
          neuron,
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await post(
          await fromEnv({ MAX_ELEMENTS: '6', MAX_TOTAL_ELEMENTS: '12', MAX_RESPONSE_VALUES: '12' }),
          '/v1/forward',
          outer,
        )
      ).statusCode,
    ).toBe(200);
  });

  it('API_KEYS, PUBLIC_METRICS, PUBLIC_DOCS: what needs a key', async () => {
    const KEY = 'course-platform-key-0001';
    const keyed = await fromEnv({ API_KEYS: KEY });
    expect((await post(keyed, '/v1/forward', neuron)).statusCode).toBe(401);
    expect((await post(keyed, '/v1/forward', neuron, { authorization: `Bearer ${KEY}` })).statusCode).toBe(200);
    expect((await keyed.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await keyed.inject({ method: 'GET', url: '/' })).statusCode).toBe(302);
    const open = await fromEnv({ API_KEYS: KEY, PUBLIC_METRICS: 'true', PUBLIC_DOCS: 'false' });
    expect((await open.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await open.inject({ method: 'GET', url: '/' })).statusCode).toBe(401);
    expect((await post(await fromEnv({}), '/v1/forward', neuron)).statusCode).toBe(200);
  });

  it('PUBLIC_PLAY: the student page needs no key, even with API_KEYS; false turns it off, a 404', async () => {
    // The page as `npm run build` writes it into dist/play (npm test builds before it tests).
    const KEY = 'course-platform-key-0001';
    const page = await (await fromEnv({ API_KEYS: KEY })).inject({ method: 'GET', url: '/play' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const off = await fromEnv({ API_KEYS: KEY, PUBLIC_PLAY: 'false' });
    expect((await off.inject({ method: 'GET', url: '/play' })).statusCode).toBe(404);
    expect((await off.inject({ method: 'GET', url: '/' })).headers.location).toBe('/docs');
  });

  it('RATE_LIMIT_MAX and RATE_LIMIT_WINDOW_MS: one request more is a 429, and the window is the one set', async () => {
    const app = await fromEnv({ RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '5000' });
    const ops = () => app.inject({ method: 'GET', url: '/v1/ops' });
    const first = await ops();
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    // Seconds until the window resets: at most the 5 s set (60 by default).
    expect(Number(first.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(5);
    expect((await ops()).statusCode).toBe(200);
    expect((await ops()).statusCode).toBe(429);
    const byDefault = await (await fromEnv({})).inject({ method: 'GET', url: '/v1/ops' });
    expect(byDefault.headers['x-ratelimit-limit']).toBe('1200');
    expect(Number(byDefault.headers['x-ratelimit-reset'])).toBeGreaterThan(5);
  });

  it('TRUST_PROXY: the forwarded address is the client the rate limit counts', async () => {
    const twoClients = async (app: App) => {
      const from = (address: string) =>
        app.inject({ method: 'GET', url: '/v1/ops', headers: { 'x-forwarded-for': address } });
      return [(await from('10.0.0.1')).statusCode, (await from('10.0.0.2')).statusCode];
    };
    expect(await twoClients(await fromEnv({ RATE_LIMIT_MAX: '1', TRUST_PROXY: 'true' }))).toEqual([200, 200]);
    expect(await twoClients(await fromEnv({ RATE_LIMIT_MAX: '1', TRUST_PROXY: '127.0.0.1' }))).toEqual([200, 200]);
    expect(await twoClients(await fromEnv({ RATE_LIMIT_MAX: '1' }))).toEqual([200, 429]);
  });

  it('CORS_ORIGINS: a page of a listed origin may read the answer; none by default', async () => {
    const origin = 'https://course.example.edu';
    const res = await post(await fromEnv({ CORS_ORIGINS: origin }), '/v1/forward', neuron, { origin });
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    const other = await post(await fromEnv({ CORS_ORIGINS: origin }), '/v1/forward', neuron, {
      origin: 'https://elsewhere.example.com',
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(
      (await post(await fromEnv({}), '/v1/forward', neuron, { origin })).headers['access-control-allow-origin'],
    ).toBeUndefined();
  });

  it("KEEP_ALIVE_TIMEOUT_MS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS: the HTTP server's own timeouts", async () => {
    const app = await fromEnv({
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      HEADERS_TIMEOUT_MS: '66000',
      REQUEST_TIMEOUT_MS: '90000',
    });
    expect([app.server.keepAliveTimeout, app.server.headersTimeout, app.server.requestTimeout]).toEqual([
      65_000, 66_000, 90_000,
    ]);
    const byDefault = await fromEnv({});
    expect([
      byDefault.server.keepAliveTimeout,
      byDefault.server.headersTimeout,
      byDefault.server.requestTimeout,
    ]).toEqual([72_000, 73_000, 120_000]);
  });

  it('MAX_HEAP_USED_FRACTION: over it, the API sheds load with a 503 naming it', async () => {
    // The smallest fraction above 0 is a byte: any heap is over it at the first measurement.
    const app = await fromEnv({ MAX_HEAP_USED_FRACTION: '5e-324' });
    await vi.waitFor(() => expect(app.isUnderPressure()).toBe(true), { timeout: 30_000, interval: 20 });
    const res = await post(app, '/v1/forward', neuron);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'OVERLOADED', detail: expect.stringContaining('MAX_HEAP_USED_FRACTION') });
  });

  it('OFFLOAD_WORK and COMPUTE_BUDGET_MS: what goes to a worker thread, and how long it may compute there', async () => {
    const logs = sink();
    const app = await fromEnv({ OFFLOAD_WORK: '0', WORKERS: '1' }, { logs, workers: true });
    expect((await post(app, '/v1/gradients', neuron)).statusCode).toBe(200);
    // The neuron's gradients: 2 passes of 11.
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'computing on a worker', operation: 'gradients', work: 22 }),
    );
    const inline = sink();
    expect((await post(await fromEnv({}, { logs: inline, workers: true }), '/v1/gradients', neuron)).statusCode).toBe(
      200,
    );
    expect(inline.lines.filter((l) => l.msg === 'computing on a worker')).toEqual([]);
    // A gradcheck of 2,000 elements (about 30 million element operations) cannot finish in 1 ms.
    const v = Array.from({ length: 2000 }, (_, i) => (i % 10) / 10);
    const budgeted = await fromEnv({ OFFLOAD_WORK: '0', WORKERS: '1', COMPUTE_BUDGET_MS: '1' }, { workers: true });
    const res = await post(budgeted, '/v1/gradcheck', { graph: { params: { v }, expr: 'L = sum(tanh(v))' } });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toMatchObject({ code: 'TIME_BUDGET', budgetMs: 1 });
  });

  it('OFFLOAD_BODY_BYTES: a longer body is parsed on a worker thread', async () => {
    const logs = sink();
    const app = await fromEnv({ OFFLOAD_BODY_BYTES: '10', WORKERS: '1' }, { logs, workers: true });
    const body = JSON.stringify(neuron);
    expect((await post(app, '/v1/forward', body)).statusCode).toBe(200);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: 'computing on a worker', operation: 'forward', bodyLength: body.length }),
    );
  });
});
