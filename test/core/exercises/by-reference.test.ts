/**
 * Grading by reference: { exercise, seed, answers } grades exactly as the generated problem sent
 * with the same answers, for 1,000 seeds of every template and of three authored exercises.
 */
import { describe, expect, it } from 'vitest';
import { grade } from '../../../src/index.js';
import { drawAuthored } from '../../../src/core/exercises/authored/index.js';
import { drawTemplate, findTemplate, templateIds } from '../../../src/core/exercises/index.js';
import type { AuthoredExerciseInput } from '../../../src/schemas/authored.js';
import { tutorialActivity } from '../../../src/schemas/examples.js';

const SEEDS = 1_000;

const authored: Record<string, unknown> = {
  'tutorial activity (tanh, b from [-1, 1] step 0.1)': tutorialActivity,
  'a 2-2-1 network with random matrices': {
    network: {
      x: { shape: [1, 2], min: -1, max: 1, decimals: 1 },
      y: { choices: [[[0]], [[1]]] },
      loss: 'bce',
      layers: [
        {
          W: { shape: [2, 2], min: -1, max: 1, decimals: 1, nonzero: true },
          b: { shape: [2], min: -0.5, max: 0.5, step: 0.1 },
          activation: 'relu',
        },
        { W: { shape: [1, 2], min: -1, max: 1, decimals: 1 }, b: [0.1], activation: 'sigmoid' },
      ],
    },
    constraints: { kinkMargin: 0.1, maxPreactivation: 4 },
    ask: ['a1', 'dL/dz2', 'dL/dW1', 'step(W2)'],
    learningRate: { choices: [0.1, 0.5] },
    tolerance: { sigfigs: 3 },
  },
  'a graph in the tutorial notation with a finite difference and Adam': {
    graph: {
      inputs: { x: { min: -2, max: 2, step: 0.5, nonzero: true }, y: { min: 0, max: 1, decimals: 1 } },
      params: { w: { min: -1, max: 1, decimals: 2 }, b: { min: -1, max: 1, step: 0.25 } },
      expr: 'z = w*x + b; y_hat = tanh(z); L = 0.5*(y_hat - y)^2',
    },
    constraints: { nonzeroGradients: true, minLoss: 0.001 },
    ask: ['z', 'y_hat', 'dL/dz', 'dL/dw', 'fd(dL/dw)', 'step(b)'],
    optimizer: { name: 'adam' },
    epsilon: 0.001,
  },
};

/** The expected answers with the first made wrong, so that grading has follow-through and diagnoses to agree on. */
function answersOf(expected: Record<string, unknown>): Record<string, unknown> {
  const [first, ...rest] = Object.keys(expected);
  const scale = (v: unknown): unknown => (Array.isArray(v) ? v.map(scale) : (v as number) * 1.5 + 0.01);
  return { [first]: scale(expected[first]), ...Object.fromEntries(rest.map((k) => [k, expected[k]])) };
}

describe('POST /v1/grade by reference', () => {
  it.each(templateIds)(`grades template %s as its generated problem, for ${SEEDS} seeds`, (template) => {
    for (let seed = 0; seed < SEEDS; seed++) {
      // The problem and answers POST /v1/exercises gives (generate.test.ts checks that it gives these).
      const e = drawTemplate(findTemplate(template), seed);
      const answers = answersOf(e.answers);
      const direct = grade({ ...e.solved.problem, answers } as never);
      expect(grade({ exercise: { template }, seed, answers } as never), `seed ${seed}`).toEqual(direct);
    }
  });

  it.each(Object.keys(authored))(`grades the authored %s as its generated problem, for ${SEEDS} seeds`, (name) => {
    const exercise = authored[name] as AuthoredExerciseInput;
    for (let seed = 0; seed < SEEDS; seed++) {
      const e = drawAuthored(exercise, seed);
      const answers = answersOf(e.answers);
      const direct = grade({ ...e.solved.problem, answers } as never);
      expect(grade({ exercise, seed, answers } as never), `seed ${seed}`).toEqual(direct);
    }
  });
});
