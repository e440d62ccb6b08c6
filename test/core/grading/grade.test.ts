/**
 * Grading as a specification. Every expected number is written out by hand from the formulas
 * of the tutorial (or taken from the PyTorch conformance cases), never from the code's output.
 */
import { describe, expect, it } from 'vitest';
import { type GradeOptions, grade, readAnswers } from '../../../src/core/grading/grade.js';
import type { Tolerance } from '../../../src/core/grading/tolerance.js';
import { compileSpec, type SpecFields } from '../../../src/specs/index.js';

type Answers = Parameters<typeof readAnswers>[1];

type Extra = Partial<GradeOptions> & { tolerance?: Tolerance };

const run = (problem: SpecFields, answers: Answers, { tolerance, ...extra }: Extra = {}) => {
  const tape = compileSpec(problem);
  return grade(tape, readAnswers(tape, answers, tolerance), { locale: 'en', learningRate: 0.1, ...extra });
};
const byKey = (report: ReturnType<typeof run>) => Object.fromEntries(report.results.map((r) => [r.key, r]));

// The tutorial's neuron: x = 3, w = -0.2, b = 0.4, y = 0, sigmoid, half squared error.
const neuron: SpecFields = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
const s = 1 / (1 + Math.exp(0.2)); // y_hat = sigmoid(-0.2)
const N = {
  y_hat: s,
  dLdy: s,
  dydz: s * (1 - s),
  dLdz: s * s * (1 - s),
  dLdw: 3 * s * s * (1 - s),
  dLdb: s * s * (1 - s),
};

// The same chain in the tutorial's notation with tanh: x = 2, w = 0.5, b = -0.5, y = 1.
const expr: SpecFields = {
  graph: {
    inputs: { x: 2, y: 1 },
    params: { w: 0.5, b: -0.5 },
    expr: 'u = w*x; z = u + b; a = tanh(z); L = 0.5*(a - y)^2',
  },
};
const a = Math.tanh(0.5);
const E = { a, dLda: a - 1, dadz: 1 - a * a, dLdz: (a - 1) * (1 - a * a), dLdw: 2 * (a - 1) * (1 - a * a) };

// The contract's network; gradients from the PyTorch conformance case network-contract-example-gradients.
const network: SpecFields = {
  network: {
    x: [[0.5, -1.0]],
    y: [[1.0]],
    loss: 'mse',
    layers: [
      {
        W: [
          [0.1, 0.2],
          [0.3, -0.4],
        ],
        b: [0, 0.1],
        activation: 'relu',
      },
      { W: [[0.5, -0.5]], b: [0.2], activation: 'sigmoid' },
    ],
  },
};
const dLdb2 = -0.2645698642815448;

describe('grading: correct answers', () => {
  it('gives full credit and no diagnosis to a right submission', () => {
    const report = run(neuron, {
      y_hat: s,
      'dL/dy_hat': N.dLdy,
      'dy_hat/dz': N.dydz,
      'dL/dz': N.dLdz,
      'dL/dw': N.dLdw,
      'dL/db': N.dLdb,
      'step(w)': -0.2 - 0.1 * N.dLdw,
    });
    expect(report).toMatchObject({ score: 1, correct: 7, total: 7 });
    expect(report.results.every((r) => r.diagnosis === null && !r.followThrough)).toBe(true);
    const e = run(expr, { a: E.a, 'dL/da': E.dLda, 'dL/dz': E.dLdz, 'dL/dw': E.dLdw, 'step(w)': 0.5 - 0.1 * E.dLdw });
    expect(e.score).toBe(1);
    expect(e.results.every((r) => r.diagnosis === null)).toBe(true);
  });

  it('reads comma decimals, fractions and exact zeros', () => {
    const report = byKey(
      run(
        { graph: { params: { p: 2 }, expr: 'q = p * 0.125; r = 0 * p' } },
        { q: '0,25', 'dq/dp': '1/8', r: 0, 'dr/dp': '0' },
      ),
    );
    expect(Object.values(report).every((r) => r.correct)).toBe(true);
  });
});

