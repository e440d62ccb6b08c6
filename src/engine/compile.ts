/**
 * Compiles a graph draft (from any spec) into a tape. Compiling validates everything
 * that can be known before evaluation (ids, ops, arity, attrs, cycles, shapes, sizes) and
 * reports it with the path of the offending field. It builds typed arrays as it goes: no object,
 * array or closure per node, and no recursion, so a graph of a million nodes compiles like a
 * small one. The passes, in order: claim the leaves' ids and read their values, read the nodes
 * (ids, ops, arity, attrs), resolve the args and the output (every error so far is reported
 * together), order the nodes, infer shapes and check the limits, lay out the arena, and write the
 * nodes in evaluation order.
 */
import { type Localized, plural, quote, say } from '../text.js';
import { type EngineErrorCode, type LocalizedFieldError, SpecError, specError } from './errors.js';
import { findId, insertId, newIdTable } from './id-index.js';
import { TENSOR_NODE_COST } from './evaluate.js';
import { DEFAULT_LIMITS, type Limits, overLimit, specPath } from './limits.js';
import { type AttrDef, type OpDef, arityOf } from './op-def.js';
import { opCode, opList } from './ops.js';
import {
  CONST,
  DIM_STRIDE,
  INPUT,
  type LayerIds,
  NODE,
  type NodePaths,
  PARAM,
  type Tape,
  pathOf,
  positionText,
  shapeOf,
} from './tape.js';
import { type Shape, type Tensor, fromJson, shapeText, sizeOf } from './tensor.js';
import { unknownOp } from './unknown-op.js';

