/**
 * Follow-through (error carried forward) through POST /v1/grade. Every number a student is
 * credited for is computed by the service's other routes on a graph in which the student's own
 * wrong answer is what the computation gives, never by the grade route itself:
 * - a wrong value by a leaf that makes it (y_hat = 0.5 is sigmoid(0), so z = 0);
 * - a wrong local derivative by a linear stand-in with the student's slope (y_hat = d · z);
 * - a wrong gradient g arriving at z by L = sum(g · z), whose dL/dz is g.
 * Each case is then graded twice: with follow-through (the default) and with `followThrough: false`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

type Value = number | number[] | number[][];
type Json = Record<string, any>;

const post = async (url: string, payload: object): Promise<Json> => {
  const res = await app.inject({ method: 'POST', url, payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const gradients = (spec: object) => post('/v1/gradients', spec);
const local = (body: Json, of: string, wrt: string): number =>
  body.local.find((d: Json) => d.of === of && d.wrt === wrt).value;

/** What the grade says of one answer. */
interface Outcome {
  key: string;
  correct: boolean;
  credit: number;
  followThrough: boolean;
  followedFrom: string[];
  diagnosis: string | null;
}
const outcomes = (report: Json): Outcome[] =>
  report.results.map(({ key, correct, credit, followThrough, followedFrom, diagnosis }: Outcome) => ({
    key,
    correct,
    credit,
    followThrough,
    followedFrom,
    diagnosis,
  }));
const wrong = (key: string, diagnosis: string | null): Outcome => ({
  key,
  correct: false,
  credit: 0,
  followThrough: false,
  followedFrom: [],
  diagnosis,
});
const followed = (key: string, from: string[]): Outcome => ({
  key,
  correct: true,
  credit: 1,
  followThrough: true,
  followedFrom: from,
  diagnosis: null,
});

interface Case {
  /** The grade request: problem, settings and the student's answers. */
  body: Json;
  /** Every result, in the order of the answers, with follow-through on... */
  on: Outcome[];
  /** ...and with `followThrough: false` (no credit; a diagnosis where one applies). */
  off: Outcome[];
  /** The value each follow-through answer is right against, from the student's graph. */
  carried: Record<string, Value>;
}

// The tutorial's neuron: x = 3, w = -0.2, b = 0.4, y = 0, sigmoid, L = ½(y_hat − y)².
const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };

