/**
 * The layer exercises (a convolution, max pooling, batch norm, an RNN through time, an LSTM step,
 * softmax cross-entropy) as a specification: for seeds 1 to 50, readable numbers by rules stated
 * here, every answer equal to the course's own formulas computed below with plain loops (nothing
 * from the engine), the statement and the solution naming every key in both languages, and the
 * answers grading to a full score.
 */
import { describe, expect, it } from 'vitest';
import { type Exercise, generateExercise, templateIds } from '../../../src/core/exercises/index.js';
import { grade, readAnswers } from '../../../src/core/grading/grade.js';
import { shapeOf, slotOf } from '../../../src/engine/tape.js';
import { compileSpec } from '../../../src/specs/index.js';
import type { GraphSpec } from '../../../src/specs/spec.js';

const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
const LAYER_TEMPLATES = [
  'conv2d-1channel',
  'max-pool-backward',
  'batch-norm-backward',
  'rnn-bptt',
  'lstm-step',
  'softmax-ce-3',
] as const;
type LayerTemplate = (typeof LAYER_TEMPLATES)[number];

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const graphOf = (e: Exercise): GraphSpec => (e.problem as { graph: GraphSpec }).graph;
/** A leaf's numbers (inputs and params alike). */
const leaf = (e: Exercise, id: string): number[] => {
  const g = graphOf(e);
  return flat(g.inputs?.[id] ?? g.params?.[id]);
};
const hasDecimals = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places === x;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// The course's formulas, with loops: each template's expected answers and its readability rule.

interface Reference {
  answers: Record<string, number[]>;
  readable: boolean;
}

/** y[i][j] = Σ_uv x[i+u][j+v] W[u][v] + b; dW[u][v] = Σ_ij g[i][j] x[i+u][j+v]; dx[i+u][j+v] += g[i][j] W[u][v]. */
function conv(e: Exercise): Reference {
  const [x, W, g] = [leaf(e, 'x'), leaf(e, 'W'), leaf(e, 'g')];
  const b = leaf(e, 'b')[0];
  const y = new Array(9).fill(b),
    dW = new Array(4).fill(0),
    dx = new Array(16).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      for (let u = 0; u < 2; u++)
        for (let v = 0; v < 2; v++) {
          y[i * 3 + j] += x[(i + u) * 4 + j + v] * W[u * 2 + v];
          dW[u * 2 + v] += g[i * 3 + j] * x[(i + u) * 4 + j + v];
          dx[(i + u) * 4 + j + v] += g[i * 3 + j] * W[u * 2 + v];
        }
  const eta = e.problem.learningRate;
  return {
    answers: { y, 'dL/dW': dW, 'dL/db': [sum(g)], 'dL/dx': dx, 'step(W)': W.map((w, k) => w - eta * dW[k]) },
    readable:
      x.every((v) => Number.isInteger(v) && Math.abs(v) <= 3) &&
      W.every((v) => hasDecimals(v, 1) && Math.abs(v) <= 1) &&
      g.every((v) => [-2, -1, 1, 2].includes(v)) &&
      dW.every((v) => Math.abs(v) > 1e-9),
  };
}

/** Each 2×2 window's largest element gets its g; the others 0. */
function maxPool(e: Exercise): Reference {
  const [x, g] = [leaf(e, 'x'), leaf(e, 'g')];
  const y: number[] = [],
    dx = new Array(16).fill(0);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++) {
      const window = [0, 1, 4, 5].map((o) => i * 8 + j * 2 + o);
      const top = window.reduce((a, k) => (x[k] > x[a] ? k : a));
      y.push(x[top]);
      dx[top] = g[i * 2 + j];
    }
  return { answers: { y, 'dL/dx': dx }, readable: new Set(x).size === 16 && x.every(Number.isInteger) };
}