export const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The longest id, and the longest op name a request may write (the catalogue's are much shorter). */
export const MAX_ID_LENGTH = 128;
export const MAX_OP_NAME_LENGTH = 64;

/** A leaf as any spec describes it, with the path users will see in errors. */
export interface LeafDraft {
  id: string;
  kind: 'input' | 'param';
  value: unknown;
  path: string;
}

/** A node as a spec writes it (graph nodes are passed as they came in the request). */
export interface NodeDraft {
  readonly id: string;
  readonly op: string;
  readonly args: readonly (string | number)[];
  readonly attrs?: Readonly<Record<string, number>>;
}

export interface GraphDraft {
  leaves: LeafDraft[];
  nodes: readonly NodeDraft[];
  /** Where each node was written. */
  paths: NodePaths;
  output?: string;
  outputPath: string;
  layers?: LayerIds[];
  /** By node: 1 for a part of an expr statement with a generated id (see Tape.subexpressions). */
  subexpressions?: Uint8Array;
}

/** The most problems one error reports (compile, and schema validation too): the first ones. */
export const MAX_REPORTED_ERRORS = 20;

const FINITE = say('must be a finite number', 'deve ser um número finito');

/** Messages and paths of the draft's nodes, for errors found while compiling. */
class Where {
  constructor(private readonly paths: NodePaths) {}

  node(i: number): string {
    return pathOf(this.paths, i);
  }

  /** `graph.nodes[3].args[1]` where nodes are JSON objects; the node's own path otherwise. */
  field(i: number, field: string): string {
    return this.paths.kind === 'indexed' ? `${this.node(i)}${field}` : this.node(i);
  }

  /** " (line 1, column 9)" for expr text, in each language. */
  suffix(i: number): Localized {
    if (this.paths.kind !== 'text') return NO_SUFFIX;
    const where = positionText(this.paths.where[i]);
    return say(` (${where.en})`, ` (${where['pt-BR']})`);
  }
}

const NO_SUFFIX = say('', '');

/** The field errors found before evaluation, in the order found: the first code names the error, the first ones are reported. */
class FieldErrors {
  readonly list: LocalizedFieldError[] = [];
  firstCode: EngineErrorCode | undefined;
  readonly extra: Record<string, unknown> = {};

  add(code: EngineErrorCode, path: string, message: Localized): void {
    this.firstCode ??= code;
    if (this.list.length < MAX_REPORTED_ERRORS) this.list.push({ path, message });
  }

  throwIfAny(): void {
    if (this.list.length) throw new SpecError(this.firstCode!, this.list, this.extra);
  }
}

/** Slots (leaves, nodes, then one per literal number among the args), their ids and kinds, and the id table. */
interface Slots {
  leafCount: number;
  nodeCount: number;
  slotCount: number;
  ids: (string | null)[];
  kind: Uint8Array;
  idTable: Int32Array;
}

/** The nodes as written (by draft position): op codes, attrs, and args as slots, flat with an offset per node (as the tape's). */
interface DraftNodes {
  opByDraft: Uint8Array;
  attrsByDraft: Float64Array;
  attrAtByDraft: Int32Array;
  argsByDraft: Int32Array;
  argAtByDraft: Int32Array;
  /** The value of each constant slot (literal numbers among the args). */
  constValues: Float64Array;
}

/** Shapes by slot, and what one pass over the nodes costs. */
interface Shapes {
  rank: Uint8Array;
  dims: Int32Array;
  passWork: number;
  allScalar: boolean;
}

/** The draft as a tape, through the passes below; field errors are reported together, a limit at the first one passed. */
export function compile(draft: GraphDraft, limits: Limits = DEFAULT_LIMITS): Tape {
  const { leaves, nodes } = draft;
  if (nodes.length > limits.maxNodes) {
    throw overLimit(
      specPath(draft.outputPath),
      { name: 'maxNodes', count: nodes.length, max: limits.maxNodes },
      say(
        `${nodes.length} nodes is more than the limit of ${limits.maxNodes}`,
        `${nodes.length} nós excedem o limite de ${limits.maxNodes}`,
      ),
    );
  }
  const where = new Where(draft.paths);
  const errors = new FieldErrors();
  const slots = newSlots(draft);
  const leafValues = claimLeaves(leaves, slots, errors);
  const drafted: DraftNodes = {
    ...readNodes(nodes, slots, where, errors),
    ...resolveArgs(nodes, slots, where, errors),
  };
  const output = resolveOutput(draft, slots, errors);
  errors.throwIfAny();

  const order = topologicalOrder(draft, drafted, slots.leafCount);
  const shapes = inferShapes(draft, slots, drafted, leafValues, order, where, limits);
  const { offset, size, initial } = layOut(draft, slots, shapes, leafValues, drafted.constValues, limits);
  const { nodeSlot, op, args, argAt, attrs, attrAt } = evaluationOrder(slots, drafted, order);

  const { leafCount, nodeCount, slotCount, ids, idTable, kind } = slots;
  const params: number[] = [];
  for (let s = 0; s < leafCount; s++) if (kind[s] === PARAM) params.push(s);
  return {
    slotCount,
    leafCount,
    nodeCount,
    ids,
    idTable,
    kind,
    rank: shapes.rank,
    dims: shapes.dims,
    offset,
    size,
    initial,
    nodeSlot,
    op,
    args,
    argAt,
    attrs,
    attrAt,
    allScalar: shapes.allScalar,
    passWork: shapes.passWork,
    output,
    outputPath: draft.outputPath,
    params: new Int32Array(params), // the constructor copies an array several times faster than Int32Array.from
    paths: draft.paths,
    layers: draft.layers,
    subexpressions: draft.subexpressions,
  };
}

/** Counts the slots and makes the empty id table: every slot is a constant until claimed. */
function newSlots(draft: GraphDraft): Slots {
  const { leaves, nodes } = draft;
  const leafCount = leaves.length;
  const nodeCount = nodes.length;
  let literalCount = 0;
  for (let i = 0; i < nodeCount; i++) for (const a of nodes[i].args) if (typeof a === 'number') literalCount++;
  const slotCount = leafCount + nodeCount + literalCount;
  return {
    leafCount,
    nodeCount,
    slotCount,
    ids: new Array(slotCount).fill(null),
    kind: new Uint8Array(slotCount).fill(CONST),
    idTable: newIdTable(leafCount + nodeCount),
  };
}

/** Gives `id` its slot, or says why it cannot have one (the error's path is built only then). */
function claim(slots: Slots, id: string, slot: number): 'INVALID_SPEC' | 'DUPLICATE_ID' | undefined {
  slots.ids[slot] = id;
  const earlier = insertId(slots.idTable, slots.ids, slot);
  return id.length > MAX_ID_LENGTH || !ID_PATTERN.test(id) ? 'INVALID_SPEC' : earlier >= 0 ? 'DUPLICATE_ID' : undefined;
}

/** Reports an id that cannot have its slot: not a valid id, or one already taken. */
function claimFailed(
  errors: FieldErrors,
  code: 'INVALID_SPEC' | 'DUPLICATE_ID',
  id: string,
  path: string,
  suffix: Localized = NO_SUFFIX,
): void {
  if (code === 'INVALID_SPEC') {
    errors.add(
      'INVALID_SPEC',
      path,
      say(
        `'${quote(id)}' is not a valid id (letters, digits and _, not starting with a digit, at most ${MAX_ID_LENGTH} characters)${suffix.en}`,
        `'${quote(id)}' não é um id válido (letras, dígitos e _, sem começar por um dígito, no máximo ${MAX_ID_LENGTH} caracteres)${suffix['pt-BR']}`,
      ),
    );
  } else {
    errors.add(
      'DUPLICATE_ID',
      path,
      say(
        `duplicate id '${quote(id)}'${suffix.en}: ids are unique across inputs, params and nodes`,
        `id repetido '${quote(id)}'${suffix['pt-BR']}: os ids são únicos entre entradas, parâmetros e nós`,
      ),
    );
  }
}

/** Pass 1, leaves: each input and param claims its slot, and its value is read. */
function claimLeaves(leaves: readonly LeafDraft[], slots: Slots, errors: FieldErrors): Tensor[] {
  return leaves.map((leaf, s) => {
    const refused = claim(slots, leaf.id, s);
    if (refused) claimFailed(errors, refused, leaf.id, leaf.path);
    slots.kind[s] = leaf.kind === 'input' ? INPUT : PARAM;
    return fromJson(leaf.value, leaf.path);
  });
}

/** Pass 2, nodes: each node claims its slot; its op, arity and attrs are checked (by draft position). */
function readNodes(
  nodes: readonly NodeDraft[],
  slots: Slots,
  where: Where,
  errors: FieldErrors,
): Pick<DraftNodes, 'opByDraft' | 'attrsByDraft' | 'attrAtByDraft'> {
  const { leafCount, nodeCount } = slots;
  const opByDraft = new Uint8Array(nodeCount);
  const attrAtByDraft = new Int32Array(nodeCount + 1);
  /** Nodes whose op has attrs or that give some: read once every node's attr count is known. */
  const withAttrs: number[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const n = nodes[i];
    const refused = claim(slots, n.id, leafCount + i);
    if (refused) claimFailed(errors, refused, n.id, where.field(i, '.id'), where.suffix(i));
    slots.kind[leafCount + i] = NODE;
    const code = opCode(n.op);
    attrAtByDraft[i + 1] = attrAtByDraft[i];
    if (code < 0) {
      const unknown = unknownOp(n.op, where.suffix(i));
      errors.extra.suggestions ??= unknown.suggestions; // the first unknown op's, as the detail names it
      errors.add('UNKNOWN_OP', where.field(i, '.op'), unknown.message);
      continue;
    }
    opByDraft[i] = code;
    const def = opList[code];
    checkArity(n, def, i, where, errors);
    attrAtByDraft[i + 1] += def.attrs.length;
    if (def.attrs.length || n.attrs) withAttrs.push(i);
  }
  const attrsByDraft = new Float64Array(attrAtByDraft[nodeCount]);
  for (const i of withAttrs) {
    const out = attrsByDraft.subarray(attrAtByDraft[i], attrAtByDraft[i + 1]);
    readAttrs(nodes[i], opList[opByDraft[i]], out, i, where, errors);
  }
  return { opByDraft, attrsByDraft, attrAtByDraft };
}

/** `add takes 2 args (a, b)`, `conv2d takes 2 or 3 args (x, W[, b])`, `concat takes at least 2 args (a, ...)`. */
function checkArity(n: NodeDraft, def: OpDef, i: number, where: Where, errors: FieldErrors): void {
  const { min, max } = arityOf(def);
  const count = n.args.length;
  if (count >= min && count <= max) return;
  const suffix = where.suffix(i);
  const names = def.variadic
    ? `${def.args.join(', ')}, ...`
    : def.args
        .map((a, j) => (j < min ? a : `[${a}]`))
        .join(', ')
        .replaceAll(', [', '[, ');
  const [en, pt] =
    max === Number.POSITIVE_INFINITY
      ? [`at least ${plural(min, 'arg', 'args')}`, `pelo menos ${plural(min, 'argumento', 'argumentos')}`]
      : min === max
        ? [plural(min, 'arg', 'args'), plural(min, 'argumento', 'argumentos')]
        : max === min + 1
          ? [`${min} or ${max} args`, `${min} ou ${max} argumentos`]
          : [`${min} to ${max} args`, `de ${min} a ${max} argumentos`];
  errors.add(
    'ARITY',
    where.field(i, '.args'),
    say(
      `${n.op} takes ${en} (${names}), got ${count}${suffix.en}`,
      `${n.op} espera ${pt} (${names}), mas recebeu ${count}${suffix['pt-BR']}`,
    ),
  );
}

/**
 * A node's attrs into `out`, in its op's order: each given one checked against its AttrDef (an
 * unknown name is a BAD_ATTR; a value of the wrong kind an INVALID_ATTR), then the defaults, then
 * `defaultFrom` (a pool's stride is its kernel); an optional attr not given stays NaN.
 */
function readAttrs(n: NodeDraft, def: OpDef, out: Float64Array, i: number, where: Where, errors: FieldErrors): void {
  out.fill(Number.NaN);
  const given = n.attrs;
  if (given) {
    for (const name in given) {
      if (!Object.hasOwn(given, name)) continue;
      const value = given[name];
      const path = where.field(i, `.attrs.${quote(name)}`);
      const j = def.attrs.findIndex((a) => a.name === name);
      if (j < 0) {
        const known = def.attrs.map((a) => a.name).join(', ');
        errors.add(
          'BAD_ATTR',
          path,
          say(
            `${n.op} has no attr '${quote(name)}'${known ? ` (it takes ${known})` : ' (it takes none)'}`,
            `${n.op} não tem o atributo '${quote(name)}'${known ? ` (ele aceita ${known})` : ' (ele não aceita nenhum)'}`,
          ),
        );
      } else if (typeof value !== 'number' || !Number.isFinite(value)) errors.add('BAD_ATTR', path, FINITE);
      else {
        const wrong = attrProblem(def.attrs[j], value);
        if (wrong) {
          const suffix = where.suffix(i);
          errors.add(
            'INVALID_ATTR',
            path,
            say(
              `${n.op} attr '${name}' ${wrong.en}, got ${value}${suffix.en}`,
              `o atributo '${name}' de ${n.op} ${wrong['pt-BR']}, mas recebeu ${value}${suffix['pt-BR']}`,
            ),
          );
        } else out[j] = value;
      }
    }
  }
  def.attrs.forEach((a, j) => {
    if (!Number.isNaN(out[j])) return;
    if (a.default !== undefined) out[j] = a.default;
    else if (a.defaultFrom === undefined && !a.optional && !(given && Object.hasOwn(given, a.name))) {
      const suffix = where.suffix(i);
      const all = def.attrs.filter((d) => d.default === undefined && d.defaultFrom === undefined && !d.optional);
      const names = all.map((d) => d.name).join(', ');
      errors.add(
        'INVALID_ATTR',
        where.field(i, `.attrs.${a.name}`),
        say(
          `${n.op} needs the attr '${a.name}' (it needs ${names})${suffix.en}`,
          `${n.op} precisa do atributo '${a.name}' (ele precisa de ${names})${suffix['pt-BR']}`,
        ),
      );
    }
  });
  def.attrs.forEach((a, j) => {
    if (Number.isNaN(out[j]) && a.defaultFrom !== undefined)
      out[j] = out[def.attrs.findIndex((d) => d.name === a.defaultFrom)];
  });
}

/** What is wrong with an attr's value (`must be an integer`), or undefined. */
function attrProblem(a: AttrDef, value: number): Localized | undefined {
  if (a.integer && !Number.isInteger(value)) return say('must be an integer', 'deve ser um número inteiro');
  if (a.min !== undefined && value < a.min) return say(`must be at least ${a.min}`, `deve ser pelo menos ${a.min}`);
  if (a.below !== undefined && value >= a.below)
    return say(`must be below ${a.below}`, `deve ser menor que ${a.below}`);
  return undefined;
}

/** Pass 3, args: ids to slots, by draft position; literal numbers become constant slots. */
function resolveArgs(
  nodes: readonly NodeDraft[],
  slots: Slots,
  where: Where,
  errors: FieldErrors,
): Pick<DraftNodes, 'argsByDraft' | 'argAtByDraft' | 'constValues'> {
  const { leafCount, nodeCount, slotCount, ids, idTable } = slots;
  const argAtByDraft = new Int32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i++) argAtByDraft[i + 1] = argAtByDraft[i] + nodes[i].args.length;
  const argsByDraft = new Int32Array(argAtByDraft[nodeCount]).fill(-1);
  const constValues = new Float64Array(slotCount);
  let nextConst = leafCount + nodeCount;
  for (let i = 0; i < nodeCount; i++) {
    const args = nodes[i].args;
    const at = argAtByDraft[i];
    for (let j = 0; j < args.length; j++) {
      const arg = args[j];
      let slot: number;
      if (typeof arg === 'number') {
        if (!Number.isFinite(arg)) errors.add('INVALID_VALUE', where.field(i, `.args[${j}]`), FINITE);
        slot = nextConst++;
        constValues[slot] = arg;
      } else {
        slot = findId(idTable, ids, arg);
        if (slot < 0) {
          const suffix = where.suffix(i);
          errors.add(
            'UNKNOWN_ID',
            where.field(i, `.args[${j}]`),
            say(
              `unknown id '${quote(arg)}'${suffix.en}: not an input, a param or a node`,
              `id desconhecido '${quote(arg)}'${suffix['pt-BR']}: não é uma entrada, um parâmetro nem um nó`,
            ),
          );
        }
      }
      argsByDraft[at + j] = slot;
    }
  }
  return { argsByDraft, argAtByDraft, constValues };
}

