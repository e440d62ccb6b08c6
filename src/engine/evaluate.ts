/**
 * Forward and backward passes over a tape, in plain loops (no recursion). The forward pass runs
 * the nodes in order and writes each result into its place in the values arena; the backward
 * pass runs them in reverse and adds each arg's vector-Jacobian product into the gradient arena
 * (`+=`, so an id used twice gets both contributions).
 *
 * An all-scalar tape runs the generated scalar loops (scalar-loop.ts). Anything else runs node
 * by node (forwardNode, backwardNode): a node of one-element values on its scalar kernel, any
 * other on its tensor kernels, which read and write views of the arenas. All of them read the
 * same op table. A caller that changes a pass (some values or gradients set, some node's
 * vector-Jacobian product replaced) runs its own loop of those two steps.
 */
import { quote, say } from '../text.js';
import { specError } from './errors.js';
import { type Attrs, type OpDef, OpDomainError } from './op-def.js';
import { scalarBackward, scalarForward, scalarLocal } from './scalar-loop.js';
import { type Tape, attrsOf, firstAttrOf, nodePath, opNameOf, opOf, shapeOf, view } from './tape.js';
import { type Tensor, shapeText, zeros } from './tensor.js';

export interface ForwardOptions {
  /** The arena to start from (its leaves are read; it is not written); the tape's own by default. */
  initial?: Float64Array;
}

/** The values arena: every slot's value at its offset. */
export function forward(tape: Tape, options: ForwardOptions = {}): Float64Array {
  const values = (options.initial ?? tape.initial).slice();
  if (tape.allScalar) {
    try {
      scalarForward(values, tape.op, tape.args, tape.argAt, tape.attrs, tape.attrAt, tape.nodeSlot, tape.nodeCount);
      return values;
    } catch (e) {
      if (!(e instanceof OpDomainError)) throw e;
      // The tensor kernels name the node that failed.
      values.set(options.initial ?? tape.initial);
    }
  }
  for (let k = 0; k < tape.nodeCount; k++) forwardNode(tape, values, k);
  return values;
}

/**
 * What a node on the tensor kernels costs a pass beyond its elements (views of its args and
 * result, the kernel's call and set-up), in element operations as the ops' costs count them:
 * about 300 ns, where an element operation of the scalar loops takes about 9 ns (a gradcheck of
 * a 4,000-node chain: 0.11 s on scalars, 1.6 s on [2]-shaped tensors). Compile adds it to the
 * work of every node that does not run on its scalar kernel, so that the work limit bounds time
 * on graphs of many small tensors too.
 */
export const TENSOR_NODE_COST = 32;

/**
 * Whether the node at position k has one element in each arg and in its result, and a scalar
 * kernel: such a node is computed on the arena's numbers directly, with the same arithmetic as
 * its tensor kernels (each of the op families reduces to its scalar rule on one element), and
 * without a view or an array per pass.
 */
function isUnit(tape: Tape, k: number, def: OpDef): boolean {
  if (!def.scalar || tape.size[tape.nodeSlot[k]] !== 1) return false;
  for (let e = tape.argAt[k]; e < tape.argAt[k + 1]; e++) if (tape.size[tape.args[e]] !== 1) return false;
  return true;
}

/** Views of the node's args in an arena: as many as the node was given. */
function argViews(tape: Tape, arena: Float64Array, k: number): Tensor[] {
  const from = tape.argAt[k],
    count = tape.argAt[k + 1] - from;
  const out: Tensor[] = new Array(count);
  for (let j = 0; j < count; j++) out[j] = view(tape, arena, tape.args[from + j]);
  return out;
}

/**
 * One node of the forward pass, the node at position k of the evaluation order: its value
 * written into the values arena, from its args' values there. A domain error names the node.
 */
export function forwardNode(tape: Tape, values: Float64Array, k: number): void {
  const { offset, args } = tape;
  const s = tape.nodeSlot[k];
  const def = opOf(tape, k);
  try {
    if (isUnit(tape, k, def)) {
      const at = tape.argAt[k];
      const a = values[offset[args[at]]],
        b = def.args.length === 2 ? values[offset[args[at + 1]]] : a;
      values[offset[s]] = def.scalar!.f(a, b, firstAttrOf(tape, k));
    } else def.forward(argViews(tape, values, k), view(tape, values, s), attrsOf(tape, k));
  } catch (e) {
    if (e instanceof OpDomainError) {
      const node = `${opNameOf(tape, k)} '${quote(tape.ids[s]!)}'`;
      throw specError('DOMAIN', nodePath(tape, s), say(`${node}: ${e.text.en}`, `${node}: ${e.text['pt-BR']}`));
    }
    throw e;
  }
}

