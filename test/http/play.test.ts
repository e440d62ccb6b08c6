/**
 * GET /play, the student page, as the service serves it: built from web/play into a directory of
 * this test's own (scripts/build-play.mjs, as `npm run build` runs it), under its size budget;
 * the page with a Content-Security-Policy of this origin only and no cache without asking again;
 * its assets by hashed name, cached for a year, gzip-compressed when accepted; nothing from any
 * other origin.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

/** The bound on the page's own assets, gzip-compressed, KaTeX's fonts aside. */
const BUDGET_BYTES = 300_000;

const dir = mkdtempSync(join(tmpdir(), 'gradient-service-play-'));
let app: App;

beforeAll(async () => {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-play.mjs', import.meta.url)), dir]);
  app = await buildTestApp({ pool: false, play: { dir } });
}, 60_000);

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const directives = (csp: unknown): Map<string, string[]> =>
  new Map(
    String(csp)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );

describe('the built page', () => {
  it(`weighs under ${BUDGET_BYTES / 1000} kB gzip-compressed, KaTeX's fonts aside, and names every asset by its hash`, () => {
    const names = readdirSync(join(dir, 'assets'));
    const gzipped = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length;
    const total = names
      .filter((n) => !n.endsWith('.woff2'))
      .reduce((sum, n) => sum + gzipped(join(dir, 'assets', n)), gzipped(join(dir, 'index.html')));
    expect(total).toBeLessThan(BUDGET_BYTES);
    for (const name of names) expect(name).toMatch(/^[\w-]+-[A-Z0-9]{8}\.(js|css|woff2)$/);
    // KaTeX's fonts in woff2 only, and the style sheet names no other format.
    expect(names.filter((n) => n.endsWith('.woff2')).length).toBeGreaterThan(10);
    const css = readFileSync(join(dir, 'assets', names.find((n) => n.endsWith('.css'))!), 'utf8');
    expect(css).not.toMatch(/\.(woff|ttf)\)/);
  });
});

describe('GET /play', () => {
  it('answers the page, never cached without asking, with a Content-Security-Policy of this origin only', async () => {
    const res = await app.inject({ method: 'GET', url: '/play' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(String(res.headers['content-security-policy'])).not.toMatch(/unsafe-|https?:/);
    // No inline script, and nothing named on another origin.
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect((await app.inject({ method: 'GET', url: '/play/' })).statusCode).toBe(200);
  });

  it('serves each asset the page names, cached for a year, gzip-compressed when the browser accepts it', async () => {
    const page = (await app.inject({ method: 'GET', url: '/play' })).body;
    const named = [...page.matchAll(/(?:src|href)="(\/play\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(named).toHaveLength(2);
    for (const url of named) {
      const plain = await app.inject({ method: 'GET', url });
      expect(plain.statusCode, url).toBe(200);
      expect(plain.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
      expect(plain.headers['content-type'], url).toMatch(/^text\/(javascript|css); charset=utf-8$/);
      const zipped = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, br' } });
      expect(zipped.headers['content-encoding'], url).toBe('gzip');
      expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload), url).toBe(true);
    }
    const font = readdirSync(join(dir, 'assets')).find((n) => n.endsWith('.woff2'))!;
    const res = await app.inject({ method: 'GET', url: `/play/assets/${font}` });
    expect(res.headers['content-type']).toBe('font/woff2');
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('is a 404 problem for a name that is not one of its assets, a path outside them included', async () => {
    for (const url of ['/play/assets/nope.js', '/play/assets/..%2F..%2Fpackage.json', '/play/assets/index.html']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code, url).toBe('NOT_FOUND');
    }
  });

  it('is a 404 when turned off (PUBLIC_PLAY=false), and / then leads to /docs', async () => {
    const off = await buildTestApp({ pool: false, play: false });
    expect((await off.inject({ method: 'GET', url: '/play' })).statusCode).toBe(404);
    expect((await off.inject({ method: 'GET', url: '/' })).headers.location).toBe('/docs');
    await off.close();
  });

  it('is linked from /docs: the OpenAPI description names it', async () => {
    const description = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().info.description;
    expect(description).toContain('(/play)');
  });
});
