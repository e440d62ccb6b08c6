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
    });
  });

  it('names the setting whose value is not a number it can use', () => {
    expect(() => loadConfig({ WORKERS: '0' })).toThrow(/WORKERS must be an integer of at least 1, got '0'/);
    expect(() => loadConfig({ COMPUTE_BUDGET_MS: 'soon' })).toThrow(/COMPUTE_BUDGET_MS/);
    expect(() => loadConfig({ MAX_RESPONSE_VALUES: '-1' })).toThrow(/MAX_RESPONSE_VALUES/);
  });
});