export function assertScalarOutput(tape: Tape): void {
  const shape = shapeOf(tape, tape.output);
  if (shape.length !== 0) {
    throw specError(
      'NON_SCALAR_OUTPUT',
      tape.outputPath,
      say(
        `the output '${quote(tape.ids[tape.output]!)}' has shape ${shapeText(shape)}: gradients need a scalar output (reduce it with sum, mean or a loss)`,
        `a saída '${quote(tape.ids[tape.output]!)}' tem forma ${shapeText(shape)}: os gradientes precisam de uma saída escalar (reduza-a com sum, mean ou uma perda)`,
      ),
    );
  }
}

/**
 * A node's vector-Jacobian product written as a function, to run in place of its op's: each
 * arg's contribution g · dy/dx_j, as fresh tensors shaped like the args.
 */
export type LocalRule = (g: Tensor, x: readonly Tensor[], y: Tensor, attrs: Attrs) => Tensor[];

export interface BackwardOptions {
  /** The slot to differentiate; the output by default. A non-scalar seed is seeded with ones (the gradient of its sum). */
  seed?: number;
}

/** The node's own vector-Jacobian product as fresh tensors (what a LocalRule may start from). */
export function contributions(tape: Tape, k: number, g: Tensor, x: readonly Tensor[], y: Tensor): Tensor[] {
  const gx = x.map((t) => zeros(t.shape));
  opOf(tape, k).vjp(g, x, y, gx, attrsOf(tape, k));
  return gx;
}

/**
 * The gradients arena: dSeed/dSlot for every slot; slots the seed does not depend on get zeros.
 * Callers that need a scalar output check it first (assertScalarOutput).
 */
export function backward(tape: Tape, values: Float64Array, options: BackwardOptions = {}): Float64Array {
  const { seed = tape.output } = options;
  const grads = new Float64Array(values.length);
  grads.fill(1, tape.offset[seed], tape.offset[seed] + tape.size[seed]);
  // A node passes a gradient on only once one has reached it, so a node the seed does not
  // depend on adds nothing, not even 0 * Infinity.
  const reach = new Uint8Array(tape.slotCount);
  reach[seed] = 1;
  if (tape.allScalar) {
    const { op, args, argAt, attrs, attrAt, nodeSlot, nodeCount } = tape;
    scalarBackward(values, grads, reach, op, args, argAt, attrs, attrAt, nodeSlot, nodeCount);
    return grads;
  }
  const { args, argAt } = tape;
  for (let k = tape.nodeCount - 1; k >= 0; k--) {
    if (!reach[tape.nodeSlot[k]]) continue;
    for (let e = argAt[k]; e < argAt[k + 1]; e++) reach[args[e]] = 1;
    backwardNode(tape, values, grads, k);
  }
  return grads;
}

/**
 * One node of the backward pass, the node at position k of the evaluation order, once its
 * gradient is complete: g · dy/dx_j added into the gradient of each arg x_j (`+=`), by its op's
 * vector-Jacobian product, or by `rule` in its place.
 */
export function backwardNode(tape: Tape, values: Float64Array, grads: Float64Array, k: number, rule?: LocalRule): void {
  const { offset, args } = tape;
  const s = tape.nodeSlot[k];
  const def = opOf(tape, k);
  if (rule) {
    const gx = argViews(tape, grads, k);
    rule(view(tape, grads, s), argViews(tape, values, k), view(tape, values, s), attrsOf(tape, k)).forEach((c, j) => {
      const out = gx[j].data;
      for (let i = 0; i < out.length; i++) out[i] += c.data[i];
    });
  } else if (isUnit(tape, k, def)) {
    const binary = def.args.length === 2,
      at = tape.argAt[k],
      p = firstAttrOf(tape, k);
    const i = offset[args[at]],
      j = binary ? offset[args[at + 1]] : i;
    const gy = grads[offset[s]],
      a = values[i],
      b = values[j],
      y = values[offset[s]];
    grads[i] += gy * def.scalar!.da(a, b, y, p);
    if (binary) grads[j] += gy * def.scalar!.db(a, b, y, p);
  } else
    def.vjp(
      view(tape, grads, s),
      argViews(tape, values, k),
      view(tape, values, s),
      argViews(tape, grads, k),
      attrsOf(tape, k),
    );
}

/**
 * Local derivatives of an all-scalar tape at the given values: for the node at evaluation
 * position k, dy/da in `da[k]` and dy/db in `db[k]` (0 for a one-arg op).
 */
export function localDerivatives(tape: Tape, values: Float64Array): { da: Float64Array; db: Float64Array } {
  if (!tape.allScalar) throw new Error('local derivatives are defined here for all-scalar tapes only');
  const da = new Float64Array(tape.nodeCount);
  const db = new Float64Array(tape.nodeCount);
  const { op, args, argAt, attrs, attrAt, nodeSlot, nodeCount } = tape;
  scalarLocal(values, op, args, argAt, attrs, attrAt, nodeSlot, nodeCount, da, db);
  return { da, db };
}
