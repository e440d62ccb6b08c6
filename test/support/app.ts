import { buildApp } from '../../src/app.js';

/**
 * The app as tests use it: every response is checked against its schema; no API keys, and a rate
 * limit (so that its hook runs in every test) far above the requests any test sends to one app.
 * No load shedding: a test computing on the event loop must not make the next one a 503.
 */
export const buildTestApp = (options: Parameters<typeof buildApp>[0] = {}) =>
  buildApp({ checkResponses: true, rateLimit: { max: 1_000_000, windowMs: 60_000 }, ...options });
