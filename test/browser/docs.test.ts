/**
 * Swagger UI as a student uses it, in headless Chromium (Debian's chromium, driven by
 * playwright-core): open /docs, expand POST /v1/gradients, "Try it out" with the prefilled
 * example and language (English), "Execute", and read the answer on the page; without API keys
 * the page shows no "Authorize" and no locks. The screenshot is kept in
 * test-artifacts/docs-gradients.png.
 *
 * Without Chromium the test is skipped, unless REQUIRE_BROWSER=1 (.ci/run sets it, after
 * installing chromium): then a missing browser is a failure.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { ARTIFACTS, launchChromium, skipBrowser } from '../support/chromium.js';

describe.skipIf(skipBrowser)('Swagger UI at /docs, in Chromium', () => {
  let app: Awaited<ReturnType<typeof buildTestApp>>;
  let browser: Browser;
  let base: string;

  // Launching a browser is slow on one busy core: the bounds below are for a browser that never
  // starts or a page that never shows, not a measure of speed.
  beforeAll(async () => {
    app = await buildTestApp({ pool: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('runs the POST /v1/gradients example with "Try it out" and shows what the service answers', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Every step waits for its element, by its content; the bound is for an element that never comes.
    page.setDefaultTimeout(60_000);
    // The docs' Content-Security-Policy (app.ts) must leave Swagger UI whole: nothing it does is refused.
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${base}/docs/`);
    expect((await page.request.get(`${base}/docs/`)).headers()['content-security-policy']).toMatch(
      /default-src 'none'/,
    );

    const operation = page.locator('#operations-compute-post_v1_gradients');
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    // The prefilled body is the first example, the tutorial's worked one; it is sent as it is.
    const body = operation.locator('textarea.body-param__text');
    await expect.poll(() => body.inputValue()).toContain('"neuron"');
    const sent = JSON.parse(await body.inputValue());
    // English unless the reader picks pt-BR; no "Authorize" and no locks, since this app has no API keys.
    const language = await operation.locator('tr[data-param-name="Accept-Language"] select').inputValue();
    expect(language).toBe('en');
    expect(await page.locator('.auth-wrapper .authorize').count()).toBe(0);
    expect(await page.locator('.authorization__btn').count()).toBe(0);
    await operation.locator('button.execute').click();

    const live = operation.locator('.live-responses-table');
    const status = live.locator('.response .response-col_status').first();
    await status.waitFor();
    expect((await status.innerText()).trim()).toBe('200');
    const shown = JSON.parse(await live.locator('.response-col_description pre').first().innerText());

    const headers = { 'content-type': 'application/json', ...(language && { 'accept-language': language }) };
    const direct = await fetch(`${base}/v1/gradients`, { method: 'POST', headers, body: JSON.stringify(sent) });
    const answer = await direct.json();
    expect(shown).toEqual(answer);
    expect(Object.keys(shown.gradients)).toEqual(expect.arrayContaining(['w', 'b']));
    expect(refused).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await operation.screenshot({ path: new URL('docs-gradients.png', ARTIFACTS).pathname });
    await page.close();
  }, 180_000);
});
