/**
 * The compiled form of every spec: slots and nodes in typed arrays, values in one arena.
 *
 * Slots are the leaves (inputs and params, in the order given), then the nodes (in the order
 * written), then the literal constants of args. Each slot has a kind, a shape, and an offset and
 * size in the arena, a Float64Array holding every slot's elements; `initial` is that arena with
 * the leaves and constants filled in. Nodes are listed in evaluation (topological) order, each
 * with its op code, its args (slots) and its attrs (numbers), both flat with an offset per node:
 * node k's args are `args[argAt[k]]` to `args[argAt[k + 1] - 1]`, as many as the node gave (conv2d
 * takes 2 or 3, concat 2 or more), and its attrs likewise through `attrAt`, one per attr of its op
 * in the op's order (given, defaulted, or NaN for an optional attr not given).
 *
 * A tape is plain data (typed arrays, strings, small objects): it has no object per node, it is
 * never mutated after compile, and it can be posted to a worker thread as it is. Outside the
 * engine the layout (argAt, offsets, sizes) is read only through the helpers below
 * (test/engine/sealed.test.ts).
 */
import { findId } from './id-index.js';
import type { OpDef } from './op-def.js';
import { type OpName, opList, opNames } from './ops.js';
import type { Shape, Tensor } from './tensor.js';
import { type Localized, say } from '../text.js';

export const INPUT = 0;
export const PARAM = 1;
export const CONST = 2;
export const NODE = 3;

/** Dims per slot in `dims`: the highest rank of a value. */
export const DIM_STRIDE = 4;

/** A place in a spec's text, both counted from 1. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** `line 2, column 5` in each language, written only when a message says where. */
export const positionText = ({ line, column }: TextPosition): Localized =>
  say(`line ${line}, column ${column}`, `linha ${line}, coluna ${column}`);

/** Where each node was written, for error messages: `graph.nodes[3]`, `graph.expr` (line 2, column 5), `network.layers[0]`. */
export type NodePaths =
  | { readonly kind: 'indexed'; readonly prefix: string }
  | { readonly kind: 'text'; readonly path: string; readonly where: readonly TextPosition[] }
  | { readonly kind: 'each'; readonly paths: readonly string[] };

/**
 * The ids of a network's layer k: z_k, the layer's op, and a_k, after its activation; the params
 * the kind has (W_k and b_k for dense and conv2d, whose b may be absent; gamma_k and beta_k for the
 * norms) and dropout's mask_k, an input.
 */
export interface LayerIds {
  /** As the spec names it: dense, conv2d, max_pool2d, ... */
  readonly kind: string;
  readonly z: string;
  readonly a: string;
  readonly W?: string;
  readonly b?: string;
  readonly gamma?: string;
  readonly beta?: string;
  readonly mask?: string;
}

/** The params of a layer, by the name its report gives their gradients (`dL/dW`, `dL/dgamma`). */
export const layerParamNames = ['W', 'b', 'gamma', 'beta'] as const;

/** Every id of a layer: its leaves and its two nodes. */
export const layerIdList = (ids: LayerIds): string[] =>
  [ids.mask, ...layerParamNames.map((name) => ids[name]), ids.z, ids.a].filter((id): id is string => id !== undefined);

export interface Tape {
  readonly slotCount: number;
  readonly leafCount: number;
  readonly nodeCount: number;
  /** Per slot: the id, or null for a literal constant. */
  readonly ids: readonly (string | null)[];
  /** The slot of each id (id-index.ts). */
  readonly idTable: Int32Array;
  /** Per slot: INPUT, PARAM, CONST or NODE. */
  readonly kind: Uint8Array;
  /** Per slot: rank, then its dims (`dims[DIM_STRIDE * s + i]` for i below the rank; 1 beyond it). */
  readonly rank: Uint8Array;
  readonly dims: Int32Array;
  readonly offset: Int32Array;
  readonly size: Int32Array;
  /** The arena with the leaves and constants written in (nodes 0): where every evaluation starts. */
  readonly initial: Float64Array;
  /** Per node, in evaluation order. */
  readonly nodeSlot: Int32Array;
  readonly op: Uint8Array;
  /** The arg slots of every node, node k's from `argAt[k]` (nodeCount + 1 offsets). */
  readonly args: Int32Array;
  readonly argAt: Int32Array;
  /** The attrs of every node, node k's from `attrAt[k]` (nodeCount + 1 offsets). */
  readonly attrs: Float64Array;
  readonly attrAt: Int32Array;
  /** Every slot holds one number: evaluation runs the all-scalar loop. */
  readonly allScalar: boolean;
  /** Element operations of one forward (or backward) pass, from the ops' costs. */
  readonly passWork: number;
  readonly output: number;
  /** Where `output` was set, for errors about it. */
  readonly outputPath: string;
  /** Slots of the params, in the order given. */
  readonly params: Int32Array;
  readonly paths: NodePaths;
  /** For a network spec: the ids of each layer. */
  readonly layers?: readonly LayerIds[];
  /**
   * For expr text, by node (slot - leafCount): 1 where the node is a part of a statement with a
   * generated id, such as `(y_hat - y)` in `L = 0.5*(y_hat - y)^2`. Explanations write it inside
   * its statement, as the student did.
   */
  readonly subexpressions?: Uint8Array;
}

