/**
 * The one internal graph that every spec compiles to: slots (leaves, literal constants and
 * nodes) with their shapes, and a tape of nodes in topological order. Compiling validates
 * everything that can be known before evaluation (ids, ops, arity, attrs, cycles, shapes) and
 * reports it with the path of the offending field. No recursion anywhere: a graph of a million
 * nodes compiles as well as a small one.
 */
import { type FieldProblem, SpecError, specError } from './errors.js';
import { nearestOpNames } from './suggest.js';
import { type Attrs, type OpDef, type OpName, lookupOp } from './ops.js';
import { type Shape, type Tensor, fromJson, scalar } from './tensor.js';

export const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type SlotKind = 'input' | 'param' | 'const' | 'node';

export interface TapeNode {
  readonly slot: number;
  readonly id: string;
  readonly op: OpName;
  readonly def: OpDef;
  /** Slot of each arg; literal numbers have slots of kind 'const'. */
  readonly args: readonly number[];
  readonly attrs: Attrs;
  /** Where the node was written, for error messages: `graph.nodes[3]`, `graph.expr`, `network.layers[0]`. */
  readonly path: string;
}

export interface LayerIds {
  readonly W: string;
  readonly b: string;
  readonly z: string;
  readonly a: string;
}

export interface CompiledGraph {
  /** Per slot: the id, or null for a literal constant. */
  readonly ids: readonly (string | null)[];
  readonly kinds: readonly SlotKind[];
  readonly shapes: readonly Shape[];
  /** Per slot: the value of a leaf or constant; undefined for nodes. */
  readonly leafValues: readonly (Tensor | undefined)[];
  readonly tape: readonly TapeNode[];
  readonly slotOf: ReadonlyMap<string, number>;
  readonly output: number;
  /** Where `output` was set, for errors about it. */
  readonly outputPath: string;
  /** Ids in the order responses list them: inputs, params, then nodes as written. */
  readonly reportOrder: readonly number[];
  readonly params: readonly number[];
  /** For a network spec: the ids of each layer. */
  readonly layers?: readonly LayerIds[];
}

/** A leaf or node as any spec describes it, with the path users will see in errors. */
export interface LeafDraft {
  id: string;
  kind: 'input' | 'param';
  value: unknown;
  path: string;
}

export interface NodeDraft {
  id: string;
  op: string;
  args: readonly (string | number)[];
  attrs?: Record<string, number>;
  path: string;
  /** Appended to messages when several nodes share a path (expr text: "line 1, column 9"). */
  where?: string;
  /** True when the node is a JSON object of its own, so errors can name `.id`, `.op`, `.args[j]`, `.attrs.k`. */
  fieldPaths?: boolean;
}

const fieldPath = (n: NodeDraft, field: string): string => (n.fieldPaths ? `${n.path}${field}` : n.path);

export interface GraphDraft {
  leaves: LeafDraft[];
  nodes: NodeDraft[];
  output?: string;
  outputPath: string;
  layers?: LayerIds[];
}

const MAX_REPORTED_ERRORS = 20;

