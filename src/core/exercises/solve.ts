/**
 * The expected answers of an exercise, computed by the core and nothing else, through the same
 * answer keys and evaluation that POST /v1/grade uses (so an exercise's answers grade as right by
 * construction of one code path, and the tests check them against independent differences).
 */
import type { z } from 'zod';
import { type Tape, slotOf } from '../../engine/tape.js';
import { parseKey } from '../grading/keys.js';
import { ScenarioEvaluator } from '../grading/scenario.js';
import { compileSpec } from '../../specs/index.js';
import type { GraphSpec, NetworkSpec, NeuronSpec } from '../../specs/spec.js';
import { type Tensor, isFiniteTensor } from '../../engine/tensor.js';
import { DEFAULT_OPTIMIZER, FD_EPSILON } from '../defaults.js';
import type { ExerciseAnswer } from '../../schemas/exercises.js';
import type { Tolerance } from '../../schemas/tolerance.js';
import type { Optimizer } from '../train.js';

/** What a client sends back to POST /v1/grade with the student's answers. */
export type ExerciseSpec = ({ neuron: NeuronSpec } | { network: NetworkSpec } | { graph: GraphSpec }) & {
  learningRate: number;
  /** Present when an answer key is a finite difference, fd(dL/dw). */
  epsilon?: number;
  /** An authored exercise's optimizer for the `step(...)` keys; plain SGD when absent. */
  optimizer?: Optimizer;
  /** An authored exercise's tolerance, which grading by reference uses. */
  tolerance?: z.output<typeof Tolerance>;
};

/** An answer on the wire: a number, or arrays nested up to rank 4. */
export type AnswerValue = z.output<typeof ExerciseAnswer>;

/** A spec evaluated once, with lookups the statement and the solution read their numbers from. */
export interface Solved {
  problem: ExerciseSpec;
  graph: Tape;
  /** The value of an id. */
  value(id: string): Tensor;
  /** The value of a slot (a node's input, which may have no id). */
  valueAt(slot: number): Tensor;
  /** The answer of a key (`u`, `dL/dw`, `step(w)`, `fd(dL/dw)`) as a tensor. */
  answer(key: string): Tensor;
}

export function solve(problem: ExerciseSpec): Solved {
  const graph = compileSpec(problem);
  const evaluator = new ScenarioEvaluator(graph, {
    learningRate: problem.learningRate,
    epsilon: problem.epsilon ?? FD_EPSILON,
    optimizer: problem.optimizer ?? DEFAULT_OPTIMIZER,
  });

  const slot = (id: string): number => {
    const s = slotOf(graph, id);
    if (s === undefined) throw new Error(`exercise template refers to no id '${id}'`);
    return s;
  };

  return {
    problem,
    graph,
    value: (id) => evaluator.expected({ kind: 'value', slot: slot(id) }),
    valueAt: (at) => evaluator.expected({ kind: 'value', slot: at }),
    answer: (key) => evaluator.expected(parseKey(graph, key)),
  };
}

/** Every answer of the keys, in their order; undefined when one is not finite (the draw is then redrawn). */
export function answersOf(solved: Solved, keys: readonly string[]): Record<string, AnswerValue> | undefined {
  const answers: Record<string, AnswerValue> = {};
  for (const key of keys) {
    const t = solved.answer(key);
    if (!isFiniteTensor(t)) return undefined;
    answers[key] = toAnswer(t);
  }
  return answers;
}

/** A tensor as the wire writes it: a number, or arrays nested as deep as its rank (row-major). */
export function toAnswer(t: Tensor): AnswerValue {
  const nest = (axis: number, at: number): number | unknown[] => {
    if (axis === t.shape.length) return t.data[at];
    const stride = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: t.shape[axis] }, (_, i) => nest(axis + 1, at + i * stride));
  };
  return nest(0, 0) as AnswerValue;
}
