/**
 * What an entry of the op catalogue is (src/engine/ops.ts, src/engine/layers/): its arity, attrs,
 * shape rule, cost, forward and vector-Jacobian product side by side (the idea of PyTorch's
 * derivatives.yaml), and, for ops that can take scalars, the scalar kernel the all-scalar loop runs.
 *
 * Kernels work in place on views of the evaluation's arenas: `forward(x, out, attrs)` writes the
 * result into `out`, and `vjp(g, x, y, gx, attrs)` adds g · dy/dx_j into `gx[j]` for every arg (so a
 * value used twice gets both contributions). `attrs` holds the node's attrs in the op's order, each
 * one given or at its default.
 */
import type { Localized } from '../text.js';
import type { Shape, Tensor } from './tensor.js';

export interface AttrDef {
  readonly name: string;
  /**
   * Its value when the node does not give it. Absent: the value of `defaultFrom` if set (a pool's
   * stride is its kernel), else the attr is required (slice's axis, start and end) unless
   * `optional` (sum's axis: absent means every element), in which case kernels see NaN.
   */
  readonly default?: number;
  readonly defaultFrom?: string;
  readonly optional?: boolean;
  /** Must be an integer (stride, padding, kernel, axis, start, end). */
  readonly integer?: boolean;
  /** Inclusive lower bound (stride and kernel 1, padding 0, eps 0). */
  readonly min?: number;
  /** Exclusive upper bound (dropout's p < 1). */
  readonly below?: number;
  readonly description: Localized;
}

/** A node's attrs in its op's `attrs` order: given, defaulted, or NaN for an optional one not given. */
export type Attrs = ArrayLike<number>;

export const opKinds = ['elementwise', 'binary', 'reduction', 'linear_algebra', 'last_axis', 'loss', 'layer'] as const;
export type OpKind = (typeof opKinds)[number];

/**
 * What grading's mistakes need to know of an op: an activation (whose local derivative a student
 * may leave out, or replace by its value), a product (whose other factor a student may drop), a
 * squared error (whose factor 2 a student may lose or double), a power (a square when b = 2), an
 * inverted dropout (whose 1 / (1 - p) scale, attrs[0] = p, a student may leave out) or a max pool
 * (whose gradient a student may send to every element of the window, attrs[0] = kernel).
 */
export type OpRole = 'activation' | 'product' | 'squared_error' | 'power' | 'dropout' | 'max_pool';

/** y = f(a, b) on numbers, with its derivatives from the operands and the result; p is attrs[0]. */
export interface ScalarKernel {
  /** b is a again for a one-arg op. */
  f(a: number, b: number, p: number): number;
  da(a: number, b: number, y: number, p: number): number;
  db(a: number, b: number, y: number, p: number): number;
}

export interface OpDef {
  readonly kind: OpKind;
  /** The args' names. With `variadic`, the op takes `minArgs` or more args, all like `args[0]` (concat). */
  readonly args: readonly string[];
  /** Fewer args than `args.length` accepted (conv2d's b is optional: 2). Absent: exactly `args.length`. */
  readonly minArgs?: number;
  readonly variadic?: boolean;
  readonly attrs: readonly AttrDef[];
  /** What the op computes, in words, as GET /v1/ops shows it. */
  readonly description: Localized;
  readonly formula: Localized;
  readonly derivative: Localized;
  /** Not differentiable at 0: the gradient there follows PyTorch's convention. */
  readonly kinkAtZero?: boolean;
  readonly role?: OpRole;
  /** The result's shape, or a message (in both languages) saying why the arg shapes (or attrs) do not fit. */
  shape(shapes: readonly Shape[], attrs: Attrs): Shape | Localized;
  /** Element operations of one pass (forward or backward): what the work limit counts. */
  cost(shapes: readonly Shape[], out: Shape, attrs: Attrs): number;
  /** Throws OpDomainError for values it refuses (a mask that is not 0/1, an index out of range). */
  forward(x: readonly Tensor[], out: Tensor, attrs: Attrs): void;
  vjp(g: Tensor, x: readonly Tensor[], y: Tensor, gx: readonly Tensor[], attrs: Attrs): void;
  /**
   * Present when all-scalar args make a scalar result: the rule the all-scalar loop runs.
   * (An op without it refuses scalar args in its shape rule.)
   */
  readonly scalar?: ScalarKernel;
}

/** How many args an op takes: at least `min`, at most `max` (Infinity for a variadic op such as concat). */
export function arityOf(def: OpDef): { min: number; max: number } {
  return { min: def.minArgs ?? def.args.length, max: def.variadic ? Number.POSITIVE_INFINITY : def.args.length };
}

/** An input outside an op's domain that PyTorch refuses too (e.g. bce of a p outside [0, 1]). */
export class OpDomainError extends Error {
  constructor(readonly text: Localized) {
    super(text.en);
  }
}
