/**
 * What an explanation costs, as a specification (issue 13): the sums `L = w*x + w*x + …` whose
 * explanation was cubic (50 terms took 3 s, 150 terms 73 s on the event loop) are explained with
 * the right numbers and the right chain rule; the work estimate counts the text an explanation
 * writes, so a long one goes to a worker and the tutorial's stays on the event loop; the size of
 * the response is estimated before computing, an upper bound not far above the real size, and an
 * explanation over MAX_RESPONSE_BYTES is a 413 that says how to ask for less; a 30,000-term sum
 * is graded, not a 500.
 *
 * Expected numbers are worked by hand: for L = Σ w·x over n terms, dL/dw = n·x, dL/dx = n·w.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/engine/limits.js';
import { DEFAULT_OFFLOAD_WORK } from '../../../src/http/compute.js';
import { operations } from '../../../src/operations/index.js';
import { prepareBody } from '../../../src/operations/operation.js';
import { exampleSpecs } from '../../../src/schemas/examples.js';
import { layerGraphs } from './layer-graphs.js';
import { buildTestApp } from '../../support/app.js';
import { LogLines } from '../../support/log-lines.js';
import { type Catalogue, anySpec, requestFor } from '../../property/arbitraries.js';
import { runs } from '../../property/support.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
let app: App;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

interface Step {
  phase: string;
  key: string;
  formula: { text: string; latex: string };
  text: string;
  value: number;
}

const X = 1.2345,
  W = 0.7,
  ETA = 0.1;
const sum = (n: number) => ({
  graph: { inputs: { x: X }, params: { w: W }, expr: `L = ${Array.from({ length: n }, () => 'w*x').join(' + ')}` },
  learningRate: ETA,
  gradcheck: true,
});
const post = (url: string, payload: object, on = app) => on.inject({ method: 'POST', url, payload });
const prepare = (body: object, locale: 'en' | 'pt-BR' = 'en', limits = DEFAULT_LIMITS) =>
  prepareBody(operations.explain, body, { limits, locale });

describe('POST /v1/explain of L = w*x + w*x + … (the sums that were cubic)', () => {
  it.each([50, 150])('explains %i terms with dL/dw = n·x, the gradient of /v1/gradients', async (n) => {
    const res = await post('/v1/explain', sum(n));
    expect(res.statusCode, res.body).toBe(200);
    const steps: Step[] = res.json().steps;
    const at = (phase: string, key: string) => steps.find((s) => s.phase === phase && s.key === key)!;
    const gradients = (await post('/v1/gradients', { graph: sum(n).graph })).json().gradients;

    expect(at('forward', 'L').value).toBeCloseTo(n * W * X, 9);
    // The local derivative of the statement: one x per term, the 1s of the sum left out.
    expect(at('local', 'dL/dw').formula.text).toBe(`dL/dw = ${Array.from({ length: n }, () => 'x').join(' + ')}`);
    expect(at('local', 'dL/dx').formula.text).toBe(`dL/dx = ${Array.from({ length: n }, () => 'w').join(' + ')}`);
    expect(at('local', 'dL/dw').value).toBeCloseTo(n * X, 9);
    expect(at('backward', 'dL/dw').value).toBeCloseTo(n * X, 9);
    expect(at('backward', 'dL/dw').value).toBe(gradients.w);
    expect(at('backward', 'dL/dx').value).toBeCloseTo(n * W, 9);
    expect(at('update', 'step(w)').value).toBeCloseTo(W - ETA * n * X, 9);
    expect(at('gradcheck', 'fd(dL/dw)').value).toBeCloseTo(n * X, 4);
  });

  it('estimates the work of 150 terms above the offload threshold, and the tutorial’s below it', () => {
    const explainWork = (body: object) => operations.explain.work(prepare(body));
    expect(explainWork(sum(150))).toBeGreaterThan(DEFAULT_OFFLOAD_WORK);
    expect(explainWork({ graph: exampleSpecs.expr, learningRate: ETA })).toBeLessThan(DEFAULT_OFFLOAD_WORK);
    // More terms, more work: the chain rule walks each term's chain.
    expect(explainWork(sum(150))).toBeGreaterThan(2 * explainWork(sum(100)));
  });

  it('sends the 150-term explanation to a worker', async () => {
    const logs = new LogLines();
    const logged = await buildTestApp({ logger: { level: 'info', stream: logs.stream } });
    try {
      const res = await post('/v1/explain', sum(150), logged);
      expect(res.statusCode).toBe(200);
      expect(
        logs.count(
          (l) =>
            l.msg === 'computing on a worker' && l.operation === 'explain' && (l.work as number) > DEFAULT_OFFLOAD_WORK,
        ),
      ).toBe(1);
    } finally {
      await logged.close();
    }
  });
});

describe('POST /v1/explain: the response size, estimated before computing', () => {
  const tutorial = {
    neuron: { neuron: exampleSpecs.worked, learningRate: ETA, gradcheck: true },
    expr: { graph: exampleSpecs.expr, learningRate: ETA },
    network: { network: exampleSpecs.network, learningRate: ETA, gradcheck: true },
  };
  const others = {
    '150 terms': sum(150),
    'a product of 150 factors': {
      graph: {
        inputs: { x: 1.01 },
        params: { w: 0.7 },
        expr: `L = w*${Array.from({ length: 149 }, () => 'x').join('*')}`,
      },
    },
    'bce in bce in bce': {
      graph: { inputs: { y: 1 }, params: { p: 0.3 }, expr: 'L = bce(sigmoid(bce(sigmoid(bce(p, y)), y)), y)' },
    },
    'softmax on vectors': {
      graph: {
        inputs: { x: [1, 2, 3], y: [0, 1, 0] },
        params: {
          W: [
            [0.1, 0.2, 0.3],
            [0.1, -0.2, 0.3],
            [0.5, 0.2, 0.3],
          ],
        },
        expr: 'z = matmul(W, x); L = softmax_cross_entropy(softmax(relu(z)), y)',
      },
      learningRate: ETA,
      gradcheck: true,
    },
    'long ids': {
      graph: {
        inputs: { ['x'.repeat(100)]: 1 },
        params: { ['w_'.repeat(50)]: 0.5 },
        expr: `L = ${Array.from({ length: 40 }, () => `${'w_'.repeat(50)}*${'x'.repeat(100)}`).join(' + ')}`,
      },
      gradcheck: true,
    },
  };

  const sizes = async (body: object, locale: 'en' | 'pt-BR') => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/explain',
      payload: body,
      headers: { 'accept-language': locale },
    });
    expect(res.statusCode, res.body).toBe(200);
    const job = prepare(body, locale);
    const { warnings: _, ...explanation } = res.json();
    // The explanation alone (without its warnings, whose bound is generous) is within its own estimate too.
    expect(job.size.bytes).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(explanation)));
    return { actual: Buffer.byteLength(res.body), estimate: job.responseBytes };
  };

  for (const locale of ['en', 'pt-BR'] as const) {
    it.each(Object.entries(tutorial))(
      `is at least the real size and at most twice it for the tutorial's %s (${locale})`,
      async (_, body) => {
        const { actual, estimate } = await sizes(body, locale);
        expect(estimate).toBeGreaterThanOrEqual(actual);
        expect(estimate).toBeLessThanOrEqual(2.5 * actual);
      },
    );
    it.each(Object.entries(others))(`is at least the real size for %s (${locale})`, async (_, body) => {
      const { actual, estimate } = await sizes(body, locale);
      expect(estimate).toBeGreaterThanOrEqual(actual);
      expect(estimate).toBeLessThanOrEqual(4 * actual);
    });
    // A layer op's notes are counted as a worked sum of MAX_WORKED_TERMS + 1 terms of two factors
    // and its longest rule in words, which a small graph's notes are far from.
    it.each(Object.entries(layerGraphs))(`is at least the real size for a %s layer (${locale})`, async (_, graph) => {
      const { actual, estimate } = await sizes({ graph, learningRate: ETA, gradcheck: true }, locale);
      expect(estimate).toBeGreaterThanOrEqual(actual);
      expect(estimate).toBeLessThanOrEqual(6 * actual);
    });
  }

  it('is at least the real size for random problems of every op, in both languages', async () => {
    const catalogue: Catalogue = (await app.inject({ method: 'GET', url: '/v1/ops' })).json();
    let explained = 0;
    await fc.assert(
      fc.asyncProperty(
        anySpec(catalogue).chain((spec) => requestFor('/v1/explain', spec)),
        fc.constantFrom('en' as const, 'pt-BR' as const),
        async ({ body }, locale) => {
          const res = await app.inject({
            method: 'POST',
            url: '/v1/explain',
            payload: body,
            headers: { 'accept-language': locale },
          });
          if (res.statusCode !== 200) return;
          explained++;
          const job = prepare(body, locale);
          expect(job.responseBytes, JSON.stringify(body)).toBeGreaterThanOrEqual(Buffer.byteLength(res.body));
          // The explanation alone, without its warnings (whose bound is generous), within its own estimate.
          const { warnings: _, ...explanation } = res.json();
          expect(job.size.bytes, JSON.stringify(body)).toBeGreaterThanOrEqual(
            Buffer.byteLength(JSON.stringify(explanation)),
          );
        },
      ),
      runs(100),
    );
    // The property held of explanations, not only of refusals.
    expect(explained).toBeGreaterThan(10);
  }, 60_000);

  it('refuses an explanation over MAX_RESPONSE_BYTES with a 413 that says how to ask for less, before computing', async () => {
    const body = others['a product of 150 factors'];
    const limits = { ...DEFAULT_LIMITS, maxResponseBytes: 100_000 };
    // Refused in prepare, which compiles and checks but computes nothing.
    expect(() => prepare(body, 'en', limits)).toThrow(/more than the limit of 100000/);
    const small = await buildTestApp({ pool: false, limits });
    try {
      const res = await post('/v1/explain', body, small);
      expect(res.statusCode).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const { detail } = res.json();
      expect(detail).toMatch(/would be about \d+ bytes, more than the limit of 100000 \(MAX_RESPONSE_BYTES\)/);
      expect(detail).toMatch(/send a smaller graph, with shorter statements and ids/);
      const pt = await small.inject({
        method: 'POST',
        url: '/v1/explain',
        payload: body,
        headers: { 'accept-language': 'pt-BR' },
      });
      expect(pt.json().detail).toMatch(/envie um grafo menor/);
      // The tutorial's explanation is well within the same limit.
      expect((await post('/v1/explain', tutorial.neuron, small)).statusCode).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('Long chains in expr are written without recursion', () => {
  const terms = 30_000;
  const long = {
    graph: {
      inputs: { x: 1.5 },
      params: { w: 0.5 },
      expr: `u = ${Array.from({ length: terms }, () => 'x').join('+')}; L = w*u`,
    },
  };

  it('grades a 30,000-term sum (it was a 500: a RangeError in Notation.write)', async () => {
    const res = await post('/v1/grade', {
      ...long,
      answers: { u: terms * 1.5, 'dL/dw': terms * 1.5, 'du/dx': 7, 'dL/dx': 'abc' },
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    const results: { key: string; correct: boolean; feedback: string }[] = res.json().results;
    expect(results.map((r) => [r.key, r.correct])).toEqual([
      ['u', true],
      ['dL/dw', true],
      ['du/dx', false],
      ['dL/dx', false],
    ]);
    expect(results[2].feedback).toContain('du/dx');
  });

  it('refuses to explain it (more nodes than an explanation writes), with a 413', async () => {
    expect((await post('/v1/explain', long)).statusCode).toBe(413);
  });
});
