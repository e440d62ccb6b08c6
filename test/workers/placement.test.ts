/**
 * A body too large for the event loop is parsed, validated and compiled on a worker thread; a
 * job of much estimated work is computed on one. Either way the client gets the answer, or the
 * problem, it would get from the event loop: the same status, code, paths and numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
let inline: App;
let fromText: App;
let asJob: App;
beforeAll(async () => {
  [inline, fromText, asJob] = await Promise.all([
    buildTestApp({ pool: false }),
    buildTestApp({ offloadBody: 0 }),
    buildTestApp({ offloadWork: 0 }),
  ]);
});
afterAll(() => Promise.all([inline.close(), fromText.close(), asJob.close()]));

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
const bodies: [string, string, string][] = [
  ['gradients of the neuron', '/v1/gradients', JSON.stringify(neuron)],
  [
    'grade in pt-BR',
    '/v1/grade',
    JSON.stringify({
      ...neuron,
      learningRate: 0.1,
      answers: { y_hat: '0,4502', 'dL/dw': -0.3343, 'step(w)': -0.2334 },
    }),
  ],
  ['malformed JSON', '/v1/forward', '{"graph": {"inputs": '],
  ['an empty body', '/v1/forward', ''],
  [
    'a field of the wrong type',
    '/v1/forward',
    JSON.stringify({ graph: { inputs: { x: 1 }, nodes: [{ id: 'u', op: 'mul', args: ['x', true] }] } }),
  ],
  ['an unknown field', '/v1/step', JSON.stringify({ ...neuron, learningrate: 0.1, learningRate: 0.1 })],
  [
    'an unknown id',
    '/v1/gradients',
    JSON.stringify({ graph: { inputs: { x: 1 }, nodes: [{ id: 'u', op: 'mul', args: ['x', 'q'] }] } }),
  ],
  [
    'a cycle',
    '/v1/forward',
    JSON.stringify({
      graph: {
        inputs: { x: 1 },
        nodes: [
          { id: 'a', op: 'add', args: ['b', 'x'] },
          { id: 'b', op: 'sin', args: ['a'] },
        ],
      },
    }),
  ],
  [
    'bce of a p outside [0, 1]',
    '/v1/forward',
    JSON.stringify({ graph: { inputs: { p: 2, y: 1 }, nodes: [{ id: 'L', op: 'bce', args: ['p', 'y'] }] } }),
  ],
  [
    'more steps than the work limit allows',
    '/v1/step',
    JSON.stringify({
      graph: {
        inputs: { x: Array.from({ length: 2000 }, (_, i) => i / 2000) },
        params: { w: 0.5 },
        expr: 'L = mean(x * w)',
      },
      learningRate: 0.1,
      steps: 100_000,
    }),
  ],
];

/** The answer without what differs by request: its id. */
async function answer(app: App, url: string, payload: string) {
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', 'accept-language': 'pt-BR' },
    payload,
  });
  const body = res.body ? JSON.parse(res.body) : undefined;
  if (body) delete body.requestId;
  return { status: res.statusCode, type: String(res.headers['content-type']).split(';')[0], body };
}

describe('wherever a request is computed', () => {
  it.each(bodies)('%s: the same answer', async (_, url, payload) => {
    const expected = await answer(inline, url, payload);
    expect(await answer(fromText, url, payload)).toEqual(expected);
    expect(await answer(asJob, url, payload)).toEqual(expected);
  });

  it('answers each kind of request as the contract says (so the comparison above compares something)', async () => {
    const statuses = await Promise.all(
      bodies.map(([, url, payload]) => answer(inline, url, payload).then((a) => a.status)),
    );
    expect(statuses).toEqual([200, 200, 400, 400, 400, 400, 422, 422, 422, 413]);
  });
});