export function compile(draft: GraphDraft): CompiledGraph {
  const ids: (string | null)[] = [];
  const kinds: SlotKind[] = [];
  const leafValues: (Tensor | undefined)[] = [];
  const slotOf = new Map<string, number>();
  const problems: FieldProblem[] = [];
  let firstCode: SpecError['code'] | undefined;
  const extra: Record<string, unknown> = {};
  const fail = (code: SpecError['code'], path: string, message: string): void => {
    firstCode ??= code;
    if (problems.length < MAX_REPORTED_ERRORS) problems.push({ path, message });
  };
  const at = (n: NodeDraft): string => (n.where ? ` (${n.where})` : '');

  for (const leaf of draft.leaves) {
    if (!ID_PATTERN.test(leaf.id)) fail('INVALID_SPEC', leaf.path, `'${leaf.id}' is not a valid id (letters, digits and _, not starting with a digit)`);
    else if (slotOf.has(leaf.id)) fail('DUPLICATE_ID', leaf.path, `duplicate id '${leaf.id}': ids are unique across inputs, params and nodes`);
    slotOf.set(leaf.id, ids.length);
    ids.push(leaf.id);
    kinds.push(leaf.kind);
    leafValues.push(fromJson(leaf.value, leaf.path));
  }

  const defs: (OpDef | undefined)[] = [];
  for (const n of draft.nodes) {
    const idPath = fieldPath(n, '.id');
    if (!ID_PATTERN.test(n.id)) fail('INVALID_SPEC', idPath, `'${n.id}' is not a valid id${at(n)}`);
    else if (slotOf.has(n.id)) fail('DUPLICATE_ID', idPath, `duplicate id '${n.id}'${at(n)}: ids are unique across inputs, params and nodes`);
    slotOf.set(n.id, ids.length);
    ids.push(n.id);
    kinds.push('node');
    leafValues.push(undefined);
    const def = lookupOp(n.op);
    defs.push(def);
    if (!def) {
      const suggestions = nearestOpNames(n.op);
      extra.suggestions = suggestions;
      fail('UNKNOWN_OP', fieldPath(n, '.op'), `unknown op '${n.op}'${at(n)}${suggestions.length ? `; nearest: ${suggestions.join(', ')}` : ''}; GET /v1/ops lists the catalogue`);
    } else if (n.args.length !== def.args.length) {
      fail('ARITY', fieldPath(n, '.args'), `${n.op} takes ${def.args.length} arg${def.args.length === 1 ? '' : 's'} (${def.args.join(', ')}), got ${n.args.length}${at(n)}`);
    }
  }

  // Resolve args to slots; literal numbers become constant slots.
  const resolved: number[][] = [];
  const attrsOf: Attrs[] = [];
  draft.nodes.forEach((n, i) => {
    const slots: number[] = [];
    n.args.forEach((arg, j) => {
      if (typeof arg === 'number') {
        if (!Number.isFinite(arg)) fail('INVALID_VALUE', fieldPath(n, `.args[${j}]`), 'must be a finite number');
        slots.push(ids.length);
        ids.push(null);
        kinds.push('const');
        leafValues.push(scalar(arg));
        return;
      }
      const slot = slotOf.get(arg);
      if (slot === undefined) {
        fail('UNKNOWN_ID', fieldPath(n, `.args[${j}]`), `unknown id '${arg}'${at(n)}: not an input, a param or a node`);
        slots.push(-1);
      } else slots.push(slot);
    });
    resolved.push(slots);
    attrsOf.push(readAttrs(n, defs[i], fail));
  });

  let output = -1;
  if (draft.output !== undefined) {
    output = slotOf.get(draft.output) ?? -1;
    if (output < 0) fail('UNKNOWN_ID', draft.outputPath, `unknown id '${draft.output}' for the output`);
  } else if (draft.nodes.length === 0) {
    fail('INVALID_SPEC', draft.outputPath.replace(/\.output$/, ''), 'the graph has no nodes: add at least one node');
  } else output = slotOf.get(draft.nodes[draft.nodes.length - 1].id)!;

  if (problems.length) throw new SpecError(firstCode!, problems, extra);

  const firstNode = draft.leaves.length;
  const order = topologicalOrder(draft.nodes, resolved, firstNode);

  const shapes: Shape[] = leafValues.map((v) => v?.shape ?? []);
  const tape: TapeNode[] = new Array(order.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const n = draft.nodes[i];
    const def = defs[i]!;
    const args = resolved[i];
    const shape = def.shape(args.map((s) => shapes[s]), attrsOf[i]);
    if (typeof shape === 'string') {
      throw specError('SHAPE_MISMATCH', n.path, `${n.op} '${n.id}'${at(n)}: ${shape}`, {
        shapes: Object.fromEntries(args.map((s, j) => [def.args[j], shapes[s]])),
      });
    }
    shapes[firstNode + i] = shape;
    tape[k] = { slot: firstNode + i, id: n.id, op: n.op as OpName, def, args, attrs: attrsOf[i], path: n.path };
  }

  const reportOrder: number[] = [];
  const params: number[] = [];
  for (let s = 0; s < ids.length; s++) {
    if (kinds[s] !== 'const') reportOrder.push(s);
    if (kinds[s] === 'param') params.push(s);
  }
  return { ids, kinds, shapes, leafValues, tape, slotOf, output, outputPath: draft.outputPath, reportOrder, params, layers: draft.layers };
}

function readAttrs(n: NodeDraft, def: OpDef | undefined, fail: (code: SpecError['code'], path: string, message: string) => void): Attrs {
  const attrs: Record<string, number> = Object.create(null);
  if (!def) return attrs;
  for (const a of def.attrs) attrs[a.name] = a.default;
  for (const name of Object.keys(n.attrs ?? {})) {
    const value = n.attrs![name];
    const path = fieldPath(n, `.attrs.${name}`);
    if (!def.attrs.some((a) => a.name === name)) {
      const known = def.attrs.map((a) => a.name);
      fail('BAD_ATTR', path, `${n.op} has no attr '${name}'${known.length ? ` (it takes ${known.join(', ')})` : ' (it takes none)'}`);
    } else if (typeof value !== 'number' || !Number.isFinite(value)) fail('BAD_ATTR', path, 'must be a finite number');
    else attrs[name] = value;
  }
  return attrs;
}

/**
 * Kahn's algorithm over node -> node edges; nodes may be written in any order. When nodes remain,
 * they lie on or after a cycle: walk back along remaining args until an id repeats, and name it.
 */
function topologicalOrder(nodes: readonly NodeDraft[], args: readonly number[][], firstNode: number): number[] {
  const n = nodes.length;
  const isNode = (s: number) => s >= firstNode && s < firstNode + n;
  // Users of each node in compressed form (offsets into one array): no array per node.
  const pending = new Int32Array(n);
  const first = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) for (const s of args[i]) if (isNode(s)) first[s - firstNode + 1]++;
  for (let i = 0; i < n; i++) first[i + 1] += first[i];
  const users = new Int32Array(first[n]);
  const fill = first.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (const s of args[i]) {
      if (isNode(s)) {
        pending[i]++;
        users[fill[s - firstNode]++] = i;
      }
    }
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (pending[i] === 0) order.push(i);
  for (let k = 0; k < order.length; k++) {
    const u = order[k];
    for (let e = first[u]; e < first[u + 1]; e++) if (--pending[users[e]] === 0) order.push(users[e]);
  }
  if (order.length === n) return order;

  const seenAt = new Map<number, number>();
  const walk: number[] = [];
  let i = pending.findIndex((p) => p > 0);
  while (!seenAt.has(i)) {
    seenAt.set(i, walk.length);
    walk.push(i);
    i = args[i].map((s) => s - firstNode).find((a) => a >= 0 && a < n && pending[a] > 0)!;
  }
  const cycle = walk.slice(seenAt.get(i)).reverse();
  const names = cycle.map((c) => nodes[c].id);
  const start = nodes[cycle[0]];
  throw specError('CYCLE', start.path, `cycle: ${[...names, names[0]].join(' -> ')}${start.where ? ` (${start.where})` : ''}`, { cycle: names });
}

