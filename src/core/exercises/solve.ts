/**
 * The expected answers of an exercise, computed by the core and nothing else: forward values,
 * gradients of the output (backward), local derivatives of a node with respect to one of its
 * args, one SGD step (train) and central finite differences (gradcheck).
 */
import { backward, forward, type Values } from '../evaluate.js';
import { gradcheck, type GradcheckResult } from '../gradcheck.js';
import type { CompiledGraph, TapeNode } from '../graph.js';
import { compileProblem } from '../problem.js';
import type { NetworkSpec, NeuronSpec } from '../spec.js';
import { type Tensor, filled, isFiniteTensor, tensor } from '../tensor.js';
import { train } from '../train.js';

/** What a client sends back to POST /v1/grade with the student's answers. */
export type ExerciseProblem = ({ neuron: NeuronSpec } | { network: NetworkSpec }) & {
  learningRate: number;
  /** Present when an answer key is a finite difference, fd(dL/dw). */
  epsilon?: number;
};

/** An answer on the wire: scalar, vector or matrix. */
export type AnswerValue = number | number[] | number[][];

const ID = '[A-Za-z_][A-Za-z0-9_]*';
const DERIVATIVE = new RegExp(`^d(${ID})/d(${ID})$`);
const STEP = new RegExp(`^step\\((${ID})\\)$`);
const FD = new RegExp(`^fd\\(d(${ID})/d(${ID})\\)$`);

/** A problem evaluated once, with lookups the statement and the solution read their numbers from. */
export interface Solved {
  problem: ExerciseProblem;
  graph: CompiledGraph;
  values: Values;
  /** dOutput/dSlot for every slot. */
  gradients: Values;
  /** Every param after one plain SGD step with the problem's learning rate. */
  stepped: readonly (Tensor | undefined)[];
  /** The value of an id. */
  value(id: string): Tensor;
  /** d of / d wrt: the gradient when `of` is the output, else the local derivative of a node w.r.t. one of its args. */
  derivative(of: string, wrt: string): Tensor;
  /** The central finite-difference check of d output / d wrt (one result per element). */
  finiteDifference(wrt: string): GradcheckResult[];
  /** The answer of a key as a tensor. */
  answer(key: string): Tensor;
}

export function solve(problem: ExerciseProblem): Solved {
  const graph = compileProblem(problem);
  const values = forward(graph);
  const gradients = backward(graph, values);
  const stepped = train(graph, { learningRate: problem.learningRate, steps: 1, optimizer: { name: 'sgd' } }).leaves;
  const fdCache = new Map<string, GradcheckResult[]>();

  const slot = (id: string): number => {
    const s = graph.slotOf.get(id);
    if (s === undefined) throw new Error(`exercise template refers to no id '${id}'`);
    return s;
  };
  const value = (id: string) => values[slot(id)];

  function derivative(of: string, wrt: string): Tensor {
    const o = slot(of), w = slot(wrt);
    if (o === graph.output) return gradients[w];
    const node = graph.tape.find((n) => n.slot === o);
    if (!node || !node.args.includes(w)) throw new Error(`d${of}/d${wrt}: ${wrt} is not an arg of ${of}, and ${of} is not the output`);
    return localDerivative(node, w, values);
  }

  function finiteDifference(wrt: string): GradcheckResult[] {
    if (problem.epsilon === undefined) throw new Error('a finite-difference key needs the problem to give epsilon');
    let results = fdCache.get(wrt);
    if (!results) {
      results = gradcheck(graph, { epsilon: problem.epsilon, wrt: [wrt], rtol: 1e-3, atol: 1e-5 }).results;
      fdCache.set(wrt, results);
    }
    return results;
  }

  function answer(key: string): Tensor {
    let m: RegExpExecArray | null;
    if ((m = FD.exec(key))) {
      if (slot(m[1]) !== graph.output) throw new Error(`${key}: finite differences are of the output`);
      const shape = graph.shapes[slot(m[2])];
      return tensor(shape, Float64Array.from(finiteDifference(m[2]), (r) => r.numeric));
    }
    if ((m = STEP.exec(key))) return stepped[slot(m[1])]!;
    if ((m = DERIVATIVE.exec(key))) return derivative(m[1], m[2]);
    return value(key);
  }

  return { problem, graph, values, gradients, stepped, value, derivative, finiteDifference, answer };
}

/**
 * d node / d arg from the op's own vector-Jacobian product (as src/core/local.ts does), with an
 * incoming gradient of ones: for an elementwise op that is the elementwise derivative. An arg used
 * twice (mul(x, x)) gets both contributions.
 */
function localDerivative(node: TapeNode, wrt: number, values: Values): Tensor {
  if (values[node.slot].shape.length !== 0 && node.def.kind !== 'elementwise') {
    throw new Error(`d${node.id}/d...: ${node.op} is not elementwise, so its local derivative is a Jacobian, not a value per element`);
  }
  const args = node.args.map((s) => values[s]);
  const out = values[node.slot];
  const parts = node.def.vjp(filled(out.shape, 1), args, out, node.attrs);
  const total = new Float64Array(values[wrt].data.length);
  node.args.forEach((s, j) => {
    if (s === wrt) parts[j].data.forEach((x, i) => (total[i] += x));
  });
  return tensor(values[wrt].shape, total);
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

export function toAnswer(t: Tensor): AnswerValue {
  const xs = Array.from(t.data);
  if (t.shape.length === 0) return xs[0];
  if (t.shape.length === 1) return xs;
  const cols = t.shape[1];
  return Array.from({ length: t.shape[0] }, (_, i) => xs.slice(i * cols, (i + 1) * cols));
}
