import { buildApp } from '../../src/app.js';

/** The app as tests use it: every response is checked against its schema. */
export const buildTestApp = (options: Parameters<typeof buildApp>[0] = {}) => buildApp({ checkResponses: true, ...options });
