/**
 * What an explanation is made of: ordered steps, each a formula in the student's notation with
 * the numbers put in, as text and as LaTeX, and its exact numbers in fields of its own. The text
 * and LaTeX round numbers for reading; `value` and the other numeric fields do not.
 */
import type { WireNumber, WireValue } from '../../engine/tensor.js';
import type { Locale } from '../../text.js';

export const phases = ['forward', 'local', 'backward', 'update', 'gradcheck'] as const;
export type Phase = (typeof phases)[number];

interface StepBase {
  /**
   * What the step computes, as an answer key of POST /v1/grade: `z` (a value), `dy_hat/dz` (a
   * local derivative), `dL/dz` (a gradient), `step(w)` (an update), `fd(dL/dw)` (a finite difference).
   */
  key: string;
  /** The id the step is about: the node computed, the id whose gradient it is, the param updated or nudged. */
  id: string;
  /** In a network, the layer (1 for the first) the id belongs to. */
  layer?: number;
  /** The formula in symbols only: `z = u + b`, `dL/dz = dL/dy_hat · dy_hat/dz`. */
  formula: { text: string; latex: string };
  /** The whole line: the formula, the numbers put in, the result (rounded). */
  text: string;
  latex: string;
  /** The exact result. */
  value: WireValue;
  /** Words about the step, in the explanation's language, where the formula alone does not say it. */
  note?: string;
}

export interface ForwardStep extends StepBase {
  phase: 'forward';
}

export interface LocalStep extends StepBase {
  phase: 'local';
  of: string;
  wrt: string;
}

/** One node's part of a gradient: what arrives from above (dL/dfrom) times the local derivative (dfrom/did). */
export interface Incoming {
  from: string;
  gradient: WireValue;
  /** dfrom/did at the forward values, where it is a number (scalar nodes). */
  local?: WireNumber;
  /** What this node passes back: gradient · local (for tensors, the op's rule; shaped like the id). */
  contribution: WireValue;
}

export interface BackwardStep extends StepBase {
  phase: 'backward';
  incoming: Incoming[];
}

export interface UpdateStep extends StepBase {
  phase: 'update';
  before: WireValue;
  gradient: WireValue;
  learningRate: number;
}

export interface GradcheckStep extends StepBase {
  phase: 'gradcheck';
  /** The element nudged: [] for a scalar, [i] or [i, j]. */
  index: number[];
  epsilon: number;
  lossPlus: WireNumber;
  lossMinus: WireNumber;
  /** (lossPlus − lossMinus) / 2ε, the step's value. */
  numeric: WireNumber;
  /** Backpropagation's gradient of the same element. */
  analytic: WireNumber;
  absError: WireNumber;
  pass: boolean;
}

export type Step = ForwardStep | LocalStep | BackwardStep | UpdateStep | GradcheckStep;

export interface Given {
  id: string;
  kind: 'input' | 'param';
  value: WireValue;
}

export interface Explanation {
  output: string;
  locale: Locale;
  /** The leaves as given. */
  given: Given[];
  steps: Step[];
  /** The whole explanation as Markdown, in the explanation's language. */
  markdown: string;
}
