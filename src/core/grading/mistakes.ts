/**
 * The common mistakes of hand-computed backprop, each defined as one change to the computation
 * (one op's local derivative replaced, or the update's sign), so that they are found on any
 * graph rather than by special cases per exercise. Which ops a mistake applies to comes from the
 * op table's roles (activation, product, squared error, power). A wrong answer that equals the
 * expected value recomputed with a mistake applied gets that mistake's diagnosis.
 */
import { type LocalRule, contributions } from '../../engine/evaluate.js';
import { type OpRole, opsWithRole } from '../../engine/ops.js';
import { ARG_STRIDE, CONST, type Tape, opOf } from '../../engine/tape.js';
import { type Tensor, tensor } from '../../engine/tensor.js';
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
  'not_finite',
] as const;
export type DiagnosisCode = (typeof diagnosisCodes)[number];

const names = (role: OpRole): string => opsWithRole(role).join(', ');

/** The precise definition of each diagnosis, as GET /v1/ops documents it. */
export const DIAGNOSIS_DEFINITIONS: Record<DiagnosisCode, string> = {
  sign_error: 'The answer equals the expected value with its sign flipped, or the value obtained when one local derivative along the chain has its sign flipped.',
  missing_activation_derivative: `The answer equals the value obtained when one activation's local derivative (${names('activation')}) is taken as 1: the gradient passed through f unchanged.`,
  activation_instead_of_derivative: "The answer equals the value obtained when one activation's local derivative f'(z) is replaced by its value f(z).",
  missing_input_factor: `The answer equals the value obtained when the local derivative of one product (${names('product')}) with respect to one factor leaves out the other factor (dL/dw = dL/du instead of dL/du * x).`,
  loss_factor: `The answer equals the value obtained when the local derivative of one squared error (${names('squared_error')}, or ${names('power')} with an exponent of 2) is doubled or halved: the factor 2 of the square lost or kept twice.`,
  update_wrong_direction: 'A step answer equals the param moved along the gradient instead of against it (w + lr * dL/dw).',
  rounding:
    "The answer agrees, within one unit of its own last written digit, with the expected value or with the value recomputed from the student's earlier answers (0.5 for 0.45017, 0.3 for 0.33427, '0,11' for 0.11142, 2.7 for 2.7183): rounded too coarsely. Or it equals, at its tolerance, the value recomputed from the student's rounded earlier answers (accepted within their tolerance though not exact, or themselves a rounding): rounding early carried into this step. The written digits are the answer's text, or for a JSON number its shortest round-trip form (String(x)); in a whole number without a decimal point, trailing zeros are placeholders (300 is rounded to the hundreds); a fraction is exact and never a rounding. When the unit of the last digit is larger than the value itself, the answer must be the value rounded to that unit, and not 0 (1 for 0.96 is a rounding, 1 or 0 for 0.45 is not). A mistake whose recomputation the answer matches at its tolerance, or rounds more closely, is diagnosed instead.",
  unparseable:
    "The answer is not a number: write a decimal with '.' or ',' (0.25 or 0,25), an exponent (2.5e-3), or a fraction (1/4). A number that is not finite is unparseable too: text such as '1e999', 'Infinity', 'inf' or 'NaN', or a JSON number beyond float64 (1e999).",
  not_finite:
    "The value the answer is compared with is not finite (it overflows, or is NaN), and no answer is credited against such a value: either the expected value itself, or the value recomputed from the student's earlier answers (follow-through), which those answers make overflow. A mistake or a rounding that explains the answer is diagnosed instead.",
};

/** An alternative expected value: the computation with one mistake applied. */
export interface Variant {
  code: Exclude<DiagnosisCode, 'rounding' | 'unparseable' | 'not_finite'>;
  /** The slot of the node whose local derivative was changed, for the feedback sentence. */
  node?: number;
  /** Which of its args that local derivative is taken with respect to (all of them when absent). */
  arg?: number;
  scenario?: Scenario;
  /** A change of the answer itself rather than the computation. */
  transform?: (expected: Tensor) => Tensor;
}

/** Per-node mistakes are tried on graphs up to this size; beyond it only the whole-answer ones. */
export const MAX_NODES_FOR_NODE_MISTAKES = 200;

const negated = (t: Tensor): Tensor => tensor(t.shape, t.data.map((v) => -v));

/** Replaces the local rule of one node: the other nodes keep theirs. */
const at = (slot: number, rule: LocalRule): Scenario => ({ override: (s) => (s === slot ? rule : undefined) });

export function mistakeVariants(tape: Tape, target: Target): Variant[] {
  const variants: Variant[] = [];
  if (target.kind === 'step') variants.push({ code: 'update_wrong_direction', scenario: { updateSign: -1 } });
  variants.push({ code: 'sign_error', transform: negated });
  const throughGradients = target.kind === 'derivative' || target.kind === 'step';
  if (!throughGradients || tape.nodeCount > MAX_NODES_FOR_NODE_MISTAKES) return variants;

  for (let k = 0; k < tape.nodeCount; k++) {
    const node = tape.nodeSlot[k];
    const def = opOf(tape, k);
    const arg = (j: number): number => tape.args[k * ARG_STRIDE + j];
    const own = (g: Tensor, x: readonly Tensor[], y: Tensor): Tensor[] => contributions(tape, k, g, x, y);
    /** The node's own local rule, with what it passes back to arg j replaced. */
    const replacing = (j: number, passed: (g: Tensor, x: readonly Tensor[], y: Tensor, own: Tensor) => Tensor): Scenario =>
      at(node, (g, x, y) => {
        const out = own(g, x, y);
        out[j] = passed(g, x, y, out[j]);
        return out;
      });
    for (let j = 0; j < def.args.length; j++) {
      variants.push({ code: 'sign_error', node, arg: j, scenario: replacing(j, (_g, _x, _y, t) => negated(t)) });
    }
    if (def.role === 'activation') {
      variants.push({ code: 'missing_activation_derivative', node, arg: 0, scenario: at(node, (g) => [tensor(g.shape, g.data.slice())]) });
      variants.push({ code: 'activation_instead_of_derivative', node, arg: 0, scenario: at(node, (g, _x, y) => [tensor(g.shape, g.data.map((v, i) => v * y.data[i]))]) });
    }
    if (def.role === 'product') {
      // The factors are args 0 and 1 (mul, matmul; linear's x and W).
      for (const j of [0, 1]) {
        const other = 1 - j;
        // Leaving out a literal constant (the 0.5 of 0.5 * e^2) is a loss factor, not an input factor.
        if (tape.kind[arg(other)] === CONST) continue;
        variants.push({
          code: 'missing_input_factor',
          node,
          arg: j,
          scenario: replacing(j, (g, x, y) => own(g, x.map((t, i) => (i === other ? tensor(t.shape, new Float64Array(t.data.length).fill(1)) : t)), y)[j]),
        });
      }
    }
    const isSquare = def.role === 'squared_error' || (def.role === 'power' && tape.kind[arg(1)] === CONST && tape.initial[tape.offset[arg(1)]] === 2);
    if (isSquare) {
      for (const factor of [2, 0.5]) {
        variants.push({ code: 'loss_factor', node, scenario: at(node, (g, x, y) => own(tensor(g.shape, g.data.map((v) => v * factor)), x, y)) });
      }
    }
  }
  return variants;
}