/** Pass 4, the output: the id named, else the last node written. */
function resolveOutput(draft: GraphDraft, slots: Slots, errors: FieldErrors): number {
  if (draft.output !== undefined) {
    const output = findId(slots.idTable, slots.ids, draft.output);
    if (output < 0)
      errors.add(
        'UNKNOWN_ID',
        draft.outputPath,
        say(
          `unknown id '${quote(draft.output)}' for the output`,
          `id desconhecido '${quote(draft.output)}' para a saída`,
        ),
      );
    return output;
  }
  if (slots.nodeCount === 0) {
    errors.add(
      'INVALID_SPEC',
      draft.outputPath.replace(/\.output$/, ''),
      say('the graph has no nodes: add at least one node', 'o grafo não tem nós: adicione pelo menos um nó'),
    );
    return -1;
  }
  return slots.leafCount + slots.nodeCount - 1;
}

/** The shapes of a scalar kernel's args (one or two scalars). */
const SCALAR_ARGS: Shape[] = [[], []];

/** Writes one slot's shape into rank and dims. */
function setShape(rank: Uint8Array, dims: Int32Array, s: number, shape: Shape): void {
  rank[s] = shape.length;
  for (let d = 0; d < shape.length; d++) dims[DIM_STRIDE * s + d] = shape[d];
}