describe('grading: diagnosis of common mistakes', () => {
  const diagnosis = (problem: SpecFields, key: string, value: unknown, extra: Extra = {}) => {
    const r = run(problem, { [key]: value as number }, extra).results[0];
    expect(r.correct).toBe(false);
    return r.diagnosis;
  };

  it('sign_error: the sign flipped', () => {
    expect(diagnosis(neuron, 'dL/dw', -N.dLdw)).toBe('sign_error');
    expect(diagnosis(expr, 'dL/dz', -E.dLdz)).toBe('sign_error');
    expect(diagnosis(network, 'dL/db2', [-dLdb2])).toBe('sign_error');
  });

  it("missing_activation_derivative: f'(z) left out", () => {
    expect(diagnosis(neuron, 'dL/dz', N.dLdy)).toBe('missing_activation_derivative');
    expect(diagnosis(expr, 'dL/dw', 2 * E.dLda)).toBe('missing_activation_derivative');
  });

  it("activation_instead_of_derivative: f(z) used for f'(z)", () => {
    expect(diagnosis(neuron, 'dL/dz', N.dLdy * s)).toBe('activation_instead_of_derivative');
    expect(diagnosis(expr, 'dL/dz', E.dLda * a)).toBe('activation_instead_of_derivative');
  });

  it('missing_input_factor: dL/dw without the x of u = w*x', () => {
    expect(diagnosis(neuron, 'dL/dw', N.dLdz)).toBe('missing_input_factor');
    expect(diagnosis(expr, 'dL/dw', E.dLdz)).toBe('missing_input_factor');
  });

  it('loss_factor: the 2 of the square lost or kept twice', () => {
    expect(diagnosis(neuron, 'dL/dz', 2 * N.dLdz)).toBe('loss_factor');
    expect(diagnosis(expr, 'dL/da', 2 * E.dLda)).toBe('loss_factor');
    // (Not dL/dw / 2 here: with x = 2, leaving out x halves it too, which is missing_input_factor.)
    expect(diagnosis(expr, 'dL/dz', E.dLdz / 2)).toBe('loss_factor');
    expect(diagnosis(neuron, 'dL/dw', N.dLdw / 2)).toBe('loss_factor');
  });

  it('update_wrong_direction: w + lr * dL/dw', () => {
    expect(diagnosis(neuron, 'step(w)', -0.2 + 0.1 * N.dLdw)).toBe('update_wrong_direction');
    expect(diagnosis(expr, 'step(w)', 0.5 + 0.1 * E.dLdw)).toBe('update_wrong_direction');
    expect(diagnosis(network, 'step(b2)', [0.2 + 0.1 * dLdb2])).toBe('update_wrong_direction');
  });

  it('rounding: within one unit of the last written digit', () => {
    expect(diagnosis(neuron, 'dL/dw', Number(N.dLdw.toPrecision(3)) + 0.001)).toBe('rounding');
    expect(diagnosis(expr, 'dL/dz', Number(E.dLdz.toFixed(2)), { tolerance: { decimals: 3 } })).toBe('rounding');
  });

  it('unparseable: not a number, which is a result and not an error', () => {
    expect(diagnosis(neuron, 'y_hat', 'about a half')).toBe('unparseable');
    expect(diagnosis(expr, 'a', '0.4.6')).toBe('unparseable');
  });

  it('leaves a wrong answer that no mistake explains undiagnosed', () => {
    expect(diagnosis(neuron, 'dL/dw', 0.5)).toBeNull();
    expect(diagnosis(expr, 'dL/dw', 1.23)).toBeNull();
  });
});

describe('grading: follow-through (error carried forward)', () => {
  // The student took y_hat = 0.5 (wrong) and then worked every later step correctly from it:
  // dL/dy_hat = y_hat - y = 0.5, dy_hat/dz = y_hat (1 - y_hat) = 0.25, dL/dz = 0.5 * 0.25 = 0.125.
  const chain = { y_hat: 0.5, 'dL/dy_hat': 0.5, 'dy_hat/dz': 0.25, 'dL/dz': 0.125 };

  it('credits each step that is right given the earlier wrong answer, and says which one it used', () => {
    const r = byKey(run(neuron, chain));
    expect(r.y_hat).toMatchObject({ correct: false, followThrough: false });
    for (const key of ['dL/dy_hat', 'dy_hat/dz', 'dL/dz'])
      expect(r[key]).toMatchObject({ correct: true, followThrough: true });
    expect(r['dL/dz'].followedFrom).toEqual(['y_hat']);
    expect(r['dL/dz'].followThroughExpected).toBeCloseTo(0.125, 12);
    expect(r['dL/dz'].expected).toBeCloseTo(N.dLdz, 12);
  });

  it('gives no credit for a wrong final step', () => {
    const r = byKey(run(neuron, { ...chain, 'dL/dz': 0.2 }));
    expect(r['dL/dz']).toMatchObject({ correct: false, followThrough: false, followedFrom: [] });
    expect(r['dy_hat/dz'].followThrough).toBe(true);
  });

  it('carries a wrong gradient into the update: step(w) = w - lr * (your dL/dw)', () => {
    const r = byKey(run(neuron, { 'dL/dw': 0.3, 'step(w)': -0.2 - 0.1 * 0.3 }));
    expect(r['step(w)']).toMatchObject({ correct: true, followThrough: true, followedFrom: ['dL/dw'] });
  });

  it('carries two wrong local derivatives of one node, each into its own branch', () => {
    // u = w*x: du/dw = x = 3 and du/dx = w = -0.2; the student wrote 2 and 1, then chained them right.
    const r = byKey(run(neuron, { 'du/dw': 2, 'du/dx': 1, 'dL/dw': N.dLdz * 2, 'dL/dx': N.dLdz * 1 }));
    expect(r['dL/dw']).toMatchObject({ correct: true, followThrough: true, followedFrom: ['du/dw'] });
    expect(r['dL/dx']).toMatchObject({ correct: true, followThrough: true, followedFrom: ['du/dx'] });
  });

  it('can be switched off', () => {
    const r = byKey(run(neuron, chain, { followThrough: false }));
    expect(r['dL/dz']).toMatchObject({ correct: false, followThrough: false });
  });

  it('works on the notation too: a wrong a = tanh(z) carried into dL/da = a - y', () => {
    const r = byKey(run(expr, { a: 0.5, 'dL/da': 0.5 - 1 }));
    expect(r['dL/da']).toMatchObject({ correct: true, followThrough: true, followedFrom: ['a'] });
  });
});

describe('grading: tensor answers element by element', () => {
  it('gives partial credit for the right elements of a matrix', () => {
    // dL/dW2 = [[0, -0.17197041178300412]] from PyTorch: one element right, one wrong.
    const r = run(network, { 'dL/dW2': [[0, 0.5]] }).results[0];
    expect(r).toMatchObject({ correct: false, credit: 0.5 });
    expect(run(network, { 'dL/dW2': [['0', '-0,17197']] }).results[0].correct).toBe(true);
  });
  it('says what shape it expected', () => {
    const r = run(network, { 'dL/dW2': 1 }).results[0];
    expect(r.correct).toBe(false);
    expect(r.feedback).toContain('[1, 2]');
  });
});
