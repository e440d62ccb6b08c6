/**
 * Seeded exercises as a specification: the same (template, seed) gives the same exercise, every
 * seed gives readable numbers, and every expected answer agrees with checks written here, outside
 * the evaluator's backward pass: central finite differences of the forward pass for derivative
 * keys, `w - η·dL/dw` for step keys, a difference quotient of our own for fd keys, and the
 * tutorial's formulas for the forward values of a neuron.
 */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../../src/engine/errors.js';
import { forward } from '../../../src/engine/evaluate.js';
import { reportOrder, shapeOf, view } from '../../../src/engine/tape.js';
import {
  type AnswerValue,
  type Exercise,
  type ExerciseSpec,
  drawTemplate,
  findTemplate,
  generateExercise,
  listTemplates,
  templateIds,
} from '../../../src/core/exercises/index.js';
import { catalogue } from '../../../src/core/exercises/catalog/index.js';
import { NEURON_KEYS } from '../../../src/core/exercises/catalog/neurons.js';
import { prose } from '../../../src/core/exercises/format.js';
import { layerTemplates } from '../../../src/core/exercises/templates.js';
import { workedSolution } from '../../../src/core/exercises/solution.js';
import { solve } from '../../../src/core/exercises/solve.js';
import { readable } from '../../../src/core/notation/numbers.js';
import { explain as explainCall } from '../../../src/index.js';
import { compileSpec } from '../../../src/specs/index.js';
import type {
  DenseLayerSpec,
  GraphSpec,
  NetworkSpec,
  NeuronSpec,
  NodeSpec,
  ValueSpec,
} from '../../../src/specs/spec.js';

const SEEDS = Array.from({ length: 1000 }, (_, i) => i);

/** The neuron and network templates, whose problems this file rebuilds as graphs; the layer templates (graph problems) have layer-templates.test.ts. */
const denseIds = catalogue.map((entry) => entry.id);

const flat = (v: AnswerValue | ValueSpec): number[] =>
  Array.isArray(v) ? (v.flat(Number.POSITIVE_INFINITY) as number[]) : [v];
const hasDecimals = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places === x;

// ---------------------------------------------------------------------------------------------
// The problem as graph nodes, so that any id (a node included) can be made a leaf and nudged.

function graphOf(problem: ExerciseSpec): GraphSpec & { inputs: Record<string, ValueSpec>; nodes: NodeSpec[] } {
  if ('neuron' in problem) {
    const n: NeuronSpec = problem.neuron;
    return {
      inputs: { x: n.x, y: n.y, w: n.w, b: n.b },
      nodes: [
        { id: 'u', op: 'mul', args: ['w', 'x'] },
        { id: 'z', op: 'add', args: ['u', 'b'] },
        { id: 'y_hat', op: n.activation!, args: ['z'] },
        { id: 'L', op: n.loss!, args: ['y_hat', 'y'] },
      ],
    };
  }
  const net: NetworkSpec = (problem as { network: NetworkSpec }).network;
  const [l1, l2] = net.layers as DenseLayerSpec[]; // the template's network is dense
  return {
    inputs: { x: net.x, y: net.y, W1: l1.W, b1: l1.b, W2: l2.W, b2: l2.b },
    nodes: [
      { id: 'z1', op: 'linear', args: ['x', 'W1', 'b1'] },
      { id: 'a1', op: l1.activation!, args: ['z1'] },
      { id: 'z2', op: 'linear', args: ['a1', 'W2', 'b2'] },
      { id: 'a2', op: l2.activation!, args: ['z2'] },
      { id: 'L', op: net.loss!, args: ['a2', 'y'] },
    ],
  };
}

/** The value of every id of the graph, as its shape and its elements. */
function evaluate(graph: GraphSpec): Map<string, { shape: readonly number[]; data: number[] }> {
  const g = compileSpec({ graph });
  const values = forward(g);
  return new Map(
    reportOrder(g).map((s) => [g.ids[s]!, { shape: shapeOf(g, s), data: Array.from(view(g, values, s).data) }]),
  );
}

/** Elements back into a JSON value of the shape, with element i replaced by x. */
function withElement(shape: readonly number[], data: number[], i: number, x: number): ValueSpec {
  const d = data.map((v, j) => (j === i ? x : v));
  if (shape.length === 0) return d[0];
  if (shape.length === 1) return d;
  return Array.from({ length: shape[0] }, (_, r) => d.slice(r * shape[1], (r + 1) * shape[1]));
}