/** The shape rule's answer for the node at draft position i, or a SHAPE_MISMATCH naming the node and its args' shapes. */
function resultShape(draft: GraphDraft, drafted: DraftNodes, i: number, argShapes: Shape[], where: Where): Shape {
  const def = opList[drafted.opByDraft[i]];
  const shape = def.shape(
    argShapes,
    drafted.attrsByDraft.subarray(drafted.attrAtByDraft[i], drafted.attrAtByDraft[i + 1]),
  );
  if (!('en' in shape)) return shape;
  const n = draft.nodes[i];
  const node = `${n.op} '${quote(n.id)}'`,
    suffix = where.suffix(i);
  throw specError(
    'SHAPE_MISMATCH',
    where.node(i),
    say(`${node}${suffix.en}: ${shape.en}`, `${node}${suffix['pt-BR']}: ${shape['pt-BR']}`),
    { shapes: Object.fromEntries(argShapes.map((s, j) => [def.args[j] ?? `args[${j}]`, s])) },
  );
}

/** Pass 6, shapes and limits: in evaluation order, so that every arg's shape is known before its node's. */
function inferShapes(
  draft: GraphDraft,
  slots: Slots,
  drafted: DraftNodes,
  leafValues: Tensor[],
  order: Int32Array,
  where: Where,
  limits: Limits,
): Shapes {
  const { leaves, nodes } = draft;
  const { leafCount, nodeCount, slotCount } = slots;
  const { opByDraft, argsByDraft, argAtByDraft, attrsByDraft, attrAtByDraft } = drafted;
  const rank = new Uint8Array(slotCount);
  const dims = new Int32Array(DIM_STRIDE * slotCount).fill(1);
  leafValues.forEach((v, s) => {
    // An input or param is a tensor too: maxElements bounds it as it bounds a node.
    if (v.data.length > limits.maxElements) {
      throw overLimit(
        leaves[s].path,
        { name: 'maxElements', count: v.data.length, max: limits.maxElements },
        say(
          `'${quote(leaves[s].id)}' holds ${v.data.length} elements (${shapeText(v.shape)}), more than the limit of ${limits.maxElements}`,
          `'${quote(leaves[s].id)}' tem ${v.data.length} elementos (${shapeText(v.shape)}), mais que o limite de ${limits.maxElements}`,
        ),
      );
    }
    setShape(rank, dims, s, v.shape);
  });
  const partial = { rank, dims } as Tape; // shapeOf reads only rank and dims
  let passWork = 0;
  let allScalar = leafValues.every((v) => v.shape.length === 0);
  for (let k = 0; k < nodeCount; k++) {
    const i = order[k];
    const def = opList[opByDraft[i]];
    const from = argAtByDraft[i],
      to = argAtByDraft[i + 1];
    let scalarArgs = def.scalar !== undefined;
    for (let e = from; e < to && scalarArgs; e++) scalarArgs = rank[argsByDraft[e]] === 0;
    if (scalarArgs) {
      // A scalar result (rank 0 by default); an op with attrs may still refuse them (sum of a scalar over axis 3).
      if (attrAtByDraft[i] < attrAtByDraft[i + 1] && def.kind !== 'elementwise')
        resultShape(draft, drafted, i, SCALAR_ARGS.slice(0, to - from), where);
      passWork += to - from + 1;
      continue;
    }
    allScalar = false;
    const argShapes: Shape[] = [];
    for (let e = from; e < to; e++) argShapes.push(shapeOf(partial, argsByDraft[e]));
    const attrs = attrsByDraft.subarray(attrAtByDraft[i], attrAtByDraft[i + 1]);
    const shape = resultShape(draft, drafted, i, argShapes, where);
    const elements = sizeOf(shape);
    if (elements > limits.maxElements) {
      throw overLimit(
        where.node(i),
        { name: 'maxElements', count: elements, max: limits.maxElements },
        say(
          `'${quote(nodes[i].id)}' would hold ${elements} elements (${shapeText(shape)}), more than the limit of ${limits.maxElements}`,
          `'${quote(nodes[i].id)}' teria ${elements} elementos (${shapeText(shape)}), mais que o limite de ${limits.maxElements}`,
        ),
      );
    }
    setShape(rank, dims, leafCount + i, shape);
    const unit = def.scalar !== undefined && elements === 1 && argShapes.every((a) => sizeOf(a) === 1);
    passWork += def.cost(argShapes, shape, attrs) + (unit ? 0 : TENSOR_NODE_COST);
  }
  if (passWork > limits.maxWork) {
    throw overLimit(
      specPath(draft.outputPath),
      { name: 'maxWork', count: passWork, max: limits.maxWork },
      say(
        `one pass over this graph needs about ${passWork} element operations, more than the limit of ${limits.maxWork}: use a smaller graph`,
        `percorrer este grafo uma vez precisa de cerca de ${passWork} operações com elementos, mais que o limite de ${limits.maxWork}: use um grafo menor`,
      ),
    );
  }
  return { rank, dims, passWork, allScalar };
}

