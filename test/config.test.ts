/** Configuration by environment: every setting read, every bad value named. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

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
      CORS_ORIGINS: 'https://course.example.edu, http://localhost:8080',
      TRUST_PROXY: '10.0.0.0/8, 192.168.1.7, ::1, fd00::/8, loopback',
      MAX_EVENT_LOOP_DELAY_MS: '500',
      MAX_HEAP_USED_FRACTION: '0.8',
      MAX_EVENT_LOOP_UTILIZATION: '0.95',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      HEADERS_TIMEOUT_MS: '66000',
      REQUEST_TIMEOUT_MS: '90000',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'warn',
      bodyLimit: 2048,
      limits: { maxNodes: 10, maxElements: 20, maxTotalElements: 30, maxWork: 40, maxResponseValues: 50 },
      pool: { threads: 3, queue: 4, budgetMs: 5000 },
      offloadWork: 60,
      offloadBody: 70,
      shutdownGraceMs: 80,
      auth: { apiKeys: ['course-platform-key-0001', 'another-platform-key-0002'], publicMetrics: true, publicDocs: false },
      rateLimit: { max: 90, windowMs: 1000 },
      corsOrigins: ['https://course.example.edu', 'http://localhost:8080'],
      trustProxy: ['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8', 'loopback'],
      shedding: { maxEventLoopDelayMs: 500, maxHeapUsedFraction: 0.8, maxEventLoopUtilization: 0.95 },
      timeouts: { keepAliveMs: 65000, headersMs: 66000, requestMs: 90000 },
    });
  });

  it('has defaults safe for a public deployment that a conformance run from one client stays under', () => {
    const config = loadConfig({});
    expect(config.auth).toEqual({ apiKeys: [], publicMetrics: false, publicDocs: true });
    expect(config.rateLimit).toEqual({ max: 1200, windowMs: 60_000 });
    expect(config.corsOrigins).toEqual([]);
    expect(config.trustProxy).toBe(false);
    expect(config.shedding).toEqual({ maxEventLoopDelayMs: 1000, maxHeapUsedFraction: 0.9, maxEventLoopUtilization: 0 });
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
    expect(loadConfig({ KEEP_ALIVE_TIMEOUT_MS: '130000' }).timeouts).toEqual({ keepAliveMs: 130_000, headersMs: 131_000, requestMs: 131_000 });
  });

  it('names the setting whose value is not a number it can use', () => {
    expect(() => loadConfig({ WORKERS: '0' })).toThrow(/WORKERS must be an integer of at least 1, got '0'/);
    expect(() => loadConfig({ COMPUTE_BUDGET_MS: 'soon' })).toThrow(/COMPUTE_BUDGET_MS/);
    expect(() => loadConfig({ MAX_RESPONSE_VALUES: '-1' })).toThrow(/MAX_RESPONSE_VALUES/);
    expect(() => loadConfig({ RATE_LIMIT_MAX: '0' })).toThrow(/RATE_LIMIT_MAX must be an integer of at least 1, got '0'/);
    expect(() => loadConfig({ RATE_LIMIT_MAX: 'lots' })).toThrow(/RATE_LIMIT_MAX/);
    expect(() => loadConfig({ RATE_LIMIT_WINDOW_MS: '500' })).toThrow(/RATE_LIMIT_WINDOW_MS must be an integer of at least 1000, got '500'/);
    expect(() => loadConfig({ MAX_EVENT_LOOP_DELAY_MS: '-5' })).toThrow(/MAX_EVENT_LOOP_DELAY_MS/);
    expect(() => loadConfig({ MAX_HEAP_USED_FRACTION: '90%' })).toThrow(/MAX_HEAP_USED_FRACTION must be a number from 0 to 1, got '90%'/);
    expect(() => loadConfig({ MAX_HEAP_USED_FRACTION: '1.5' })).toThrow(/MAX_HEAP_USED_FRACTION/);
    expect(() => loadConfig({ MAX_EVENT_LOOP_UTILIZATION: '-0.1' })).toThrow(/MAX_EVENT_LOOP_UTILIZATION/);
  });

  it('names a bad API key by its position, never quoting it', () => {
    expect(() => loadConfig({ API_KEYS: 'course-platform-key-0001,short' })).toThrow(/^API_KEYS: key 2 has 5 characters; each key needs at least 16/);
    expect(() => loadConfig({ API_KEYS: 'course-platform-key-0001,short' })).not.toThrow(/short/);
    expect(() => loadConfig({ API_KEYS: 'a key with spaces in it' })).toThrow(/^API_KEYS: key 1 has a character a bearer token cannot carry/);
    expect(() => loadConfig({ API_KEYS: 'course-platform-key-é001' })).toThrow(/API_KEYS: key 1/);
  });

  it('names a bad PUBLIC_METRICS or PUBLIC_DOCS', () => {
    expect(() => loadConfig({ PUBLIC_METRICS: 'yes' })).toThrow(/PUBLIC_METRICS must be true or false, got 'yes'/);
    expect(() => loadConfig({ PUBLIC_DOCS: '1' })).toThrow(/PUBLIC_DOCS must be true or false, got '1'/);
  });

  it('accepts only exact origins in CORS_ORIGINS, never *', () => {
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS lists exact origins .*'\*' is not accepted/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://course.example.edu/' })).toThrow(/CORS_ORIGINS .*got 'https:\/\/course.example.edu\/'/);
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
    expect(() => loadConfig({ KEEP_ALIVE_TIMEOUT_MS: '0' })).toThrow(/KEEP_ALIVE_TIMEOUT_MS must be an integer of at least 1/);
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '60000' })).toThrow(/HEADERS_TIMEOUT_MS \(60000\) must be longer than KEEP_ALIVE_TIMEOUT_MS \(72000\)/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '70000' })).toThrow(/REQUEST_TIMEOUT_MS \(70000\) must be at least HEADERS_TIMEOUT_MS \(73000\)/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/REQUEST_TIMEOUT_MS/);
  });
});
