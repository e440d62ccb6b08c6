import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceCase, checkCase } from './support/conformance.js';
import { buildTestApp } from './support/app.js';

/** Cases computed by an independent reference (PyTorch float64), copied from shared/conformance. */
const dir = new URL('./conformance/', import.meta.url);
const cases: ConformanceCase[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));

const ROUTES = ['/v1/forward', '/v1/gradients', '/v1/step', '/v1/gradcheck', '/v1/grade'];

describe('conformance cases through the HTTP app', () => {
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    app = await buildTestApp();
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