/** Pass 7, layout: the arena's offsets in slot order, its size bounded, leaves and constants written in. */
function layOut(
  draft: GraphDraft,
  slots: Slots,
  shapes: Shapes,
  leafValues: Tensor[],
  constValues: Float64Array,
  limits: Limits,
) {
  const { leafCount, nodeCount, slotCount } = slots;
  const { rank, dims } = shapes;
  const offset = new Int32Array(slotCount);
  const size = new Int32Array(slotCount);
  let total = 0;
  for (let s = 0; s < slotCount; s++) {
    offset[s] = total;
    let n = 1;
    for (let d = 0; d < rank[s]; d++) n *= dims[DIM_STRIDE * s + d];
    size[s] = n;
    total += size[s];
  }
  if (total > limits.maxTotalElements) {
    throw overLimit(
      specPath(draft.outputPath),
      { name: 'maxTotalElements', count: total, max: limits.maxTotalElements },
      say(
        `the graph's tensors hold ${total} elements together, more than the limit of ${limits.maxTotalElements}: use smaller tensors or fewer nodes`,
        `os tensores do grafo somam ${total} elementos, mais que o limite de ${limits.maxTotalElements}: use tensores menores ou menos nós`,
      ),
    );
  }
  const initial = new Float64Array(total);
  leafValues.forEach((v, s) => initial.set(v.data, offset[s]));
  for (let s = leafCount + nodeCount; s < slotCount; s++) initial[offset[s]] = constValues[s];
  return { offset, size, initial };
}