/** Per column: x̂ = (x − μ)/√(σ² + eps), y = γx̂ + β; dx = γ/(m√(σ² + eps)) (m g − Σg − x̂ Σ g x̂), dγ = Σ g x̂, dβ = Σ g. */
function batchNorm(e: Exercise): Reference {
  const [x, g, gamma, beta] = [leaf(e, 'x'), leaf(e, 'g'), leaf(e, 'gamma'), leaf(e, 'beta')];
  const m = 3,
    eps = 1e-5;
  const y = new Array(6),
    dx = new Array(6),
    dgamma = [0, 0],
    dbeta = [0, 0];
  let readable = true;
  for (let d = 0; d < 2; d++) {
    const col = [0, 1, 2].map((n) => x[n * 2 + d]);
    const gc = [0, 1, 2].map((n) => g[n * 2 + d]);
    const mu = sum(col) / m;
    const variance = sum(col.map((v) => (v - mu) ** 2)) / m;
    readable &&= variance >= 0.1 && new Set(col).size === 3;
    const sd = Math.sqrt(variance + eps);
    const xhat = col.map((v) => (v - mu) / sd);
    const sumG = sum(gc),
      sumGX = sum(gc.map((v, n) => v * xhat[n]));
    dgamma[d] = sumGX;
    dbeta[d] = sumG;
    for (let n = 0; n < 3; n++) {
      y[n * 2 + d] = gamma[d] * xhat[n] + beta[d];
      dx[n * 2 + d] = (gamma[d] / (m * sd)) * (m * gc[n] - sumG - xhat[n] * sumGX);
    }
  }
  return { answers: { y, 'dL/dx': dx, 'dL/dgamma': dgamma, 'dL/dbeta': dbeta }, readable };
}

/** 2×2 by 2 (or 2×1 by 1) matrix-vector product, row-major. */
const matvec = (M: number[], v: number[]) =>
  Array.from({ length: M.length / v.length }, (_, r) => sum(v.map((vi, c) => M[r * v.length + c] * vi)));

/** h_t = tanh(W_xh x_t + W_hh h_(t−1) + b), L = ½Σ(h2 − y)², and backpropagation through time by hand. */
function rnn(e: Exercise): Reference {
  const [x1, x2, h0, y, Wxh, Whh, b] = ['x1', 'x2', 'h0', 'y', 'W_xh', 'W_hh', 'b'].map((id) => leaf(e, id));
  const pre = (x: number[], h: number[]) => matvec(Wxh, x).map((v, k) => v + matvec(Whh, h)[k] + b[k]);
  const z1 = pre(x1, h0),
    h1 = z1.map(Math.tanh);
  const z2 = pre(x2, h1),
    h2 = z2.map(Math.tanh);
  const dh2 = h2.map((v, k) => v - y[k]);
  const dz2 = dh2.map((v, k) => v * (1 - h2[k] ** 2));
  const dh1 = [0, 1].map((c) => sum([0, 1].map((r) => Whh[r * 2 + c] * dz2[r]))); // W_hhᵀ dz2
  const dz1 = dh1.map((v, k) => v * (1 - h1[k] ** 2));
  const dWhh = [0, 1].flatMap((r) => [0, 1].map((c) => dz2[r] * h1[c] + dz1[r] * h0[c]));
  return {
    answers: {
      h1,
      h2,
      L: [0.5 * sum(dh2.map((v) => v * v))],
      'dL/dh2': dh2,
      'dL/dz2': dz2,
      'dL/dh1': dh1,
      'dL/dz1': dz1,
      'dL/dW_hh': dWhh,
      'dL/dW_xh': [0, 1].map((r) => dz2[r] * x2[0] + dz1[r] * x1[0]),
      'dL/db': [0, 1].map((r) => dz1[r] + dz2[r]),
    },
    readable:
      [...z1, ...z2].every((v) => Math.abs(v) <= 2) &&
      dz1.some((v) => Math.abs(v) >= 0.05) &&
      h2.some((v, k) => Math.abs(v - y[k]) >= 0.1),
  };
}

/** One LSTM step with gates in the order i, f, g, o, and its backward pass by hand (CS231n's lstm_step_backward). */
function lstm(e: Exercise): Reference {
  const [x, [h], [c], [y], W, U, b] = ['x', 'h', 'c', 'y', 'W', 'U', 'b'].map((id) => leaf(e, id));
  const a = [0, 1, 2, 3].map((k) => W[2 * k] * x[0] + W[2 * k + 1] * x[1] + U[k] * h + b[k]);
  const [i, f, o] = [a[0], a[1], a[3]].map(sigmoid);
  const g = Math.tanh(a[2]);
  const cNext = f * c + i * g,
    tc = Math.tanh(cNext),
    hNext = o * tc;
  const dh = hNext - y;
  const dc = dh * o * (1 - tc * tc);
  const dgates = [dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g), dh * tc * o * (1 - o)];
  return {
    answers: {
      i: [i],
      f: [f],
      g: [g],
      o: [o],
      c_next: [cNext],
      h_next: [hNext],
      L: [0.5 * dh * dh],
      'dL/dh_next': [dh],
      'dL/dc_next': [dc],
      'dL/dgates': dgates,
      'dL/dc': [dc * f],
      'dL/dh': [sum(dgates.map((d, k) => d * U[k]))],
      'dL/dW': dgates.flatMap((d) => [d * x[0], d * x[1]]),
    },
    readable: a.every((v) => Math.abs(v) <= 2.5) && Math.abs(cNext) <= 2 && Math.abs(hNext - y) >= 0.1,
  };
}

