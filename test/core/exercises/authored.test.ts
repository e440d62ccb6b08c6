import { describe, expect, it } from 'vitest';
import { exercise } from '../../../src/index.js';
import { drawAuthored, generateAuthoredExercise } from '../../../src/core/exercises/authored/index.js';
import { seededRng } from '../../../src/core/exercises/random.js';
import { SpecError } from '../../../src/engine/errors.js';
import type { AuthoredExerciseInput } from '../../../src/schemas/authored.js';
import { tutorialActivity } from '../../../src/schemas/examples.js';

const activity = tutorialActivity as AuthoredExerciseInput;

/** The error an authored exercise raises, as { code, path, message }. */
function refusal(ex: unknown, seed = 1) {
  try {
    drawAuthored(ex as AuthoredExerciseInput, seed);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return {
      code: e.code,
      path: e.localized[0].path,
      en: e.localized[0].message.en,
      pt: e.localized[0].message['pt-BR'],
      extra: e.extra,
    };
  }
  throw new Error('no error');
}

const neuronOf = (b: unknown) => ({ neuron: { x: 3, w: -0.2, b, y: 0, activation: 'tanh' }, ask: ['L'] });

describe('authored exercises: drawing', () => {
  it('gives the same variant for the same exercise and seed, and different variants across seeds', () => {
    const a = generateAuthoredExercise(activity, 7, 'en');
    expect(generateAuthoredExercise(structuredClone(activity), 7, 'en')).toEqual(a);
    const bs = new Set(Array.from({ length: 50 }, (_, seed) => drawAuthored(activity, seed).solved.problem));
    expect(new Set([...bs].map((p) => ('neuron' in p ? p.neuron.b : 0))).size).toBeGreaterThan(5);
  });

  it('draws b from [-1, 1] in steps of 0.1 as the literal a person writes', () => {
    const grid = Array.from({ length: 21 }, (_, k) => Number(((k - 10) / 10).toFixed(1)));
    for (let seed = 0; seed < 300; seed++) {
      const p = drawAuthored(activity, seed).solved.problem;
      expect(grid).toContain('neuron' in p && p.neuron.b);
    }
  });

  it('reproduces the draw from the documented generator: seededRng("authored", seed), first draw', () => {
    // The first draw of the activity takes one integer k in [0, 20] for b = -1 + k·0.1.
    for (let seed = 0; seed < 50; seed++) {
      const { solved, draws } = drawAuthored(activity, seed);
      if (draws !== 1) continue;
      const k = seededRng('authored', seed).int(0, 20);
      expect('neuron' in solved.problem && solved.problem.neuron.b).toBe(Math.round((-1 + k * 0.1) * 10) / 10);
    }
  });

  it('keeps nonzero, decimals, choices and tensor shapes', () => {
    const ex = {
      graph: {
        inputs: {
          x: { shape: [2, 3], min: -1, max: 1, step: 0.5, nonzero: true },
          c: { choices: [0, 2, 5], nonzero: true },
        },
        params: { w: { min: -0.5, max: 0.5, decimals: 2, nonzero: true } },
        expr: 'L = sum(w * x) * c',
      },
      ask: ['L', 'dL/dw'],
    };
    for (let seed = 0; seed < 200; seed++) {
      const p = drawAuthored(ex as AuthoredExerciseInput, seed).solved.problem;
      const g = 'graph' in p ? p.graph : undefined;
      const x = g!.inputs!.x as number[][];
      expect(x).toHaveLength(2);
      for (const v of x.flat()) expect([-1, -0.5, 0.5, 1]).toContain(v);
      expect([2, 5]).toContain(g!.inputs!.c);
      const w = g!.params!.w as number;
      expect(w).not.toBe(0);
      expect(Math.abs(w)).toBeLessThanOrEqual(0.5);
      expect(Math.round(w * 100) / 100).toBe(w);
    }
  });

  it('redraws until the constraints hold: no kink within the margin, |z| bounded, no zero gradient, a loss floor', () => {
    const ex = {
      neuron: {
        x: { min: -3, max: 3, step: 1 },
        w: { min: -1, max: 1, step: 0.5 },
        b: { min: -1, max: 1, step: 0.5 },
        y: 1,
        activation: 'relu',
      },
      constraints: { kinkMargin: 0.5, nonzeroGradients: true, minLoss: 0.01 },
      ask: ['z', 'dL/dw'],
    };
    for (let seed = 0; seed < 100; seed++) {
      const { solved } = drawAuthored(ex as AuthoredExerciseInput, seed);
      const { x, w, b, y } = (solved.problem as { neuron: { x: number; w: number; b: number; y: number } }).neuron;
      const z = w * x + b;
      expect(Math.abs(z)).toBeGreaterThanOrEqual(0.5);
      // relu's active side: dL/dw = (z - y)·x is nonzero, and ½(z - y)² >= 0.01.
      expect(z).toBeGreaterThan(0);
      expect((z - y) * x).not.toBe(0);
      expect(0.5 * (z - y) ** 2).toBeGreaterThanOrEqual(0.01);
    }
    const sat = {
      ...neuronOf({ min: -1, max: 1, step: 0.1 }),
      neuron: { x: { min: -3, max: 3, step: 1 }, w: 2, b: 0, y: 0, activation: 'sigmoid' },
      constraints: { maxPreactivation: 2 },
    };
    for (let seed = 0; seed < 50; seed++) {
      const n = (drawAuthored(sat as AuthoredExerciseInput, seed).solved.problem as { neuron: { x: number } }).neuron;
      expect(Math.abs(2 * n.x)).toBeLessThanOrEqual(2);
    }
  });

  it('names the constraint that failed most when every draw fails', () => {
    const r = refusal({ ...neuronOf({ min: -1, max: 1, step: 0.1 }), constraints: { minLoss: 100 } });
    expect(r.code).toBe('INVALID_SPEC');
    expect(r.path).toBe('exercise.constraints.minLoss');
    expect(r.en).toContain('200 draws');
    expect(r.pt).toContain('200 sorteios');
    expect(r.extra).toEqual({ constraint: 'minLoss', failures: { minLoss: 200 } });
  });
});