/** Pass 8, the nodes in evaluation order: op codes, args and attrs copied from draft order. */
function evaluationOrder(slots: Slots, drafted: DraftNodes, order: Int32Array) {
  const { leafCount, nodeCount } = slots;
  const { opByDraft, attrsByDraft, attrAtByDraft, argsByDraft, argAtByDraft } = drafted;
  const nodeSlot = new Int32Array(nodeCount);
  const op = new Uint8Array(nodeCount);
  const args = new Int32Array(argsByDraft.length);
  const argAt = new Int32Array(nodeCount + 1);
  const attrs = new Float64Array(attrsByDraft.length);
  const attrAt = new Int32Array(nodeCount + 1);
  for (let k = 0; k < nodeCount; k++) {
    const i = order[k];
    nodeSlot[k] = leafCount + i;
    op[k] = opByDraft[i];
    let at = argAt[k];
    for (let e = argAtByDraft[i]; e < argAtByDraft[i + 1]; e++) args[at++] = argsByDraft[e];
    argAt[k + 1] = at;
    at = attrAt[k];
    for (let e = attrAtByDraft[i]; e < attrAtByDraft[i + 1]; e++) attrs[at++] = attrsByDraft[e];
    attrAt[k + 1] = at;
  }
  return { nodeSlot, op, args, argAt, attrs, attrAt };
}

