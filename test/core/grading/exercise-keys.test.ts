/**
 * Every seeded exercise's answer keys against an independent computation: the model's values
 * and derivatives from the reference evaluator (test/support/reference-evaluator.ts, which
 * shares nothing with src/), and the losses written out below by hand. Each exercise's answers
 * must equal those, and those, sent to grade() as a student's answers, must score 1.
 */
import { describe, expect, it } from 'vitest';
import {
  type AnswerValue,
  type ExerciseSpec,
  generateExercise,
  listTemplates,
  templateIds,
} from '../../../src/core/exercises/index.js';
import { grade, readAnswers } from '../../../src/core/grading/grade.js';
import { compileSpec } from '../../../src/specs/index.js';
import { type RefNode, type RefOp, type Value, evaluateReference } from '../../support/reference-evaluator.js';

const SEEDS = 1000;

/**
 * The losses of the exercises, by hand, over the n elements of the prediction p and target y:
 * the value, and dL/dp_i.
 */
const losses: Record<
  string,
  { value: (p: number[], y: number[]) => number; dp: (p: number[], y: number[]) => number[] }
> = {
  // L = 1/2 Σ (p - y)², dL/dp = p - y
  half_squared_error: {
    value: (p, y) => p.reduce((s, pi, i) => s + 0.5 * (pi - y[i]) ** 2, 0),
    dp: (p, y) => p.map((pi, i) => pi - y[i]),
  },
  // L = (1/n) Σ (p - y)², dL/dp = 2 (p - y) / n
  mse: {
    value: (p, y) => p.reduce((s, pi, i) => s + (pi - y[i]) ** 2, 0) / p.length,
    dp: (p, y) => p.map((pi, i) => (2 * (pi - y[i])) / p.length),
  },
  // L = -(1/n) Σ (y ln p + (1 - y) ln(1 - p)), dL/dp = (p - y) / (p (1 - p)) / n
  bce: {
    value: (p, y) => -p.reduce((s, pi, i) => s + y[i] * Math.log(pi) + (1 - y[i]) * Math.log(1 - pi), 0) / p.length,
    dp: (p, y) => p.map((pi, i) => (pi - y[i]) / (pi * (1 - pi)) / p.length),
  },
};

const refValue = (v: AnswerValue): Value =>
  typeof v === 'number'
    ? { shape: [], data: [v] }
    : Array.isArray(v[0])
      ? { shape: [v.length, (v[0] as number[]).length], data: (v as number[][]).flat() }
      : { shape: [v.length], data: v as number[] };

const wireOf = ({ shape, data }: Value): AnswerValue =>
  shape.length === 0
    ? data[0]
    : shape.length === 1
      ? [...data]
      : Array.from({ length: shape[0] }, (_, i) => data.slice(i * shape[1], (i + 1) * shape[1]));

/** An exercise's problem as the reference evaluator's graph up to the prediction, and its loss. */
interface Model {
  leaves: Map<string, Value>;
  nodes: RefNode[];
  prediction: string;
  y: number[];
  loss: string;
}

function modelOf(problem: ExerciseSpec): Model {
  if ('neuron' in problem) {
    const { x, w, b, y, activation, loss } = problem.neuron as {
      x: number;
      w: number;
      b: number;
      y: number;
      activation: RefOp;
      loss: string;
    };
    return {
      leaves: new Map(Object.entries({ x, w, b }).map(([id, v]) => [id, refValue(v)])),
      nodes: [
        { id: 'u', op: 'mul', args: ['w', 'x'] },
        { id: 'z', op: 'add', args: ['u', 'b'] },
        { id: 'y_hat', op: activation, args: ['z'] },
      ],
      prediction: 'y_hat',
      y: [y],
      loss,
    };
  }
  const { x, y, loss, layers } = (problem as { network: unknown }).network as {
    x: number[];
    y: number[];
    loss: string;
    layers: { W: number[][]; b: number[]; activation: RefOp }[];
  };
  const leaves = new Map<string, Value>([['x', refValue(x)]]);
  const nodes: RefNode[] = [];
  let a = 'x';
  layers.forEach((layer, i) => {
    const k = i + 1;
    leaves.set(`W${k}`, refValue(layer.W)).set(`b${k}`, refValue(layer.b));
    nodes.push(
      { id: `z${k}`, op: 'linear', args: [a, `W${k}`, `b${k}`] },
      { id: `a${k}`, op: layer.activation, args: [`z${k}`] },
    );
    a = `a${k}`;
  });
  return { leaves, nodes, prediction: a, y, loss };
}

/** The reference's values and gradients, differentiating sum(g * of): dL/d· when `of` is the prediction and g = dL/dp, d(sum of)/d· when g is 1. */
function reference(m: Model, leaves: Map<string, Value>, of: string, g: Value) {
  const nodes: RefNode[] = [
    ...m.nodes,
    { id: '_weighted', op: 'mul', args: [of, '_g'] },
    { id: '_out', op: 'sum', args: ['_weighted'] },
  ];
  return evaluateReference({ leaves: new Map(leaves).set('_g', g), nodes, output: '_out' });
}

const ONE: Value = { shape: [], data: [1] };