/**
 * d(sum of `of`)/d`wrt`, element by element, by central differences: `wrt` becomes a leaf holding
 * its forward value (when it is a node, the nodes before it stay, unused), and the forward pass
 * runs again at wrt ± h.
 */
function centralDifference(problem: ExerciseSpec, of: string, wrt: string, h: number): number[] {
  const full = graphOf(problem);
  const { shape, data } = evaluate(full).get(wrt)!;
  const nodes = full.nodes.filter((n) => n.id !== wrt);
  return data.map((xi, i) => {
    const sumOfAt = (x: number) => {
      const inputs = { ...full.inputs, [wrt]: withElement(shape, data, i, x) };
      return evaluate({ inputs, nodes, output: of })
        .get(of)!
        .data.reduce((a, b) => a + b, 0);
    };
    return (sumOfAt(xi + h) - sumOfAt(xi - h)) / (2 * h);
  });
}

const close = (actual: number, expected: number, rtol: number, atol: number) =>
  Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);

/**
 * Checks of one exercise collect what fails as sentences (one expect per thousand exercises,
 * not one per number: vitest's expect is slow in bulk, and a list of failures reads better).
 */
type Failures = string[];

function checkClose(fail: Failures, what: string, actual: number[], expected: number[], rtol: number, atol: number) {
  if (actual.length !== expected.length) fail.push(`${what}: ${actual.length} elements, expected ${expected.length}`);
  actual.forEach((a, i) => {
    if (!close(a, expected[i], rtol, atol))
      fail.push(`${what}[${i}]: ${a} is not ${expected[i]} (rtol ${rtol}, atol ${atol})`);
  });
}

// ---------------------------------------------------------------------------------------------
// The readability rules, stated here on their own.

const neuronOf = (e: Exercise) => ('neuron' in e.problem ? e.problem.neuron : undefined)!;
const scalarAnswer = (e: Exercise, key: string) => e.answers[key] as number;

const zWithin: Record<string, (z: number) => boolean> = {
  'neuron-sigmoid': (z) => Math.abs(z) <= 2.5,
  'neuron-tanh': (z) => Math.abs(z) <= 2.5,
  'neuron-relu': (z) => z >= 0.2 && z <= 3,
  'neuron-leaky-relu': (z) => Math.abs(z) >= 0.2 && Math.abs(z) <= 3,
  'neuron-softplus': (z) => Math.abs(z) <= 3,
  'neuron-identity': (z) => Math.abs(z) <= 3,
  'neuron-sigmoid-mse': (z) => Math.abs(z) <= 2.5,
  'neuron-sigmoid-bce': (z) => Math.abs(z) <= 2.5,
  'finite-difference-sigmoid': (z) => Math.abs(z) <= 2.5,
};

function checkReadable(e: Exercise, fail: Failures) {
  const rule = (ok: boolean, what: string) => {
    if (!ok) fail.push(`seed ${e.seed}: ${what} in ${JSON.stringify(e.problem)}`);
  };
  rule([0.1, 0.5, 0.05].includes(e.problem.learningRate), 'learningRate not in {0.1, 0.5, 0.05}');
  for (const key of e.answerKeys) rule(flat(e.answers[key]).every(Number.isFinite), `${key} not finite`);
  if ('neuron' in e.problem) {
    const { x, w, b, y } = neuronOf(e) as { x: number; w: number; b: number; y: number };
    rule([x, b, y].every((v) => hasDecimals(v, 1)) && hasDecimals(w, 2), 'x, b, y with one decimal, w with two');
    rule(Math.abs(x) >= 0.5 && Math.abs(w) >= 0.1, '|x| >= 0.5 and |w| >= 0.1');
    const z = w * x + b;
    rule(zWithin[e.template](z), `z = ${z} out of range`);
    const yHat = 1 / (1 + Math.exp(-z));
    rule(
      Math.abs((e.template === 'finite-difference-sigmoid' ? yHat : scalarAnswer(e, 'y_hat')) - y) >= 0.1,
      '|y_hat - y| < 0.1',
    );
    if (e.template === 'neuron-sigmoid-bce') rule(y === 0 || y === 1, 'bce target not in {0, 1}');
    if (e.problem.epsilon !== undefined) rule([1e-3, 1e-4].includes(e.problem.epsilon), 'epsilon not 1e-3 or 1e-4');
  } else {
    const net = (e.problem as { network: NetworkSpec }).network;
    const drawn = [net.x, net.y, ...(net.layers as DenseLayerSpec[]).flatMap((l) => [l.W, l.b])].flatMap((v) =>
      flat(v as ValueSpec),
    );
    rule(
      drawn.every((v) => hasDecimals(v, 1)),
      'numbers with one decimal',
    );
    const y = flat(net.y as ValueSpec);
    rule(y.length === 1 && (y[0] === 0 || y[0] === 1), 'y not [0] or [1]');
    const z1 = e.answers.z1 as number[];
    rule(
      z1.every((z) => Math.abs(z) >= 0.2),
      `z1 = ${z1} next to the kink`,
    );
    rule(
      z1.some((z) => z > 0),
      'both hidden units off',
    );
    rule(Math.abs((e.answers.z2 as number[])[0]) <= 2.5, 'output sigmoid saturated');
    rule(Math.abs((e.answers.a2 as number[])[0] - y[0]) >= 0.1, '|a2 - y| < 0.1');
  }
}

