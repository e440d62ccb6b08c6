import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppOptions } from '../src/app.js';
import { type ConformanceCase, checkCase } from './support/conformance.js';
import { buildTestApp } from './support/app.js';

/** Cases computed by an independent reference (PyTorch float64), copied from shared/conformance. */
const dir = new URL('./conformance/', import.meta.url);
const cases: ConformanceCase[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));

const ROUTES = ['/v1/forward', '/v1/gradients', '/v1/step', '/v1/gradcheck', '/v1/grade'];

/**
 * Where a request is computed must not change its answer: on the event loop (the default for
 * these small cases), as a prepared job on a worker thread, or from its raw text on a worker
 * thread (as a body too large for the event loop is).
 */
const placements: [string, AppOptions][] = [
  ['on the event loop', {}],
  ['as a job on a worker thread', { offloadWork: 0 }],
  ['from its text on a worker thread', { offloadBody: 0 }],
];

describe.each(placements)('conformance cases through the HTTP app, computed %s', (_, options) => {
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    app = await buildTestApp(options);
  });
  afterAll(() => app.close());

  it('has cases for every compute route', () => {
    for (const route of ROUTES) expect(cases.some((c) => c.endpoint === route)).toBe(true);
  });

  it.each(cases.filter((c) => ROUTES.includes(c.endpoint)).map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const res = await app.inject({
      method: (c.method ?? 'POST') as 'POST',
      url: c.endpoint,
      headers: { 'content-type': 'application/json', ...c.headers },
      payload: c.requestRaw ?? JSON.stringify(c.request),
    });
    expect(checkCase(c, res.statusCode, String(res.headers['content-type'] ?? ''), res.body)).toEqual([]);
  });
});