const cases = {
  /** README: "y_hat = 0.5 (wrong) then dL/dy_hat = 0.5, dy_hat/dz = 0.25, dL/dz = 0.125 gets three of four". */
  async readme(): Promise<Case> {
    // sigmoid(0) = 0.5: the student's y_hat. dL/dy_hat = y_hat − y, dy_hat/dz = y_hat(1 − y_hat), dL/dz their product.
    const student = await gradients({
      graph: { inputs: { y: 0 }, params: { z: 0 }, expr: 'y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2' },
    });
    expect(student.values.y_hat).toBe(0.5);
    const carried = {
      'dL/dy_hat': student.gradients.y_hat,
      'dy_hat/dz': local(student, 'y_hat', 'z'),
      'dL/dz': student.gradients.z,
    };
    expect(carried).toEqual({ 'dL/dy_hat': 0.5, 'dy_hat/dz': 0.25, 'dL/dz': 0.125 });
    return {
      body: { neuron, answers: { y_hat: 0.5, 'dL/dy_hat': 0.5, 'dy_hat/dz': 0.25, 'dL/dz': 0.125 } },
      // 0.5 for 0.45017 is the README's own example of `rounding`.
      on: [
        wrong('y_hat', 'rounding'),
        followed('dL/dy_hat', ['y_hat']),
        followed('dy_hat/dz', ['y_hat']),
        followed('dL/dz', ['y_hat']),
      ],
      // Without follow-through each later step is "right from your rounded y_hat": rounding carried into it.
      off: [
        wrong('y_hat', 'rounding'),
        wrong('dL/dy_hat', 'rounding'),
        wrong('dy_hat/dz', 'rounding'),
        wrong('dL/dz', 'rounding'),
      ],
      carried,
    };
  },

  /**
   * dL/dz right only given both the rounded y_hat and the sign-flipped dy_hat/dz; dL/dw = dL/dz · du/dw
   * right only given that dL/dz and du/dw = 1 (x left out). du/dw does not touch dL/dz, so dL/dz does
   * not name it; dL/dw names its two factors, not the answers that also gave the student's dL/dz.
   */
  async 'wrong answers combined'(): Promise<Case> {
    const truth = await gradients({ neuron });
    const d = -local(truth, 'y_hat', 'z'); // dy_hat/dz with its sign flipped
    // z = k · w and y_hat = d · z with w = 0.5 / d: the student's y_hat (0.5), slope d and du/dw = k = 1 (dz/du = 1).
    const student = await gradients({
      graph: {
        inputs: { y: 0, d, k: 1 },
        params: { w: 0.5 / d },
        expr: 'z = k * w; y_hat = d * z; L = 0.5*(y_hat - y)^2',
      },
    });
    const dLdz = student.gradients.z; // (0.5 − 0) · d
    const dLdw = student.gradients.w; // dL/dz · 1
    expect(dLdz).toBeCloseTo(0.5 * d, 15);
    expect(dLdw).toBe(dLdz);
    // Neither alone gives dL/dz: y_hat = 0.5 alone gives 0.125 (README), the flipped sign alone dL/dy_hat · d.
    expect(Math.abs(dLdz - 0.125)).toBeGreaterThan(0.1);
    expect(Math.abs(dLdz - truth.gradients.y_hat * d)).toBeGreaterThan(0.01);
    return {
      body: { neuron, answers: { y_hat: 0.5, 'dy_hat/dz': d, 'du/dw': 1, 'dL/dz': dLdz, 'dL/dw': dLdw } },
      on: [
        wrong('y_hat', 'rounding'),
        wrong('dy_hat/dz', 'sign_error'),
        wrong('du/dw', 'missing_input_factor'),
        followed('dL/dz', ['y_hat', 'dy_hat/dz']),
        followed('dL/dw', ['du/dw', 'dL/dz']),
      ],
      off: [
        wrong('y_hat', 'rounding'),
        wrong('dy_hat/dz', 'sign_error'),
        wrong('du/dw', 'missing_input_factor'),
        wrong('dL/dz', null),
        wrong('dL/dw', null),
      ],
      carried: { 'dL/dz': dLdz, 'dL/dw': dLdw },
    };
  },

  /** A 2-2-1 network: dL/dz2 without the sigmoid's derivative, then dL/dW1 chained right from it. */
  async 'network dL/dW1 from a wrong dL/dz2'(): Promise<Case> {
    const layers = [
      {
        W: [
          [0.1, 0.2],
          [0.3, -0.4],
        ],
        b: [0, 0.1],
        activation: 'tanh',
      },
      { W: [[0.5, -0.5]], b: [0.2] },
    ];
    const network = { x: [0.5, -1], y: [1], layers };
    const truth = await gradients({ network });
    const g = truth.gradients.a2; // the student's dL/dz2 is dL/da2: σ'(z2) left out
    // The network below z2 with dL/dz2 = g: L = sum(g · z2).
    const student = await gradients({
      graph: {
        inputs: { x: network.x, g },
        params: { W1: layers[0].W, b1: layers[0].b, W2: layers[1].W, b2: layers[1].b },
        nodes: [
          { id: 'z1', op: 'linear', args: ['x', 'W1', 'b1'] },
          { id: 'a1', op: 'tanh', args: ['z1'] },
          { id: 'z2', op: 'linear', args: ['a1', 'W2', 'b2'] },
          { id: 'gz2', op: 'mul', args: ['g', 'z2'] },
          { id: 'L', op: 'sum', args: ['gz2'] },
        ],
      },
    });
    expect(student.gradients.z2).toEqual(g);
    return {
      body: { network, answers: { 'dL/dz2': g, 'dL/dW1': student.gradients.W1 } },
      on: [wrong('dL/dz2', 'missing_activation_derivative'), followed('dL/dW1', ['dL/dz2'])],
      // Every element of dL/dW1 is off by 1/σ'(z2), so no element earns partial credit.
      off: [wrong('dL/dz2', 'missing_activation_derivative'), wrong('dL/dW1', 'missing_activation_derivative')],
      carried: { 'dL/dW1': student.gradients.W1 },
    };
  },

  /**
   * dL/dw with its sign flipped, then step(w) right from it under SGD with momentum 0.9. The first
   * step of torch.optim.SGD takes its momentum buffer as the gradient: w − lr · g.
   */
  async 'step(w) under SGD with momentum'(): Promise<Case> {
    return stepCase({ name: 'sgd', momentum: 0.9 }, (w, lr, g) => w - lr * g);
  },

  /**
   * The same under Adam: its first step has m̂ = g and v̂ = g², so it moves w by lr · g / (|g| + eps),
   * nearly lr against the sign of g. A flipped sign moves w the other way.
   */
  async 'step(w) under Adam'(): Promise<Case> {
    return stepCase({ name: 'adam' }, (w, lr, g) => w - (lr * g) / (Math.abs(g) + 1e-8));
  },

  /** A neuron on vectors: a flipped dL/dz carried into the vector dL/dw and into its Adam step. */
  async 'vector neuron'(): Promise<Case> {
    const vector = { x: [1, 2], w: [0.5, -0.5], b: 0, y: 1 };
    const truth = await gradients({ neuron: vector });
    const g = -truth.gradients.z;
    // dL/dw = dL/dz · x with the student's dL/dz.
    const dLdw = (
      await gradients({ graph: { inputs: { x: vector.x, g }, params: { w: vector.w }, expr: 'L = g * sum(w * x)' } })
    ).gradients.w;
    expect(dLdw).toEqual([g * 1, g * 2]);
    // One Adam step on a graph whose dL/dw is the student's: L = sum(g · w).
    const optimizer = { name: 'adam' };
    const step = (
      await post('/v1/step', {
        graph: { inputs: { g: dLdw }, params: { w: vector.w }, expr: 'L = sum(g * w)' },
        learningRate: 0.1,
        optimizer,
      })
    ).params.w;
    expect(step).toHaveLength(2);
    step.forEach((s: number, i: number) =>
      expect(s).toBeCloseTo(vector.w[i] - (0.1 * dLdw[i]) / (Math.abs(dLdw[i]) + 1e-8), 12),
    );
    return {
      body: { neuron: vector, learningRate: 0.1, optimizer, answers: { 'dL/dz': g, 'dL/dw': dLdw, 'step(w)': step } },
      // Each of dL/dz and dL/dw alone gives w the student's gradient, so step(w) names both.
      on: [wrong('dL/dz', 'sign_error'), followed('dL/dw', ['dL/dz']), followed('step(w)', ['dL/dz', 'dL/dw'])],
      off: [wrong('dL/dz', 'sign_error'), wrong('dL/dw', 'sign_error'), wrong('step(w)', 'update_wrong_direction')],
      carried: { 'dL/dw': dLdw, 'step(w)': step },
    };
  },
} satisfies Record<string, () => Promise<Case>>;