// The tutorial's formulas, for the forward values of a neuron.
const activationFormulas: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(0, z),
  leaky_relu: (z) => (z > 0 ? z : 0.01 * z),
  softplus: (z) => Math.log1p(Math.exp(z)),
  identity: (z) => z,
};
const lossFormulas: Record<string, (p: number, y: number) => number> = {
  half_squared_error: (p, y) => 0.5 * (p - y) ** 2,
  mse: (p, y) => (p - y) ** 2,
  bce: (p, y) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p)),
};

const DERIVATIVE_KEY = /^(?:(fd)\()?d([A-Za-z_]\w*)\/d([A-Za-z_]\w*)\)?$/;

function checkAnswers(e: Exercise, fail: Failures) {
  const at = `seed ${e.seed}`;
  for (const key of e.answerKeys) {
    const expected = flat(e.answers[key]);
    const step = /^step\((\w+)\)$/.exec(key);
    if (step) {
      // Plain SGD: w - η·dL/dw, from the exercise's own gradient answer.
      const before = flat(graphOf(e.problem).inputs[step[1]]);
      const g = flat(e.answers[`dL/d${step[1]}`]);
      checkClose(
        fail,
        `${at} ${key}`,
        expected,
        before.map((w, i) => w - e.problem.learningRate * g[i]),
        1e-14,
        1e-15,
      );
      continue;
    }
    const m = DERIVATIVE_KEY.exec(key);
    if (!m) continue;
    if (m[1] === 'fd')
      checkClose(
        fail,
        `${at} ${key}`,
        expected,
        centralDifference(e.problem, m[2], m[3], e.problem.epsilon!),
        1e-9,
        1e-12,
      );
    else checkClose(fail, `${at} ${key}`, expected, centralDifference(e.problem, m[2], m[3], 1e-6), 1e-6, 1e-8);
  }
  if ('neuron' in e.problem && e.answerKeys.includes('u')) {
    const { x, w, b, y, activation, loss } = neuronOf(e) as Required<NeuronSpec> & { x: number; w: number };
    checkClose(fail, `${at} u`, [scalarAnswer(e, 'u')], [w * x], 0, 0);
    checkClose(fail, `${at} z`, [scalarAnswer(e, 'z')], [w * x + b], 0, 0);
    checkClose(
      fail,
      `${at} y_hat`,
      [scalarAnswer(e, 'y_hat')],
      [activationFormulas[activation](scalarAnswer(e, 'z'))],
      1e-14,
      1e-15,
    );
    checkClose(
      fail,
      `${at} L`,
      [scalarAnswer(e, 'L')],
      [lossFormulas[loss](scalarAnswer(e, 'y_hat'), y)],
      1e-12,
      1e-15,
    );
  }
}

// ---------------------------------------------------------------------------------------------

