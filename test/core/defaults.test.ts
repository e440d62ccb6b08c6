/**
 * Each default is written once, in src/core/defaults.ts: a body that leaves a setting out is
 * answered as the same body giving the exported default (through the library's calls, which
 * run the routes' operations), and the descriptions write the numbers as the document does.
 */
import { describe, expect, it } from 'vitest';
import {
  ADAM_DEFAULTS,
  DEFAULT_HISTORY,
  DEFAULT_OPTIMIZER,
  DEFAULT_STEPS,
  DEFAULT_TOLERANCE,
  FD_EPSILON,
  GRADCHECK_DEFAULTS,
  SGD_DEFAULTS,
  docNumber,
} from '../../src/core/defaults.js';
import { explain, gradcheck, grade, step } from '../../src/index.js';

const neuron = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };

type NativeGrade = { results: { key: string; expected: unknown; tolerance: unknown }[] };
const graded = (body: Parameters<typeof grade>[0]): NativeGrade => grade(body) as NativeGrade;

describe('the exported defaults, applied where a body leaves a setting out', () => {
  it('POST /v1/gradcheck: epsilon, rtol and atol are GRADCHECK_DEFAULTS', () => {
    const omitted = gradcheck(neuron);
    expect({ epsilon: omitted.epsilon, rtol: omitted.rtol, atol: omitted.atol }).toEqual(GRADCHECK_DEFAULTS);
    expect(omitted.results).toEqual(gradcheck({ ...neuron, ...GRADCHECK_DEFAULTS }).results);
  });

  it('POST /v1/step: one step, the whole history, and plain SGD', () => {
    const body = { ...neuron, learningRate: 0.1 };
    expect(step(body)).toEqual(
      step({
        ...body,
        steps: DEFAULT_STEPS,
        history: DEFAULT_HISTORY,
        optimizer: { ...DEFAULT_OPTIMIZER, ...SGD_DEFAULTS },
      }),
    );
  });

  it("POST /v1/step: Adam's beta1, beta2 and eps are ADAM_DEFAULTS", () => {
    const body = { ...neuron, learningRate: 0.1, steps: 5 };
    expect(step({ ...body, optimizer: { name: 'adam' } })).toEqual(
      step({ ...body, optimizer: { name: 'adam', ...ADAM_DEFAULTS } }),
    );
  });

  it('POST /v1/grade: fd(...) keys use FD_EPSILON, step(...) keys plain SGD, and answers DEFAULT_TOLERANCE', () => {
    const body = { ...neuron, learningRate: 0.1, answers: { 'fd(dL/dw)': 0.3343, 'step(w)': -0.2334 } };
    const omitted = graded(body);
    const given = graded({ ...body, epsilon: FD_EPSILON, optimizer: DEFAULT_OPTIMIZER, tolerance: DEFAULT_TOLERANCE });
    expect(omitted.results.map((r) => r.expected)).toEqual(given.results.map((r) => r.expected));
    for (const r of omitted.results) expect(r.tolerance, r.key).toEqual(DEFAULT_TOLERANCE);
  });

  it("POST /v1/explain: the check's epsilon is FD_EPSILON", () => {
    const checks = explain({ ...neuron, gradcheck: true }).steps.filter((s) => s.phase === 'gradcheck');
    expect(checks.length).toBeGreaterThan(0);
    for (const s of checks) expect(s.epsilon).toBe(FD_EPSILON);
  });
});

describe('docNumber', () => {
  it('writes small powers of ten as exponents and other numbers as JavaScript does', () => {
    expect([1e-3, 1e-4, 1e-5, 1e-6, 1e-8].map(docNumber)).toEqual(['1e-3', '1e-4', '1e-5', '1e-6', '1e-8']);
    expect([0, 0.9, 0.999, 1, 100_000].map(docNumber)).toEqual(['0', '0.9', '0.999', '1', '100000']);
  });
});
