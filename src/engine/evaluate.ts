/**
 * Forward and backward passes over the tape, in plain loops (no recursion): the forward pass
 * runs the tape in order, the backward pass runs it in reverse and accumulates each arg's
 * vector-Jacobian product (`+=`, so an id used twice gets both contributions).
 */
import { specError } from './errors.js';
import type { CompiledGraph, TapeNode } from './compile.js';
import { OpDomainError, type Vjp } from './ops.js';
import { type Tensor, addTensors, filled, shapeText, zeros } from './tensor.js';

/** Values of every slot (leaves, constants and nodes). */
export type Values = Tensor[];

/**
 * Values of every slot. `pinned` replaces the value of some nodes once computed (grading uses it
 * to carry a student's own earlier answer forward).
 */
export function forward(g: CompiledGraph, leafValues: readonly (Tensor | undefined)[] = g.leafValues, pinned?: ReadonlyMap<number, Tensor>): Values {
  const values = leafValues.slice() as Tensor[];
  for (const node of g.tape) {
    const args = node.args.map((s) => values[s]);
    try {
      values[node.slot] = pinned?.get(node.slot) ?? node.def.forward(args, node.attrs);
    } catch (e) {
      if (e instanceof OpDomainError) throw specError('DOMAIN', node.path, `${node.op} '${node.id}': ${e.message}`);
      throw e;
    }
  }
  return values;
}

export function assertScalarOutput(g: CompiledGraph): void {
  const shape = g.shapes[g.output];
  if (shape.length !== 0) {
    throw specError(
      'NON_SCALAR_OUTPUT',
      g.outputPath,
      `the output '${g.ids[g.output]}' has shape ${shapeText(shape)}: gradients need a scalar output (reduce it with sum, mean or a loss)`,
    );
  }
}

/** Replaces the vector-Jacobian product of some nodes: grading uses it to replay a student's mistake. */
export type VjpOverride = (node: TapeNode) => Vjp | undefined;

export interface BackwardOptions {
  /** The slot to differentiate; the output by default. A non-scalar seed is seeded with ones (the gradient of its sum). */
  seed?: number;
  override?: VjpOverride;
  /** Replaces the gradient of some slots once it is complete (a student's own earlier answer). */
  pinned?: ReadonlyMap<number, Tensor>;
}

/**
 * dSeed/dSlot for every slot; slots the seed does not depend on get zeros. Callers that need a
 * scalar output check it first (assertScalarOutput).
 */
export function backward(g: CompiledGraph, values: Values, options: BackwardOptions = {}): Values {
  const { seed = g.output, override, pinned } = options;
  const grads: (Tensor | undefined)[] = new Array(values.length);
  grads[seed] = filled(g.shapes[seed], 1);
  for (let k = g.tape.length - 1; k >= 0; k--) {
    const node = g.tape[k];
    const gy = pinned?.get(node.slot) ?? grads[node.slot];
    if (!gy) continue;
    const vjp = override?.(node) ?? node.def.vjp;
    const gx = vjp(gy, node.args.map((s) => values[s]), values[node.slot], node.attrs);
    node.args.forEach((s, j) => {
      if (g.kinds[s] === 'const') return;
      const prev = grads[s];
      grads[s] = prev ? addTensors(prev, gx[j]) : gx[j];
    });
  }
  for (let s = 0; s < grads.length; s++) grads[s] = pinned?.get(s) ?? grads[s] ?? zeros(g.shapes[s]);
  return grads as Values;
}