describe('authored exercises: every field checked with a path', () => {
  const cases: [string, unknown, string][] = [
    ['min above max', neuronOf({ min: 1, max: -1, step: 0.1 }), 'exercise.neuron.b.min'],
    ['a step of 0', neuronOf({ min: -1, max: 1, step: 0 }), 'exercise.neuron.b.step'],
    ['a negative step', neuronOf({ min: -1, max: 1, step: -0.1 }), 'exercise.neuron.b.step'],
    ['decimals out of range', neuronOf({ min: -1, max: 1, decimals: 7 }), 'exercise.neuron.b.decimals'],
    ['decimals not an integer', neuronOf({ min: -1, max: 1, decimals: 1.5 }), 'exercise.neuron.b.decimals'],
    ['neither step nor decimals', neuronOf({ min: -1, max: 1 }), 'exercise.neuron.b'],
    ['an empty choices', neuronOf({ choices: [] }), 'exercise.neuron.b.choices'],
    ['nonzero with min = max = 0', neuronOf({ min: 0, max: 0, step: 1, nonzero: true }), 'exercise.neuron.b.nonzero'],
    ['nonzero with only 0 to choose', neuronOf({ choices: [0, 0], nonzero: true }), 'exercise.neuron.b.nonzero'],
    ['an answer key of no id', { ...neuronOf(0.1), ask: ['L', 'dL/dq'] }, 'exercise.ask[1]'],
    [
      'a placeholder of no id',
      { ...neuronOf(0.1), statement: { 'pt-BR': 'Com {b} e {q}.' } },
      'exercise.statement.pt-BR',
    ],
    [
      'a source of an id no node reads',
      { graph: { inputs: { x: 1, q: 2 }, expr: 'L = x^2' }, ask: ['L'] },
      'exercise.graph.inputs.q',
    ],
    [
      'a negative kink margin',
      { ...neuronOf(0.1), constraints: { kinkMargin: -1 } },
      'exercise.constraints.kinkMargin',
    ],
    [
      'a zero bound on |z|',
      { ...neuronOf(0.1), constraints: { maxPreactivation: 0 } },
      'exercise.constraints.maxPreactivation',
    ],
    ['a learning rate of 0', { ...neuronOf(0.1), learningRate: 0 }, 'exercise.learningRate'],
    ['a vector bias for a neuron', neuronOf({ min: 0, max: 1, step: 0.5, shape: [2] }), 'exercise.neuron.b'],
    [
      'a tensor of more than 10,000 elements',
      neuronOf({ min: 0, max: 1, step: 0.5, shape: [64, 64, 4] }),
      'exercise.neuron.b.shape',
    ],
    ['two specs', { ...neuronOf(0.1), graph: { expr: 'L = 1' } }, 'exercise.graph'],
  ];
  for (const [what, ex, path] of cases) {
    it(`refuses ${what} at ${path}, in both languages`, () => {
      const r = refusal(ex);
      expect(r.code).toBe('INVALID_SPEC');
      expect(r.path).toBe(path);
      expect(r.en).not.toBe(r.pt);
    });
  }
});

describe('authored exercises: statement and solution', () => {
  it("fills the author's placeholders, with decimal commas in pt-BR, and lists the keys", () => {
    const e = generateAuthoredExercise(activity, 42, 'pt-BR');
    const b = (e.problem as { neuron: { b: number } }).neuron.b;
    expect(e.statement).toContain('### Atividade prática: um neurônio tanh');
    expect(e.statement).toContain(`o viés \`b = ${String(b).replace('-', '−').replace('.', ',')}\``);
    expect(e.statement).toContain('`w = −0,2`');
    expect(e.statement).toContain('1. `z`: a pré-ativação');
    expect(e.solution).toMatch(/^### Solução/);
    expect(e.statement).not.toMatch(/\{\w+\}/);
  });

  it('writes a statement from the graph when the author gives none, with the escapes {{ }}', () => {
    const ex = {
      graph: { inputs: { x: 2 }, params: { w: { choices: [0.5] } }, expr: 'y = w*x; L = y^2' },
      ask: ['L', 'dL/dw', 'step(w)'],
      title: { en: 'Set {{1}}: w = {w}' },
    };
    const e = generateAuthoredExercise(ex as AuthoredExerciseInput, 3, 'en');
    expect(e.statement).toMatch(/^### Set \{1\}: w = 0\.5\n/);
    expect(e.statement).toContain('Given `x = 2` and `w = 0.5`. The learning rate is `η = 0.1`.');
    expect(e.statement).toContain('`L = y²`');
    // By hand: L = (w·x)², dL/dw = 2·w·x·x = 4, step(w) = 0.5 - 0.1·4 = 0.1.
    expect(e.answers).toEqual({ L: 1, 'dL/dw': 4, 'step(w)': 0.5 - 0.1 * 4 });
  });

  it('is the library call of POST /v1/exercises', () => {
    const e = exercise({ exercise: tutorialActivity, seed: 's2026-0042', locale: 'en' } as never) as {
      seed: unknown;
      answerKeys: string[];
    };
    expect(e.seed).toBe('s2026-0042');
    expect(e.answerKeys).toEqual(activity.ask);
  });
});
