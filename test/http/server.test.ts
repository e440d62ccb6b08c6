/** The app on a real socket (127.0.0.1 only), and the log line each request writes. */
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

const lines: Record<string, unknown>[] = [];
const stream = new Writable({
  write(chunk, _, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let app: Awaited<ReturnType<typeof buildTestApp>>;
let base: string;
beforeAll(async () => {
  app = await buildTestApp({ logger: { level: 'info', stream } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

describe('the service on a listening socket', () => {
  it('computes gradients over HTTP', async () => {
    const res = await request(base)
      .post('/v1/gradients')
      .send({
        graph: {
          inputs: { x: 3, y: 0 },
          params: { w: -0.2, b: 0.4 },
          expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
        },
      })
      .expect('content-type', /application\/json/)
      .expect(200);
    // dL/db = (y_hat - y) * y_hat * (1 - y_hat), written out by hand.
    const yHat = 1 / (1 + Math.exp(0.2));
    expect(res.body.gradients.b).toBeCloseTo(yHat * yHat * (1 - yHat), 14);
  });

  it('answers a problem document for a bad body', async () => {
    const res = await request(base)
      .post('/v1/forward')
      .set('content-type', 'application/json')
      .send('{"neuron": [')
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.status).toBe(400);
  });

  it('writes one JSON log line per request, with its request id', async () => {
    lines.length = 0;
    await request(base).get('/healthz').set('x-request-id', 'log-check-1').expect(200);
    await new Promise((r) => setImmediate(r));
    const mine = lines.filter((l) => l.requestId === 'log-check-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      msg: 'request',
      method: 'GET',
      url: '/healthz',
      statusCode: 200,
      responseTimeMs: expect.any(Number),
    });
  });
});
