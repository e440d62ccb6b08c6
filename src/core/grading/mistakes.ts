/**
 * The common mistakes of hand-computed backprop, each defined as one change to the computation
 * (one op's local derivative replaced, or the update's sign), so that they are found on any
 * graph rather than by special cases per exercise. A wrong answer that equals the expected value
 * recomputed with a mistake applied gets that mistake's diagnosis.
 */
import type { TapeNode } from '../../engine/compile.js';
import type { Vjp } from '../../engine/ops.js';
import type { Tensor } from '../../engine/tensor.js';
import { filled, map, tensor } from '../../engine/tensor.js';
import type { CompiledGraph } from '../../engine/compile.js';
import type { Target } from './keys.js';
import type { Scenario } from './scenario.js';

export const diagnosisCodes = [
  'sign_error',
  'missing_activation_derivative',
  'activation_instead_of_derivative',
  'missing_input_factor',
  'loss_factor',
  'update_wrong_direction',
  'rounding',
  'unparseable',
] as const;
export type DiagnosisCode = (typeof diagnosisCodes)[number];

/** The precise definition of each diagnosis, as GET /v1/ops documents it. */
export const DIAGNOSIS_DEFINITIONS: Record<DiagnosisCode, string> = {
  sign_error: 'The answer equals the expected value with its sign flipped, or the value obtained when one local derivative along the chain has its sign flipped.',
  missing_activation_derivative: "The answer equals the value obtained when one activation's local derivative (sigmoid, tanh, relu, leaky_relu, softplus, softmax) is taken as 1: the gradient passed through f unchanged.",
  activation_instead_of_derivative: "The answer equals the value obtained when one activation's local derivative f'(z) is replaced by its value f(z).",
  missing_input_factor: 'The answer equals the value obtained when the local derivative of one product (mul, matmul, linear) with respect to one factor leaves out the other factor (dL/dw = dL/du instead of dL/du * x).',
  loss_factor: 'The answer equals the value obtained when the local derivative of one squared error (half_squared_error, mse, square, or a power of 2) is doubled or halved: the factor 2 of the square lost or kept twice.',
  update_wrong_direction: 'A step answer equals the param moved along the gradient instead of against it (w + lr * dL/dw).',
  rounding: 'The answer misses the tolerance but is within a tolerance ten times looser (one significant figure or decimal fewer): rounded too coarsely, or rounded too early in the chain.',
  unparseable: "The answer is not a number: write a decimal with '.' or ',' (0.25 or 0,25), an exponent (2.5e-3), or a fraction (1/4).",
};

/** An alternative expected value: the computation with one mistake applied. */
export interface Variant {
  code: Exclude<DiagnosisCode, 'rounding' | 'unparseable'>;
  /** The node whose local derivative was changed, for the feedback sentence. */
  node?: TapeNode;
  scenario?: Scenario;
  /** A change of the answer itself rather than the computation. */
  transform?: (expected: Tensor) => Tensor;
}

const ACTIVATIONS = new Set(['sigmoid', 'tanh', 'relu', 'leaky_relu', 'softplus', 'softmax']);
const SQUARED_ERRORS = new Set(['half_squared_error', 'mse', 'square']);
/** Per-node mistakes are tried on graphs up to this size; beyond it only the whole-answer ones. */
export const MAX_NODES_FOR_NODE_MISTAKES = 200;

/** Replaces the vjp of one node: the other nodes keep theirs. */
const at = (node: TapeNode, vjp: Vjp): Scenario => ({ override: (n) => (n === node ? vjp : undefined) });

/** The node's vjp with the gradient of arg `j` computed as if the other factors were 1. */
function withoutFactor(node: TapeNode, j: number): Vjp {
  // mul and matmul: a product of args 0 and 1; linear(x, W, b): x and W are the factors.
  const other = j === 0 ? 1 : 0;
  return (g, x, y, attrs) => {
    const out = node.def.vjp(g, x, y, attrs);
    const ones = x.map((t, k) => (k === other ? filled(t.shape, 1) : t));
    out[j] = node.def.vjp(g, ones, y, attrs)[j];
    return out;
  };
}

const scaled = (node: TapeNode, factor: number): Vjp => (g, x, y, attrs) =>
  node.def.vjp(map(g, (v) => v * factor), x, y, attrs);

export function mistakeVariants(g: CompiledGraph, target: Target): Variant[] {
  const variants: Variant[] = [];
  if (target.kind === 'step') variants.push({ code: 'update_wrong_direction', scenario: { updateSign: -1 } });
  variants.push({ code: 'sign_error', transform: (e) => map(e, (v) => -v) });
  const throughGradients = target.kind === 'derivative' || target.kind === 'step';
  if (!throughGradients || g.tape.length > MAX_NODES_FOR_NODE_MISTAKES) return variants;

  for (const node of g.tape) {
    node.args.forEach((_, j) => {
      variants.push({
        code: 'sign_error',
        node,
        scenario: at(node, (gy, x, y, attrs) => {
          const out = node.def.vjp(gy, x, y, attrs);
          out[j] = map(out[j], (v) => -v);
          return out;
        }),
      });
    });
    if (ACTIVATIONS.has(node.op)) {
      variants.push({ code: 'missing_activation_derivative', node, scenario: at(node, (gy) => [gy]) });
      variants.push({ code: 'activation_instead_of_derivative', node, scenario: at(node, (gy, _x, y) => [tensor(gy.shape, gy.data.map((v, i) => v * y.data[i]))]) });
    }
    if (node.op === 'mul' || node.op === 'matmul' || node.op === 'linear') {
      for (const j of [0, 1]) {
        // Leaving out a literal constant (the 0.5 of 0.5 * e^2) is a loss factor, not an input factor.
        if (g.kinds[node.args[j === 0 ? 1 : 0]] !== 'const') variants.push({ code: 'missing_input_factor', node, scenario: at(node, withoutFactor(node, j)) });
      }
    }
    const isSquare = SQUARED_ERRORS.has(node.op) || (node.op === 'pow' && g.kinds[node.args[1]] === 'const' && g.leafValues[node.args[1]]!.data[0] === 2);
    if (isSquare) {
      variants.push({ code: 'loss_factor', node, scenario: at(node, scaled(node, 2)) });
      variants.push({ code: 'loss_factor', node, scenario: at(node, scaled(node, 0.5)) });
    }
  }
  return variants;
}