const SCALAR: Shape = Object.freeze([]) as Shape;

export function shapeOf(tape: Tape, slot: number): Shape {
  const rank = tape.rank[slot];
  if (rank === 0) return SCALAR;
  const at = DIM_STRIDE * slot,
    dims = tape.dims;
  if (rank === 1) return [dims[at]];
  if (rank === 2) return [dims[at], dims[at + 1]];
  return Array.from(dims.subarray(at, at + rank));
}

/** A view of one slot's elements in an arena (values or gradients): writes go to the arena. */
export function view(tape: Tape, arena: Float64Array, slot: number): Tensor {
  const at = tape.offset[slot];
  return { shape: shapeOf(tape, slot), data: arena.subarray(at, at + tape.size[slot]) };
}

/** A copy of one slot's elements, that outlives the arena's next evaluation. */
export function copyOf(tape: Tape, arena: Float64Array, slot: number): Tensor {
  const at = tape.offset[slot];
  return { shape: shapeOf(tape, slot), data: arena.slice(at, at + tape.size[slot]) };
}

/** The number of elements of a slot. */
export const sizeOfSlot = (tape: Tape, slot: number): number => tape.size[slot];

/** A scalar slot's value in an arena (or a tensor's first element); a literal's is in `tape.initial`. */
export const scalarOf = (tape: Tape, arena: Float64Array, slot: number): number => arena[tape.offset[slot]];

/** One slot's elements in an arena, flat, as a view that writes through. */
export function elementsOf(tape: Tape, arena: Float64Array, slot: number): Float64Array {
  const at = tape.offset[slot];
  return arena.subarray(at, at + tape.size[slot]);
}

/**
 * Where a slot's elements start in every arena (values, gradients, initial): its element i is at
 * `startOf(tape, slot) + i`. For loops over many slots that must not allocate a view per slot.
 */
export const startOf = (tape: Tape, slot: number): number => tape.offset[slot];

/** The j-th arg slot of the node at position k of the evaluation order (j below its arg count). */
export const argOf = (tape: Tape, k: number, j: number): number => tape.args[tape.argAt[k] + j];

/** How many args the node at position k was given (its op's arity, or conv2d's 2 or 3, concat's 2 or more). */
export const argCountOf = (tape: Tape, k: number): number => tape.argAt[k + 1] - tape.argAt[k];

export const opOf = (tape: Tape, k: number): OpDef => opList[tape.op[k]];
export const opNameOf = (tape: Tape, k: number): OpName => opNames[tape.op[k]];

/** The arg slots of the node at position k of the evaluation order. */
export function argsOf(tape: Tape, k: number): number[] {
  return Array.from(tape.args.subarray(tape.argAt[k], tape.argAt[k + 1]));
}

/** The attrs of the node at position k, in its op's order (a view: kernels read it, nobody writes it). */
export const attrsOf = (tape: Tape, k: number): Float64Array => tape.attrs.subarray(tape.attrAt[k], tape.attrAt[k + 1]);

/** The first attr of the node at position k, what a scalar kernel takes as p (leaky_relu's alpha); 0 for an op without attrs. */
export const firstAttrOf = (tape: Tape, k: number): number =>
  tape.attrAt[k] < tape.attrAt[k + 1] ? tape.attrs[tape.attrAt[k]] : 0;

/** Where the i-th node of a draft was written. */
export function pathOf(paths: NodePaths, i: number): string {
  if (paths.kind === 'indexed') return `${paths.prefix}[${i}]`;
  return paths.kind === 'text' ? paths.path : paths.paths[i];
}

/** Where the node in `slot` was written. */
export const nodePath = (tape: Tape, slot: number): string => pathOf(tape.paths, slot - tape.leafCount);

/** A tape's size as the service's metrics count it: its nodes, and the elements of all its slots. */
export interface TapeSize {
  nodes: number;
  elements: number;
}

export const tapeSize = (tape: Tape): TapeSize => ({ nodes: tape.nodeCount, elements: tape.initial.length });

/** The slot of an id, or undefined. */
export function slotOf(tape: Tape, id: string): number | undefined {
  const slot = findId(tape.idTable, tape.ids, id);
  return slot < 0 ? undefined : slot;
}

/** Position in the evaluation order of the node in `slot`. */
export function positionOf(tape: Tape, slot: number): number {
  return tape.nodeSlot.indexOf(slot);
}

/** The slots in the order responses list their ids: leaves, then nodes as written. */
export function reportOrder(tape: Tape): number[] {
  const count = tape.leafCount + tape.nodeCount;
  // Sized once: pushing a million slots grows and copies the array about twenty times.
  const out = new Array<number>(count);
  for (let s = 0; s < count; s++) out[s] = s;
  return out;
}
