import { describe, expect, it } from 'vitest';
import { exercise } from '../../../src/index.js';
import { drawAuthored, generateAuthoredExercise } from '../../../src/core/exercises/authored/index.js';
import { seededRng } from '../../../src/core/exercises/random.js';
import { SpecError } from '../../../src/engine/errors.js';
import type { AuthoredExerciseInput } from '../../../src/schemas/authored.js';
import type { NetworkSpec } from '../../../src/specs/spec.js';
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

  it('redraws an element below minAbs, as the templates always drew: |x| >= minAbs, on the grid, across the range', () => {
    const ex = { ...neuronOf({ min: -3, max: 3, decimals: 1, minAbs: 0.5 }), ask: ['L'] };
    const seen = new Set<number>();
    for (let seed = 0; seed < 300; seed++) {
      const b = (drawAuthored(ex as AuthoredExerciseInput, seed).solved.problem as { neuron: { b: number } }).neuron.b;
      expect(Math.abs(b)).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(b)).toBeLessThanOrEqual(3);
      expect(Math.round(b * 10) / 10).toBe(b);
      seen.add(b);
    }
    expect(seen.has(0.5) || seen.has(-0.5)).toBe(true);
    expect(seen.size).toBeGreaterThan(40);
  });

  it('bounds the value of an id: a ReLU neuron kept on [0.2, 3], its active side', () => {
    const ex = {
      neuron: {
        x: { min: -3, max: 3, step: 0.5 },
        w: { min: -1, max: 1, step: 0.25 },
        b: 0.1,
        y: 1,
        activation: 'relu',
      },
      constraints: { bounds: { z: { min: 0.2, max: 3 } } },
      ask: ['z', 'dL/dw'],
    };
    for (let seed = 0; seed < 100; seed++) {
      const { x, w, b } = (
        drawAuthored(ex as AuthoredExerciseInput, seed).solved.problem as {
          neuron: { x: number; w: number; b: number };
        }
      ).neuron;
      expect(w * x + b).toBeGreaterThanOrEqual(0.2);
      expect(w * x + b).toBeLessThanOrEqual(3);
    }
  });

  it('nonzeroGradients "some" lets a ReLU unit be off, not every one; true refuses either', () => {
    const net = (nonzeroGradients: true | 'some') => ({
      network: {
        x: [1, -1],
        loss: 'mse',
        layers: [
          { W: { min: -1, max: 1, decimals: 1, minAbs: 0.1, shape: [2, 2] }, b: [0, 0], activation: 'relu' },
          { W: [[0.5, -0.5]], b: [0.1], activation: 'sigmoid' },
        ],
        y: [1],
      },
      constraints: { nonzeroGradients, kinkMargin: 0.05 },
      ask: ['z1', 'dL/dW1'],
    });
    let oneOff = 0;
    for (let seed = 0; seed < 200; seed++) {
      const some = drawAuthored(net('some') as AuthoredExerciseInput, seed).answers.z1 as number[];
      expect(some.some((z) => z > 0)).toBe(true);
      if (some.some((z) => z < 0)) oneOff++;
      const every = drawAuthored(net(true) as AuthoredExerciseInput, seed).answers.z1 as number[];
      expect(every.every((z) => z > 0)).toBe(true);
    }
    expect(oneOff).toBeGreaterThan(20);
  });

  it("draws a network in the order x, each layer, then y (the neuron's order: input, parameters, target)", () => {
    const ex = {
      network: {
        x: { min: 0, max: 9, step: 1, shape: [1] },
        layers: [{ W: { min: 0, max: 9, step: 1, shape: [1, 1] }, b: { min: 0, max: 9, step: 1, shape: [1] } }],
        y: { min: 0, max: 9, step: 1, shape: [1] },
      },
      ask: ['L'],
    };
    const rng = seededRng('authored', 5);
    const [x, W, b, y] = Array.from({ length: 4 }, () => rng.int(0, 9));
    const p = drawAuthored(ex as AuthoredExerciseInput, 5).solved.problem as { network: NetworkSpec };
    expect(p.network.x).toEqual([x]);
    expect(p.network.layers[0]).toMatchObject({ W: [[W]], b: [b] });
    expect(p.network.y).toEqual([y]);
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
    ['a negative minAbs', neuronOf({ min: -1, max: 1, step: 0.1, minAbs: -0.1 }), 'exercise.neuron.b.minAbs'],
    ['a minAbs no value reaches', neuronOf({ min: -1, max: 1, step: 0.1, minAbs: 1.5 }), 'exercise.neuron.b.minAbs'],
    [
      'a bound of min above max',
      { ...neuronOf(0.1), constraints: { bounds: { z: { min: 1, max: -1 } } } },
      'exercise.constraints.bounds.z.min',
    ],
    [
      'a bound of an id the graph lacks',
      { ...neuronOf(0.1), constraints: { bounds: { q: { max: 1 } } } },
      'exercise.constraints.bounds.q',
    ],
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