type Update = (w: number, lr: number, g: number) => number;

/** The tutorial's neuron, dL/dw with its sign flipped, and step(w) right from it under `optimizer`. */
async function stepCase(optimizer: object, byHand: Update): Promise<Case> {
  const g = -(await gradients({ neuron })).gradients.w;
  // One step on a graph whose dL/dw is the student's: L = g · w.
  const step = (
    await post('/v1/step', {
      graph: { inputs: { g }, params: { w: neuron.w }, expr: 'L = g * w' },
      learningRate: 0.1,
      optimizer,
    })
  ).params.w;
  expect(step).toBeCloseTo(byHand(neuron.w, 0.1, g), 12);
  return {
    body: { neuron, learningRate: 0.1, optimizer, answers: { 'dL/dw': g, 'step(w)': step } },
    on: [wrong('dL/dw', 'sign_error'), followed('step(w)', ['dL/dw'])],
    // w moved along the true gradient instead of against it.
    off: [wrong('dL/dw', 'sign_error'), wrong('step(w)', 'update_wrong_direction')],
    carried: { 'step(w)': step },
  };
}

type CaseName = keyof typeof cases;
const names = Object.keys(cases) as CaseName[];

const expectClose = (actual: unknown, expected: Value) => {
  const flat = (v: unknown) => [v].flat(2) as number[];
  expect(flat(actual)).toHaveLength(flat(expected).length);
  flat(expected).forEach((e, i) => expect(flat(actual)[i]).toBeCloseTo(e, 12));
};

