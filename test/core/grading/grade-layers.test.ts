/**
 * Grading on the layer ops: the mistakes their roles define (dropout's forgotten 1/(1 − p), a max
 * pool's gradient sent to the whole window) are diagnosed wherever the op sits, and follow-through
 * works along a small CNN. Expected numbers are written out by hand, or (for follow-through) come
 * from the gradients call on a graph whose upstream gradient is the student's own, L = Σ g ⊙ q,
 * as grade-follow-through.test.ts does; never from the grade call itself.
 */
import { describe, expect, it } from 'vitest';
import { generateExercise } from '../../../src/core/exercises/index.js';
import { grade as gradeCall, gradients } from '../../../src/index.js';

type Json = Record<string, any>;
const resultOf = (report: Json, key: string): Json => report.results.find((r: Json) => r.key === key);
/** The library's grade call, its report read as JSON. */
const grade = (body: object): Json => gradeCall(body as Parameters<typeof gradeCall>[0]) as Json;

describe('mistakes of the layer ops', () => {
  // u = w · x, d = dropout(u, mask) with p = 0.5, L = Σ d. With x = [3, −1] and mask = [1, 0]:
  // dL/dw = Σ x · mask / (1 − p) = 3 / 0.5 = 6; without the scale 3; without x (missing_input_factor) 2.
  const problem = {
    graph: {
      inputs: { x: [3, -1], mask: [1, 0] },
      params: { w: 0.5 },
      nodes: [
        { id: 'u', op: 'mul', args: ['w', 'x'] },
        { id: 'd', op: 'dropout', args: ['u', 'mask'], attrs: { p: 0.5 } },
        { id: 'L', op: 'sum', args: ['d'] },
      ],
    },
  };

  it("diagnoses dropout's 1/(1 − p) left out, through the chain rule below the dropout", () => {
    // Each alone: given together, dL/dw = 3 follows from the student's dL/du = [1, 0] and is credited.
    const onlyW = grade({ ...problem, answers: { 'dL/dw': 3 } });
    expect(resultOf(onlyW, 'dL/dw')).toMatchObject({ correct: false, diagnosis: 'missing_dropout_scale' });
    const onlyU = grade({ ...problem, answers: { 'dL/du': [1, 0] } });
    expect(resultOf(onlyU, 'dL/du')).toMatchObject({ correct: false, diagnosis: 'missing_dropout_scale' });
    const both = grade({ ...problem, answers: { 'dL/du': [1, 0], 'dL/dw': 3 } });
    expect(resultOf(both, 'dL/dw')).toMatchObject({ correct: true, followThrough: true, followedFrom: ['dL/du'] });
    expect(grade({ ...problem, answers: { 'dL/dw': 6 } }).results[0].correct).toBe(true);
    expect(grade({ ...problem, answers: { 'dL/dw': 2 } }).results[0].diagnosis).toBe('missing_input_factor');
  });

  it("diagnoses a max pool's gradient sent to every element of its window, in the max-pool exercise", () => {
    for (const seed of [1, 2, 3]) {
      const e = generateExercise('max-pool-backward', seed);
      const g = (e.problem as Json).graph.inputs.g[0][0] as number[][];
      // Every element of window (i, j) gets g[i][j]: the gradient spread over the 2×2 block.
      const spread = [[Array.from({ length: 4 }, (_, r) => Array.from({ length: 4 }, (_, c) => g[r >> 1][c >> 1]))]];
      const report = grade({ ...e.problem, answers: { 'dL/dx': spread } });
      expect(report.results[0], `seed ${seed}`).toMatchObject({
        correct: false,
        diagnosis: 'pool_gradient_to_window',
      });
      expect(report.results[0].feedback).toContain('largest element');
    }
  });

  it("diagnoses a sign flipped in a convolution's answers, and credits the exercise's own answers", () => {
    const e = generateExercise('conv2d-1channel', 4);
    const negated = JSON.parse(JSON.stringify(e.answers['dL/dW']), (_k, v) => (typeof v === 'number' ? -v : v));
    const report = grade({ ...e.problem, answers: { ...e.answers, 'dL/dW': negated } });
    expect(resultOf(report, 'dL/dW')).toMatchObject({ correct: false, diagnosis: 'sign_error' });
    expect(report.correct).toBe(e.answerKeys.length - 1);
  });
});

describe('follow-through along a small CNN', () => {
  // conv → relu → max pool → flatten → dense → softmax cross-entropy, on one 4×4 image.
  const leaves = {
    inputs: {
      x: [
        [
          [
            [1, 2, 0, -1],
            [0, 1, 3, 1],
            [2, -1, 1, 0],
            [1, 0, -2, 1],
          ],
        ],
      ],
      y: [[0, 1]],
    },
    params: {
      K: [
        [
          [
            [0.5, -0.2],
            [0.3, 0.4],
          ],
        ],
      ],
      c: [0.1],
      V: [
        [0.3, -0.5, 0.2, 0.1],
        [-0.4, 0.6, 0.1, -0.2],
      ],
      e: [0.05, -0.05],
    },
  };
  const features = [
    { id: 'a', op: 'conv2d', args: ['x', 'K', 'c'] },
    { id: 'r', op: 'relu', args: ['a'] },
    { id: 'q', op: 'max_pool2d', args: ['r'], attrs: { kernel: 2, stride: 1 } },
  ];
  const cnn = {
    graph: {
      ...leaves,
      nodes: [
        ...features,
        { id: 'f', op: 'flatten', args: ['q'] },
        { id: 'z', op: 'linear', args: ['f', 'V', 'e'] },
        { id: 'L', op: 'softmax_cross_entropy', args: ['z', 'y'] },
      ],
    },
  };

  it("credits dL/dK computed from the student's own wrong dL/dq", () => {
    const truth = gradients(cnn).gradients as Json;
    // The student doubles dL/dq; what follows from it is the gradient of L' = Σ g ⊙ q with g their dL/dq.
    const wrong = JSON.parse(JSON.stringify(truth.q), (_k, v) => (typeof v === 'number' ? 2 * v : v));
    const carried = gradients({
      graph: {
        inputs: { ...leaves.inputs, g: wrong },
        params: leaves.params,
        nodes: [...features, { id: 'gq', op: 'mul', args: ['g', 'q'] }, { id: 'L', op: 'sum', args: ['gq'] }],
      },
    }).gradients as Json;
    expect(carried.K).not.toEqual(truth.K);

    const report = grade({ ...cnn, answers: { 'dL/dq': wrong, 'dL/dK': carried.K, 'dL/dc': truth.c } });
    expect(resultOf(report, 'dL/dq')).toMatchObject({ correct: false, followThrough: false });
    expect(resultOf(report, 'dL/dK')).toMatchObject({ correct: true, followThrough: true, followedFrom: ['dL/dq'] });
    expect(resultOf(report, 'dL/dc')).toMatchObject({ correct: true, followThrough: false });

    const strict = grade({ ...cnn, answers: { 'dL/dq': wrong, 'dL/dK': carried.K }, followThrough: false });
    expect(resultOf(strict, 'dL/dK')).toMatchObject({ correct: false, followThrough: false });
  });
});
