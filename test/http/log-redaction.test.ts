/**
 * Keys and bodies never reach the logs: not the key a request sends (right or wrong), not a value
 * from its body, whatever the answer; and the logger redacts them wherever headers or a body
 * would be logged. In process at the most verbose level, and in src/server.ts as operators run it.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { LogLines } from '../support/log-lines.js';
import { killAll, startServer } from '../support/server-process.js';

afterAll(killAll);

const KEY = 'secret-course-key-7f3a9c1e5b';
const WRONG_KEY = 'wrong-but-secret-key-4d2b8e6a';
/** A value no log line has any reason to hold but a body's. */
const MARKER = 'zebra_body_marker_8675309';

/** Requests of every outcome, each carrying a key and the marker in its body or URL. */
const REQUESTS = [
  { key: KEY, body: { graph: { inputs: { [MARKER]: 3 }, params: { w: 2 }, expr: `L = w * ${MARKER}` } }, status: 200 },
  { key: KEY, body: { graph: { inputs: { x: 1 }, expr: `L = x * ${MARKER}` } }, status: 422 },
  { key: KEY, body: { neuron: { x: 1, w: 1, b: 0, y: 1 }, [MARKER]: 1 }, status: 400 },
  { key: KEY, body: `{"graph": "${MARKER}`, status: 400 },
  { key: WRONG_KEY, body: { neuron: { x: 1, w: 1, b: MARKER, y: 1 } }, status: 401 },
  { key: undefined, body: { neuron: { x: 1, w: 1, b: MARKER, y: 1 } }, status: 401 },
];

function expectClean(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).not.toContain(KEY);
    expect(line).not.toContain(WRONG_KEY);
    expect(line).not.toContain(MARKER);
  }
}

describe('in process, at log level trace', () => {
  it('logs neither keys nor bodies, whatever the answer', async () => {
    const logs = new LogLines();
    const app = await buildTestApp({
      pool: false,
      logger: { level: 'trace', stream: logs.stream },
      auth: { apiKeys: [KEY] },
    });
    try {
      for (const [i, { key, body, status }] of REQUESTS.entries()) {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/gradients',
          headers: {
            'content-type': 'application/json',
            'x-request-id': `redaction-${i}`,
            cookie: `session=${KEY}`,
            'x-api-key': KEY,
            ...(key && { authorization: `Bearer ${key}` }),
          },
          payload: typeof body === 'string' ? body : JSON.stringify(body),
        });
        expect(res.statusCode, res.body).toBe(status);
      }
      // The request line of each is written once its response has gone: awaited by its content.
      for (const i of REQUESTS.keys()) await logs.until((l) => l.msg === 'request' && l.requestId === `redaction-${i}`);
      expect(logs.count((l) => l.msg === 'request')).toBe(REQUESTS.length);
      expectClean(logs.raw);
    } finally {
      await app.close();
    }
  });

  it('redacts keys, cookies and bodies wherever a line would hold them', async () => {
    const logs = new LogLines();
    const app = await buildTestApp({ pool: false, logger: { level: 'info', stream: logs.stream } });
    try {
      app.log.info(
        { req: { headers: { authorization: `Bearer ${KEY}`, cookie: KEY, 'x-api-key': KEY }, body: { id: MARKER } } },
        'a careless line',
      );
      app.log.info({ headers: { authorization: `Bearer ${KEY}` }, body: MARKER }, 'another');
      await logs.until((l) => l.msg === 'another');
      const lines = logs.raw.filter((l) => /a careless line|another/.test(l));
      expect(lines).toHaveLength(2);
      expectClean(lines);
      expect(JSON.parse(lines[1])).toMatchObject({ headers: { authorization: '[Redacted]' }, body: '[Redacted]' });
    } finally {
      await app.close();
    }
  });
});

describe('src/server.ts', () => {
  // Starting the server takes a second or two; the bound is for a server that never starts.
  vi.setConfig({ testTimeout: 120_000 });

  it('logs neither keys nor bodies', async () => {
    const server = await startServer({ API_KEYS: `${KEY},another-key-0123456789`, LOG_LEVEL: 'trace' });
    for (const [i, { key, body, status }] of REQUESTS.entries()) {
      const res = await fetch(`${server.url}/v1/gradients`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': `redaction-${i}`,
          ...(key && { authorization: `Bearer ${key}` }),
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status).toBe(status);
    }
    await server.logged((l) => l.msg === 'request' && l.requestId === `redaction-${REQUESTS.length - 1}`);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expectClean(server.logs);
  });
});