/** p = softmax(z), L = −ln p_label, dL/dz = p − y. */
function softmaxCe(e: Exercise): Reference {
  const [z, y] = [leaf(e, 'z'), leaf(e, 'y')];
  const top = Math.max(...z);
  const ez = z.map((v) => Math.exp(v - top));
  const p = ez.map((v) => v / sum(ez));
  const label = y.indexOf(1);
  return {
    answers: { p, L: [-Math.log(p[label])], 'dL/dz': p.map((v, k) => v - y[k]) },
    readable:
      new Set(z).size === 3 &&
      z.every((v) => hasDecimals(v, 1) && Math.abs(v) <= 2) &&
      sum(y) === 1 &&
      p[label] >= 0.1 &&
      p[label] <= 0.85,
  };
}

const references: Record<LayerTemplate, (e: Exercise) => Reference> = {
  'conv2d-1channel': conv,
  'max-pool-backward': maxPool,
  'batch-norm-backward': batchNorm,
  'rnn-bptt': rnn,
  'lstm-step': lstm,
  'softmax-ce-3': softmaxCe,
};

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 + 1e-9 * Math.abs(b);

/** What a worked solution writes for a key: `y = …`, `dL/dW = …`, `W ← …`. */
function inSolution(key: string): string {
  const step = /^step\((\w+)\)$/.exec(key);
  return step ? `${step[1]} ←` : `${key} =`;
}

// ---------------------------------------------------------------------------------------------

describe('the layer exercise templates', () => {
  it('are listed after the dense ones, each once', () => {
    expect(templateIds.slice(-LAYER_TEMPLATES.length)).toEqual([...LAYER_TEMPLATES]);
  });
});

describe.each(LAYER_TEMPLATES)('%s, seeds 1 to 50', (id) => {
  const exercises = SEEDS.map((seed) => ({
    en: generateExercise(id, seed, 'en'),
    pt: generateExercise(id, seed, 'pt-BR'),
  }));

  it('draws readable numbers, and answers that equal the course formulas computed with loops', () => {
    const fail: string[] = [];
    for (const { en: e } of exercises) {
      const ref = references[id](e);
      if (!ref.readable) fail.push(`seed ${e.seed}: not readable: ${JSON.stringify(e.problem)}`);
      expect(Object.keys(ref.answers).sort()).toEqual([...e.answerKeys].sort());
      for (const key of e.answerKeys) {
        const got = flat(e.answers[key]),
          want = ref.answers[key];
        if (got.length !== want.length || got.some((v, k) => !close(v, want[k])))
          fail.push(`seed ${e.seed} ${key}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      }
    }
    expect(fail).toEqual([]);
  });

  it('answers in the shape of each id: nested arrays as deep as its rank', () => {
    const e = exercises[0].en;
    const depth = (v: unknown): number => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
    const tape = compileSpec(e.problem);
    for (const key of e.answerKeys) {
      // A value or a step has the shape of its id; dL/dw the shape of w.
      const id = /^(?:d\w+\/d|step\()?(\w+)\)?$/.exec(key)![1];
      expect(depth(e.answers[key]), key).toBe(shapeOf(tape, slotOf(tape, id)!).length);
    }
  });

  it('names every key in the statement and in the worked solution, in both languages', () => {
    for (const { en, pt } of exercises.slice(0, 5)) {
      for (const e of [en, pt]) {
        for (const key of e.answerKeys) {
          expect(e.statement, `${id} ${e.locale}`).toContain(`\`${key}\``);
          expect(e.solution, `${id} ${e.locale} ${key}`).toContain(inSolution(key));
        }
      }
      expect(pt.statement).toContain('Calcule');
      expect(pt.solution).toContain('Solução');
      expect(pt.answers).toEqual(en.answers);
    }
  });

  it('grades its own answers to a full score', () => {
    for (const { en: e } of exercises.slice(0, 10)) {
      const tape = compileSpec(e.problem);
      const report = grade(tape, readAnswers(tape, e.answers), { learningRate: e.problem.learningRate, locale: 'en' });
      expect(report.score, `seed ${e.seed}`).toBe(1);
    }
  });
});
