/**
 * The abuse audit replayed (issue 13): each attack against a server process on the default
 * configuration, /healthz probed every 50 ms meanwhile, and its bound asserted (test/support/attacks.ts
 * says what each attack is and what must hold). `npm run abuse` prints the same attacks' figures.
 * Clients that never read their answers: test/abuse/slow-readers.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiFlood, runAttack } from '../support/abuse-runner.js';
import { HEALTHZ_BOUND_MS, attacks } from '../support/attacks.js';
import { type ServerProcess, killAll, startServer } from '../support/server-process.js';

let server: ServerProcess;
beforeAll(async () => {
  // The default configuration, but for a rate limit that the suite's own requests stay under.
  server = await startServer({ RATE_LIMIT_MAX: '100000' });
  // The worker threads start on the first job sent to them (under tests each loads TypeScript
  // through tsx): started here, so that no attack below pays for it.
  await Promise.all(
    ['explain 150 terms', 'SVG headers'].map(async (name) => {
      const attack = attacks.find((a) => a.name === name)!;
      await (
        await fetch(`${server.url}${attack.path}`, {
          method: attack.method,
          headers: attack.headers,
          body: attack.body?.(),
        })
      ).arrayBuffer();
    }),
  );
}, 120_000);
afterAll(killAll);

describe('the abuse audit, replayed against a server process', () => {
  for (const attack of attacks) {
    it(`${attack.name}: holds its bounds (before: ${attack.audit})`, async () => {
      const outcome = await runAttack(server.url, attack, 60_000);
      expect(
        attack.check(outcome),
        `${attack.name}: ${outcome.status}, ${outcome.bytes} bytes, ${outcome.ms.toFixed(0)} ms, /healthz ${outcome.worstHealthzMs.toFixed(0)} ms`,
      ).toEqual([]);
    }, 90_000);
  }

  it('serves /openapi.json with an ETag, and a 304 for a match', async () => {
    const first = await fetch(`${server.url}/openapi.json`);
    const etag = first.headers.get('etag');
    expect(first.status).toBe(200);
    expect(etag).toBeTruthy();
    const again = await fetch(`${server.url}/openapi.json`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
  });

  it('keeps /v1 answering while /openapi.json is flooded', async () => {
    const flood = await openapiFlood(server.url, 2);
    // Before: 16 connections took /v1/gradients' p50 from about 1 ms to 180 ms.
    expect(flood.gradientsNon2xx).toBe(0);
    expect(flood.floodedP50).toBeLessThan(HEALTHZ_BOUND_MS / 2);
  }, 30_000);
});
