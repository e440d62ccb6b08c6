/**
 * Load shedding (@fastify/under-pressure). Pressure is made certain rather than timed: a heap
 * threshold of the smallest fraction above 0 is exceeded by any heap at the plugin's first
 * measurement, and the test waits for that measurement, not for a time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SHEDDING } from '../../src/http/pressure.js';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
const forward = (app: App, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/forward',
    headers: { 'content-type': 'application/json', ...headers },
    payload: neuron,
  });

/** An app whose heap is over its threshold from its first measurement on (every 10 ms). */
async function overloadedApp(options: Parameters<typeof buildTestApp>[0] = {}): Promise<App> {
  const app = await buildTestApp({
    pool: false,
    shedding: {
      maxEventLoopDelayMs: 0,
      maxHeapUsedFraction: Number.MIN_VALUE,
      maxEventLoopUtilization: 0,
      sampleIntervalMs: 10,
    },
    ...options,
  });
  apps.push(app);
  // Awaited, not timed: the bound is for a plugin that never measures.
  await vi.waitFor(() => expect(app.isUnderPressure()).toBe(true), { timeout: 15_000, interval: 10 });
  return app;
}

describe('under pressure', () => {
  it('answers a 503 OVERLOADED problem with Retry-After', async () => {
    const app = await overloadedApp();
    const res = await forward(app);
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.json()).toMatchObject({
      type: 'urn:gradient-service:problem:overloaded',
      status: 503,
      code: 'OVERLOADED',
      title: 'Overloaded',
      retryAfterSeconds: 10,
    });
    expect(res.json().detail).toContain('MAX_HEAP_USED_FRACTION');
  });

  it('answers in Portuguese under Accept-Language: pt-BR', async () => {
    const app = await overloadedApp();
    const res = await forward(app, { 'accept-language': 'pt-BR' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-language']).toBe('pt-BR');
    expect(res.json().title).toBe('Serviço sobrecarregado');
    expect(res.json().detail).toMatch(/tente de novo em 10 s/);
  });

  it('turns /readyz 503 "overloaded", keeps /healthz 200 and /metrics answering', async () => {
    const app = await overloadedApp();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'overloaded' });
    const live = await app.inject({ method: 'GET', url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });

  it('says shutting_down rather than overloaded once shutdown has begun', async () => {
    const app = await overloadedApp({ isReady: () => false });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'shutting_down' });
  });

  it('sheds the documentation too: only the probes and /metrics are always answered', async () => {
    const app = await overloadedApp();
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/v1/nothing' })).statusCode).toBe(503);
  });
});

describe('the default thresholds', () => {
  it('are not reached by an idle process or a run of small requests', async () => {
    // Measured every 250 ms rather than every second, so that the test need not wait long for a measurement.
    const app = await buildTestApp({ pool: false, shedding: { ...DEFAULT_SHEDDING, sampleIntervalMs: 250 } });
    apps.push(app);
    await vi.waitFor(() => expect(app.memoryUsage().heapUsed).toBeGreaterThan(0), { timeout: 15_000, interval: 10 });
    for (let i = 0; i < 50; i++) expect((await forward(app)).statusCode).toBe(200);
    expect(app.isUnderPressure()).toBe(false);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok' });
  });
});