/**
 * Pass 5, order: Kahn's algorithm over node -> node edges (draft positions); nodes may be written in any order.
 * When nodes remain, they lie on or after a cycle: walk back along remaining args until an id
 * repeats, and name it.
 */
function topologicalOrder(draft: GraphDraft, drafted: DraftNodes, leafCount: number): Int32Array {
  const n = draft.nodes.length;
  const { argsByDraft: args, argAtByDraft: argAt } = drafted;
  const nodeOf = (s: number): number => (s >= leafCount && s < leafCount + n ? s - leafCount : -1);
  // Users of each node in compressed form (offsets into one array).
  const pending = new Int32Array(n);
  const first = new Int32Array(n + 1);
  for (let e = 0; e < args.length; e++) {
    const u = nodeOf(args[e]);
    if (u >= 0) first[u + 1]++;
  }
  for (let i = 0; i < n; i++) first[i + 1] += first[i];
  const users = new Int32Array(first[n]);
  const fill = first.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let e = argAt[i]; e < argAt[i + 1]; e++) {
      const u = nodeOf(args[e]);
      if (u >= 0) {
        pending[i]++;
        users[fill[u]++] = i;
      }
    }
  }
  const order = new Int32Array(n);
  let done = 0;
  for (let i = 0; i < n; i++) if (pending[i] === 0) order[done++] = i;
  for (let k = 0; k < done; k++) {
    const u = order[k];
    for (let e = first[u]; e < first[u + 1]; e++) if (--pending[users[e]] === 0) order[done++] = users[e];
  }
  if (done === n) return order;

  const where = new Where(draft.paths);
  const seenAt = new Map<number, number>();
  const walk: number[] = [];
  let i = pending.findIndex((p) => p > 0);
  while (!seenAt.has(i)) {
    seenAt.set(i, walk.length);
    walk.push(i);
    let next = -1;
    for (let e = argAt[i]; e < argAt[i + 1] && next < 0; e++) {
      const a = nodeOf(args[e]);
      if (a >= 0 && pending[a] > 0) next = a;
    }
    i = next;
  }
  const cycle = walk.slice(seenAt.get(i)).reverse();
  const names = cycle.map((c) => draft.nodes[c].id);
  const path = [...names, names[0]].join(' -> '),
    suffix = where.suffix(cycle[0]);
  throw specError(
    'CYCLE',
    where.node(cycle[0]),
    say(`cycle: ${path}${suffix.en}`, `ciclo: ${path}${suffix['pt-BR']}`),
    { cycle: names },
  );
}