describe('POST /v1/grade: follow-through', () => {
  it("grades the README's example exactly: y_hat = 0.5, then three steps right from it, is three of four", async () => {
    const c = await cases.readme();
    const report = await post('/v1/grade', c.body);
    expect(report).toMatchObject({ score: 0.75, correct: 3, total: 4, feedback: '3 of 4 answers correct.' });
    expect(outcomes(report)).toEqual(c.on);
  });

  it('combines wrong earlier answers and names each one needed in followedFrom, and only those', async () => {
    const c = await cases['wrong answers combined']();
    const report = await post('/v1/grade', c.body);
    expect(outcomes(report)).toEqual(c.on);
    expect(report.results[3].feedback).toMatch(
      /^dL\/dz: correct given your earlier answers for y_hat and dy_hat\/dz \(error carried forward\)/,
    );
    expect(report.results[4].feedback).toMatch(
      /^dL\/dw: correct given your earlier answers for du\/dw and dL\/dz \(error carried forward\)/,
    );
    expect(report).toMatchObject({ score: 2 / 5, correct: 2, total: 5 });
  });

  it("carries a network's wrong dL/dz2 into dL/dW1, a matrix, element by element", async () => {
    const c = await cases['network dL/dW1 from a wrong dL/dz2']();
    expect(outcomes(await post('/v1/grade', c.body))).toEqual(c.on);
  });

  it.each(['step(w) under SGD with momentum', 'step(w) under Adam'] as const)(
    'carries a wrong dL/dw into %s',
    async (name) => {
      const c = await cases[name]();
      const report = await post('/v1/grade', c.body);
      expect(outcomes(report)).toEqual(c.on);
      expect(report).toMatchObject({ score: 0.5, correct: 1, total: 2 });
    },
  );

  it('carries a wrong dL/dz into the vector dL/dw of a neuron on vectors and into its Adam step', async () => {
    const c = await cases['vector neuron']();
    expect(outcomes(await post('/v1/grade', c.body))).toEqual(c.on);
  });

  it.each(names)('%s: compares each follow-through answer with the value from the student graph', async (name) => {
    const c = await cases[name]();
    const results = (await post('/v1/grade', c.body)).results as Json[];
    const credited = results.filter((r) => r.followThrough);
    expect(credited.map((r) => r.key)).toEqual(Object.keys(c.carried));
    for (const r of credited) expectClose(r.followThroughExpected, c.carried[r.key]);
  });

  it.each(names)('%s: gives follow-through credit with no diagnosis and no rounding on top', async (name) => {
    const c = await cases[name]();
    const results = (await post('/v1/grade', c.body)).results as Json[];
    const credited = results.filter((r) => r.followThrough);
    expect(credited.length).toBeGreaterThan(0);
    for (const r of credited) {
      expect(r).toMatchObject({ correct: true, credit: 1, diagnosis: null });
      // The sentence of follow-through, not of a mistake: "dL/dz: correct given your earlier answer(s) for …".
      expect(r.feedback).toMatch(
        new RegExp(`^${r.key.replace(/[()/]/g, '\\$&')}: correct given your earlier answers? for `),
      );
    }
  });

  it('never carries an answer forward from itself written another way (dL/dw and dL / dw)', async () => {
    // One wrong value sent under two spellings of one key: neither is an earlier answer of the other.
    const report = await post('/v1/grade', {
      neuron,
      learningRate: 0.1,
      answers: { 'dL/dw': 0.9, 'dL / dw': 0.9, y_hat: 0.9, ' y_hat ': 0.9 },
    });
    expect(report).toMatchObject({ score: 0, correct: 0, total: 4 });
    for (const r of report.results) expect(r).toMatchObject({ correct: false, followThrough: false, followedFrom: [] });
  });
});

describe('POST /v1/grade with followThrough: false', () => {
  it.each(names)('%s: no credit for the carried answers, and the diagnosis that applies', async (name) => {
    const c = await cases[name]();
    const report = await post('/v1/grade', { ...c.body, followThrough: false });
    expect(outcomes(report)).toEqual(c.off);
    expect(report).toMatchObject({ score: 0, correct: 0 });
    for (const r of report.results) expect(r.followThroughExpected).toBeUndefined();
  });
});
