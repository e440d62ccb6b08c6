/**
 * Debian's Chromium for the browser tests (test/browser), driven by playwright-core: where it is,
 * whether the tests run without it, and how it is launched. Without Chromium the tests are skipped,
 * unless REQUIRE_BROWSER=1 (.ci/run sets it, after installing chromium): then a missing browser is
 * a failure.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.REQUIRE_BROWSER === '1';
const available = existsSync(CHROMIUM);

/** Whether a browser test is skipped here (it says so once). */
export const skipBrowser = !available && !required;
if (skipBrowser) {
  console.warn(
    `test/browser: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH; REQUIRE_BROWSER=1 makes this a failure)`,
  );
}

/** Where the screenshots go, kept by CI as artifacts. */
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

/** Chromium, headless; a failure that names the package when REQUIRE_BROWSER=1 and there is none. */
export async function launchChromium(): Promise<Browser> {
  if (!available)
    throw new Error(
      `REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    // Nothing but loopback is reachable here: no background connections, no updates, no GPU.
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // Playwright's own bound on the launch (30 s by default), under the test hook's.
    timeout: 100_000,
  });
}
