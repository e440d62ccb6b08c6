/**
 * Forward and backward passes over a tape, in plain loops (no recursion). The forward pass runs
 * the nodes in order and writes each result into its place in the values arena; the backward
 * pass runs them in reverse and adds each arg's vector-Jacobian product into the gradient arena
 * (`+=`, so an id used twice gets both contributions).
 *
 * An all-scalar tape runs the generated scalar loops (scalar-loop.ts). Anything else, and any
 * evaluation with a student's pinned values or a replayed mistake (grading), runs the tensor
 * kernels on views of the arenas. Both read the same op table.
 */
import { specError } from './errors.js';
import { OpDomainError } from './ops.js';
import { scalarBackward, scalarForward, scalarLocal } from './scalar-loop.js';
import { ARG_STRIDE, NODE, type Tape, nodePath, opNameOf, opOf, shapeOf, views } from './tape.js';
import { type Tensor, shapeText, zeros } from './tensor.js';

export interface ForwardOptions {
  /** The arena to start from (its leaves are read; it is not written); the tape's own by default. */
  initial?: Float64Array;
  /** Node values replaced, once computed, by these (grading: a student's own earlier answer). */
  pinned?: ReadonlyMap<number, Float64Array>;
}

/** The values arena: every slot's value at its offset. */
export function forward(tape: Tape, options: ForwardOptions = {}): Float64Array {
  const values = (options.initial ?? tape.initial).slice();
  if (tape.allScalar && !options.pinned?.size) {
    try {
      scalarForward(values, tape.op, tape.args, tape.attr, tape.nodeSlot, tape.nodeCount);
      return values;
    } catch (e) {
      if (!(e instanceof OpDomainError)) throw e;
      // The tensor kernels name the node that failed.
      values.set(options.initial ?? tape.initial);
    }
  }
  forwardTensors(tape, values, options.pinned);
  return values;
}

function forwardTensors(tape: Tape, values: Float64Array, pinned: ForwardOptions['pinned']): void {
  const v = views(tape, values);
  for (let k = 0; k < tape.nodeCount; k++) {
    const s = tape.nodeSlot[k];
    const def = opOf(tape, k);
    const pin = pinned?.get(s);
    if (pin) {
      v[s].data.set(pin);
      continue;
    }
    try {
      def.forward(argViews(tape, v, k), v[s], tape.attr[k]);
    } catch (e) {
      if (e instanceof OpDomainError) throw specError('DOMAIN', nodePath(tape, s), `${opNameOf(tape, k)} '${tape.ids[s]}': ${e.message}`);
      throw e;
    }
  }
}

function argViews(tape: Tape, v: readonly Tensor[], k: number): Tensor[] {
  const arity = opOf(tape, k).args.length;
  const out: Tensor[] = new Array(arity);
  for (let j = 0; j < arity; j++) out[j] = v[tape.args[k * ARG_STRIDE + j]];
  return out;
}

export function assertScalarOutput(tape: Tape): void {
  const shape = shapeOf(tape, tape.output);
  if (shape.length !== 0) {
    throw specError(
      'NON_SCALAR_OUTPUT',
      tape.outputPath,
      `the output '${tape.ids[tape.output]}' has shape ${shapeText(shape)}: gradients need a scalar output (reduce it with sum, mean or a loss)`,
    );
  }
}

/**
 * A replacement of one node's vector-Jacobian product: each arg's contribution g · dy/dx_j, as
 * fresh tensors shaped like the args. Grading uses it to replay a student's mistake.
 */
export type LocalRule = (g: Tensor, x: readonly Tensor[], y: Tensor, p: number) => Tensor[];

/** The replacement for the node in `slot`, if any. */
export type VjpOverride = (slot: number) => LocalRule | undefined;

export interface BackwardOptions {
  /** The slot to differentiate; the output by default. A non-scalar seed is seeded with ones (the gradient of its sum). */
  seed?: number;
  override?: VjpOverride;
  /** Gradients replaced, once complete, by these (grading: a student's own earlier answer). */
  pinned?: ReadonlyMap<number, Float64Array>;
}

/** The node's own vector-Jacobian product as fresh tensors (what an override starts from). */
export function contributions(tape: Tape, k: number, g: Tensor, x: readonly Tensor[], y: Tensor): Tensor[] {
  const gx = x.map((t) => zeros(t.shape));
  opOf(tape, k).vjp(g, x, y, gx, tape.attr[k]);
  return gx;
}

/**
 * The gradients arena: dSeed/dSlot for every slot; slots the seed does not depend on get zeros.
 * Callers that need a scalar output check it first (assertScalarOutput).
 */
export function backward(tape: Tape, values: Float64Array, options: BackwardOptions = {}): Float64Array {
  const { seed = tape.output, override, pinned } = options;
  const grads = new Float64Array(values.length);
  grads.fill(1, tape.offset[seed], tape.offset[seed] + tape.size[seed]);
  // A node passes a gradient on only once one has reached it (from the seed, or pinned), so a
  // node the seed does not depend on adds nothing, not even 0 * Infinity.
  const reach = new Uint8Array(tape.slotCount);
  reach[seed] = 1;
  if (tape.allScalar && !override && !pinned?.size) {
    scalarBackward(values, grads, reach, tape.op, tape.args, tape.attr, tape.nodeSlot, tape.nodeCount);
    return grads;
  }
  const v = views(tape, values);
  const g = views(tape, grads);
  for (let k = tape.nodeCount - 1; k >= 0; k--) {
    const s = tape.nodeSlot[k];
    const pin = pinned?.get(s);
    if (pin) g[s].data.set(pin);
    else if (!reach[s]) continue;
    const x = argViews(tape, v, k);
    const gx = argViews(tape, g, k);
    for (let j = 0; j < x.length; j++) reach[tape.args[k * ARG_STRIDE + j]] = 1;
    const rule = override?.(s);
    if (!rule) {
      opOf(tape, k).vjp(g[s], x, v[s], gx, tape.attr[k]);
      continue;
    }
    rule(g[s], x, v[s], tape.attr[k]).forEach((c, j) => {
      const out = gx[j].data;
      for (let i = 0; i < out.length; i++) out[i] += c.data[i];
    });
  }
  pinned?.forEach((pin, s) => {
    if (tape.kind[s] !== NODE) g[s].data.set(pin);
  });
  return grads;
}

/**
 * Local derivatives of an all-scalar tape at the given values: for the node at evaluation
 * position k, dy/da in `da[k]` and dy/db in `db[k]` (0 for a one-arg op).
 */
export function localDerivatives(tape: Tape, values: Float64Array): { da: Float64Array; db: Float64Array } {
  if (!tape.allScalar) throw new Error('local derivatives are defined here for all-scalar tapes only');
  const da = new Float64Array(tape.nodeCount);
  const db = new Float64Array(tape.nodeCount);
  scalarLocal(values, tape.op, tape.args, tape.attr, tape.nodeSlot, tape.nodeCount, da, db);
  return { da, db };
}