/** The loss at some leaves: its value, and dL/dp shaped like the prediction p. */
function lossAt(m: Model, leaves: Map<string, Value>) {
  const p = reference(m, leaves, m.prediction, ONE).values.get(m.prediction)!;
  const loss = losses[m.loss];
  return { value: loss.value([...p.data], m.y), dp: { shape: p.shape, data: loss.dp([...p.data], m.y) } };
}

type KeyKind = 'value' | 'gradient' | 'local derivative' | 'step' | 'fd';

/** An answer key's kind and ids, read here on its own terms: `u`, `dL/dw`, `dy_hat/dz`, `step(w)`, `fd(dL/dw)`. */
function readKey(key: string): { kind: KeyKind; of: string; wrt: string } {
  const fd = /^fd\(dL\/d(\w+)\)$/.exec(key);
  if (fd) return { kind: 'fd', of: 'L', wrt: fd[1] };
  const step = /^step\((\w+)\)$/.exec(key);
  if (step) return { kind: 'step', of: 'L', wrt: step[1] };
  const derivative = /^d(\w+)\/d(\w+)$/.exec(key);
  if (derivative)
    return { kind: derivative[1] === 'L' ? 'gradient' : 'local derivative', of: derivative[1], wrt: derivative[2] };
  if (/^\w+$/.test(key)) return { kind: 'value', of: key, wrt: key };
  throw new Error(`answer key '${key}' of no kind this test knows`);
}

/** Every answer of the keys, computed independently of src/. */
function independentAnswers(problem: ExerciseSpec, keys: readonly string[]): Record<string, AnswerValue> {
  const m = modelOf(problem);
  const { value: L, dp } = lossAt(m, m.leaves);
  const gradients = reference(m, m.leaves, m.prediction, dp);
  const answers: Record<string, AnswerValue> = {};
  for (const key of keys) {
    const { kind, of, wrt } = readKey(key);
    if (kind === 'value') answers[key] = of === 'L' ? L : wireOf(gradients.values.get(of)!);
    else if (kind === 'gradient') answers[key] = wireOf(gradients.grads.get(wrt)!);
    else if (kind === 'local derivative') answers[key] = wireOf(reference(m, m.leaves, of, ONE).grads.get(wrt)!);
    else if (kind === 'step') {
      // One SGD step: p - η dL/dp.
      const p = m.leaves.get(wrt)!,
        g = gradients.grads.get(wrt)!;
      answers[key] = wireOf({ shape: p.shape, data: p.data.map((pi, i) => pi - problem.learningRate * g.data[i]) });
    } else {
      // (L(p + ε) - L(p - ε)) / (2ε), element by element.
      const epsilon = problem.epsilon!;
      const p = m.leaves.get(wrt)!;
      const at = (i: number, delta: number) =>
        lossAt(m, new Map(m.leaves).set(wrt, { shape: p.shape, data: p.data.map((v, j) => (j === i ? v + delta : v)) }))
          .value;
      answers[key] = wireOf({
        shape: p.shape,
        data: p.data.map((_, i) => (at(i, epsilon) - at(i, -epsilon)) / (2 * epsilon)),
      });
    }
  }
  return answers;
}

const numbers = (v: AnswerValue): number[] => (typeof v === 'number' ? [v] : (v as (number | number[])[]).flat());

/** Same shape, and each number within 1e-9 relative (1e-12 absolute): only the order of the arithmetic differs. */
function agree(got: AnswerValue, want: AnswerValue): boolean {
  if (JSON.stringify(got).replace(/[^[\],]/g, '') !== JSON.stringify(want).replace(/[^[\],]/g, '')) return false;
  const w = numbers(want);
  return numbers(got).every((x, i) => Math.abs(x - w[i]) <= 1e-12 + 1e-9 * Math.abs(w[i]));
}

describe('exercise answer keys', () => {
  it('cover every kind of key: a value, a gradient, a local derivative, a step, a finite difference', () => {
    const kinds = new Set(listTemplates().flatMap((t) => t.answerKeys.map((key) => readKey(key).kind)));
    expect([...kinds].sort()).toEqual(['fd', 'gradient', 'local derivative', 'step', 'value']);
  });

  it.each(templateIds.filter((id) => !('graph' in generateExercise(id, 0).problem)).map((t) => [t]))(
    '%s: 1,000 seeds each match the reference evaluator, and its answers grade to a full score',
    (template) => {
      for (let seed = 0; seed < SEEDS; seed++) {
        const { problem, answerKeys, answers } = generateExercise(template, seed);
        const expected = independentAnswers(problem, answerKeys);
        const disagree = answerKeys.filter((key) => !agree(answers[key], expected[key]));
        if (disagree.length)
          expect({ seed, answers: disagree.map((key) => [key, answers[key]]) }).toEqual({
            seed,
            answers: disagree.map((key) => [key, expected[key]]),
          });

        const { learningRate, epsilon } = problem;
        const tape = compileSpec(problem);
        const report = grade(tape, readAnswers(tape, expected), { learningRate, epsilon, locale: 'en' });
        if (report.score !== 1)
          expect({ seed, results: report.results.filter((r) => !r.correct) }).toEqual({ seed, results: [] });
      }
    },
  );
});