describe('exercise templates', () => {
  it('are listed with a title and a description in both languages, and their answer keys', () => {
    const list = listTemplates();
    expect(list.map((t) => t.id)).toEqual(templateIds);
    expect(templateIds).toEqual(expect.arrayContaining(Object.keys(zWithin).concat('network-2-2-1')));
    for (const t of list) {
      expect(t.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(t.title.en && t.title['pt-BR'] && t.description.en && t.description['pt-BR']).toBeTruthy();
      expect(t.title.en).not.toBe(t.title['pt-BR']);
      expect(t.answerKeys.length).toBeGreaterThan(0);
    }
  });

  it('ask a neuron for the forward chain, the backward chain and one step', () => {
    expect(listTemplates().find((t) => t.id === 'neuron-sigmoid')!.answerKeys).toEqual([
      'u',
      'z',
      'y_hat',
      'L',
      'dL/dy_hat',
      'dy_hat/dz',
      'dL/dz',
      'dL/dw',
      'dL/db',
      'step(w)',
      'step(b)',
    ]);
  });

  it.each(layerTemplates.map((t) => t.id))('%s: falls back to numbers that are themselves readable', (id) => {
    const template = layerTemplates.find((t) => t.id === id)!;
    const solved = solve(structuredClone(template.fallback));
    expect(template.readable(solved)).toBe(true);
  });
});

describe('generateExercise', () => {
  it('gives the same exercise, byte for byte, for the same template and seed', () => {
    for (const id of templateIds) {
      for (const locale of ['en', 'pt-BR'] as const) {
        expect(JSON.stringify(generateExercise(id, 12345, locale))).toBe(
          JSON.stringify(generateExercise(id, 12345, locale)),
        );
      }
    }
  });

  it('gives other numbers for another seed, and for another template with the same seed', () => {
    const drawn = (id: string, seed: number) =>
      JSON.stringify(generateExercise(id, seed).problem.learningRate) +
      JSON.stringify(neuronOf(generateExercise(id, seed)));
    expect(drawn('neuron-sigmoid', 2)).not.toBe(drawn('neuron-sigmoid', 1));
    const same = SEEDS.slice(0, 100).filter((seed) => {
      const [a, b] = [
        neuronOf(generateExercise('neuron-sigmoid', seed)),
        neuronOf(generateExercise('neuron-sigmoid-mse', seed)),
      ];
      return a.x === b.x && a.w === b.w && a.b === b.b;
    });
    expect(same.length).toBeLessThan(3);
  });

  it('spreads its seeds: 1,000 seeds give at least 990 different problems', () => {
    const problems = new Set(SEEDS.map((seed) => JSON.stringify(generateExercise('neuron-sigmoid', seed).problem)));
    expect(problems.size).toBeGreaterThanOrEqual(990);
  });

  it('takes seeds up to 2^53 - 1, and seeds 2^32 apart are different exercises', () => {
    const big = generateExercise('neuron-tanh', Number.MAX_SAFE_INTEGER);
    expect(big.seed).toBe(Number.MAX_SAFE_INTEGER);
    expect(generateExercise('neuron-tanh', 2 ** 32 + 5).problem).not.toEqual(
      generateExercise('neuron-tanh', 5).problem,
    );
  });

  it('keeps the exercise of a stored (template, seed): clients store the pair, not the numbers', () => {
    // Pinned once: a change here breaks every exercise already handed out.
    expect(generateExercise('neuron-sigmoid', 0).problem).toEqual({
      neuron: { x: -2.5, w: -0.38, b: 0.2, y: 0.5, activation: 'sigmoid', loss: 'half_squared_error' },
      learningRate: 0.05,
    });
  });

  it("works the tutorial's numbers as the tutorial does, with the explainer's formulas", () => {
    const tutorial = { x: 3, w: -0.2, b: 0.4, y: 0, activation: 'sigmoid', loss: 'half_squared_error' } as const;
    const solved = solve({ neuron: tutorial, learningRate: 0.1 });
    const solution = workedSolution({ answerKeys: NEURON_KEYS }, solved, prose('en'));
    expect(solution).toContain('`dL/dz = dL/dy_hat · dy_hat/dz = 0.450166 · 0.247517 = 0.111424`');
    expect(solution).toContain('`dL/dw = dL/du · du/dw = 0.111424 · 3 = 0.334271`');
    expect(solution).toContain('`w ← w − η · dL/dw = −0.2 − 0.1 · 0.334271 = −0.233427`');
  });

  it('takes its worked solution from the explainer: the Markdown of POST /v1/explain for its problem', () => {
    for (const id of templateIds) {
      for (const locale of ['en', 'pt-BR'] as const) {
        const e = generateExercise(id, 3, locale);
        const { learningRate, epsilon, ...spec } = e.problem;
        const explained = explainCall({ ...spec, learningRate, ...(epsilon ? { epsilon } : {}) }, { locale });
        // Every line of the explanation's backward pass is a line of the solution.
        for (const step of explained.steps.filter((s) => s.phase === 'backward'))
          expect(e.solution, `${id} ${locale}`).toContain(`\`${step.text}\``);
      }
    }
  });

  it("shows every answer's number in the solution, rounded, in both languages", () => {
    for (const id of templateIds) {
      for (const seed of [0, 1, 2]) {
        for (const locale of ['en', 'pt-BR'] as const) {
          const e = generateExercise(id, seed, locale);
          for (const key of e.answerKeys) {
            for (const x of flat(e.answers[key]))
              expect(e.solution, `${id} seed ${seed} ${locale}: ${key} = ${x}`).toContain(readable(x, locale));
          }
        }
      }
    }
  });

  it('writes each answer key literally in the statement, and says that . or , may be used', () => {
    for (const id of templateIds) {
      const e = generateExercise(id, 7);
      for (const key of e.answerKeys) expect(e.statement).toContain(`\`${key}\``);
      expect(e.statement).toContain('`.` or `,`');
    }
  });

  it('writes Portuguese with a decimal comma in the prose, negative numbers with the minus sign −, and keeps the JSON numbers as numbers', () => {
    const en = generateExercise('neuron-sigmoid', 0, 'en');
    const pt = generateExercise('neuron-sigmoid', 0, 'pt-BR');
    expect(pt.statement).toContain('Calcule');
    expect(pt.statement).toContain('taxa de aprendizado');
    expect(pt.statement).toContain('`x = −2,5`');
    expect(pt.solution).toContain('Passo para trás (regra da cadeia)');
    expect(pt.solution).toContain('Atualização');
    expect(pt.solution).toContain('taxa de aprendizado');
    expect(pt.solution).not.toMatch(/\d\.\d/);
    expect(en.statement).toContain('`x = −2.5`');
    for (const text of [en.statement, en.solution, pt.statement, pt.solution]) expect(text).not.toMatch(/-\d/);
    expect(en.solution).not.toMatch(/\d,\d/);
    expect(pt.answers).toEqual(en.answers);
    expect(pt.problem).toEqual(en.problem);
  });

  it('writes vectors in Portuguese with ; between the elements', () => {
    const pt = generateExercise('network-2-2-1', 0, 'pt-BR');
    expect(pt.statement).toMatch(/`x = \[-?\d+(,\d)?; -?\d+(,\d)?\]`/);
  });

  it('refuses an unknown template with INVALID_SPEC at `template`, listing the templates', () => {
    let error: unknown;
    try {
      generateExercise('neuron-sigmod', 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(error).toMatchObject({
      code: 'INVALID_SPEC',
      errors: [{ path: 'template', message: expect.stringContaining('neuron-sigmoid') }],
    });
    for (const id of templateIds) expect((error as SpecError).errors[0].message).toContain(id);
  });

  it('refuses a seed that is negative, fractional or beyond 2^53 - 1', () => {
    for (const seed of [-1, 1.5, 2 ** 53, Number.NaN])
      expect(() => generateExercise('neuron-sigmoid', seed)).toThrow(SpecError);
  });
});

describe.each(denseIds)('%s, seeds 0 to 999', (id) => {
  const exercises = SEEDS.map((seed) => generateExercise(id, seed));

  it('draws readable numbers on the first few draws, never needing the fallback', () => {
    const draws = SEEDS.map((seed) => drawTemplate(findTemplate(id), seed).draws);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...draws)).toBeLessThan(60);
  });

  it('has finite answers within the readability rules', () => {
    const fail: Failures = [];
    for (const e of exercises) checkReadable(e, fail);
    expect(fail).toEqual([]);
  });

  it('agrees with finite differences of the forward pass and with w - η·dL/dw', () => {
    const fail: Failures = [];
    for (const e of exercises) checkAnswers(e, fail);
    expect(fail).toEqual([]);
  });
});
