/**
 * A student's wrong value that an op refuses (a y_hat above 1 carried into bce) never makes the
 * grade fail: the follow-through or diagnosis scenario built from it cannot be computed, so it
 * gives no credit and no diagnosis, and every other answer is graded as usual.
 * The expected numbers are written out by hand from the formulas.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grade, readAnswers } from '../../../src/core/grading/grade.js';
import { compileSpec } from '../../../src/specs/index.js';
import { buildTestApp } from '../../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

type Json = Record<string, any>;

const post = async (url: string, payload: object) => app.inject({ method: 'POST', url, payload });

/** What the grade says of one answer. */
const outcome = ({ key, correct, credit, followThrough, followedFrom, diagnosis }: Json) => ({
  key,
  correct,
  credit,
  followThrough,
  followedFrom,
  diagnosis,
});
const right = (key: string) => ({
  key,
  correct: true,
  credit: 1,
  followThrough: false,
  followedFrom: [],
  diagnosis: null,
});
const wrong = (key: string, diagnosis: string | null = null) => ({
  key,
  correct: false,
  credit: 0,
  followThrough: false,
  followedFrom: [],
  diagnosis,
});

// A sigmoid neuron with bce: x = 2, w = 0.5, b = 0, y = 1, so u = z = 1 and y_hat = sigmoid(1).
const neuron = { x: 2, w: 0.5, b: 0, y: 1, activation: 'sigmoid', loss: 'bce' } as const;
const learningRate = 0.1;
const s = 1 / (1 + Math.exp(-1));
// L = -ln(y_hat) (y = 1); dL/dz = y_hat - y; dL/dw = dL/dz · x; dL/db = dL/dz; step(p) = p - lr · dL/dp.
const dLdz = s - 1;
const truth = {
  L: -Math.log(s),
  'dL/dz': dLdz,
  'step(w)': 0.5 - learningRate * 2 * dLdz,
  'step(b)': 0 - learningRate * dLdz,
};

/** The true answers, but y_hat = 1.2 (bce refuses p > 1) and step(b) moved along the gradient (b + lr · dL/db). */
const answers = { y_hat: 1.2, ...truth, 'step(b)': 0 + learningRate * dLdz };

describe('POST /v1/grade: a wrong value outside the domain of a later op', () => {
  it.each([true, false])(
    'grades a y_hat above 1 before bce, followThrough %s: no follow-through from it, the other answers as usual',
    async (followThrough) => {
      const res = await post('/v1/grade', { neuron, learningRate, followThrough, answers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().results.map(outcome)).toEqual([
        wrong('y_hat'),
        right('L'),
        right('dL/dz'),
        right('step(w)'),
        wrong('step(b)', 'update_wrong_direction'),
      ]);
      expect(res.json()).toMatchObject({ correct: 3, total: 5 });
    },
  );

  // The exercise's seeds 5 and 7 give a y_hat for which 1.2 × y_hat is above 1.
  it.each([5, 7])(
    'grades the exercise neuron-sigmoid-bce, seed %i, with step(b) wrong and y_hat 1.2 times too large',
    async (seed) => {
      const exercise = (await post('/v1/exercises', { template: 'neuron-sigmoid-bce', seed })).json();
      const given = {
        ...exercise.answers,
        y_hat: 1.2 * exercise.answers.y_hat,
        'step(b)': exercise.answers['step(b)'] + 1,
      };
      expect(given.y_hat).toBeGreaterThan(1);
      const res = await post('/v1/grade', { ...exercise.problem, answers: given });
      expect(res.statusCode, res.body).toBe(200);
      const results = res.json().results.map(outcome);
      expect(results.find((r: Json) => r.key === 'y_hat')).toEqual(wrong('y_hat'));
      expect(results.find((r: Json) => r.key === 'step(b)')).toMatchObject({ correct: false, followThrough: false });
      const others = results.filter((r: Json) => r.key !== 'y_hat' && r.key !== 'step(b)');
      expect(others).toEqual(
        Object.keys(exercise.answers)
          .filter((k) => k !== 'y_hat' && k !== 'step(b)')
          .map(right),
      );
    },
  );
});

describe('grade(): a scenario that cannot be computed gives no credit', () => {
  const run = (given: Record<string, number>) => {
    const tape = compileSpec({ neuron });
    return Object.fromEntries(
      grade(tape, readAnswers(tape, given), { locale: 'en', learningRate }).results.map((r) => [r.key, outcome(r)]),
    );
  };

  it('credits L = -ln(y_hat) from a wrong y_hat inside [0, 1], and nothing from one above 1', () => {
    // y_hat = 0.9: L given it is -ln(0.9), right by follow-through.
    expect(run({ y_hat: 0.9, L: -Math.log(0.9) }).L).toEqual({
      ...right('L'),
      followThrough: true,
      followedFrom: ['y_hat'],
    });
    // y_hat = 1.2: bce(1.2, 1) is refused, so an L of ln(1.2) is wrong, with no diagnosis from that scenario.
    expect(run({ y_hat: 1.2, L: -Math.log(1.2) }).L).toEqual(wrong('L'));
  });

  it('never fails for any y_hat outside [0, 1], whatever the other answers: y_hat gets no credit, true answers full credit', () => {
    const truths = { 'dL/dy_hat': -1 / s, 'dL/dw': 2 * dLdz, ...truth };
    const keys = Object.keys(truths) as (keyof typeof truths)[];
    const outside = fc.oneof(
      fc.double({ min: 1, max: 1e300, minExcluded: true, noNaN: true }),
      fc.double({ min: -1e300, max: 0, maxExcluded: true, noNaN: true }),
    );
    // Each other answer true, or wrong by a finite amount.
    const others = fc.tuple(
      ...keys.map(() => fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: undefined })),
    );
    fc.assert(
      fc.property(outside, others, (yHat, wrongBy) => {
        const given = Object.fromEntries(keys.map((k, i) => [k, truths[k] + (wrongBy[i] ?? 0)]));
        const graded = run({ y_hat: yHat, ...given });
        expect(graded.y_hat).toMatchObject({ correct: false, credit: 0, followThrough: false });
        keys.forEach((k, i) => {
          if (wrongBy[i] === undefined) expect(graded[k]).toMatchObject({ correct: true, followThrough: false });
        });
      }),
    );
  });
});
