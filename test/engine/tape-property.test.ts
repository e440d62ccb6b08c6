/**
 * The compiled tape against a plain reference evaluator (test/support/reference-evaluator.ts,
 * written without src/): random scalar and tensor graphs, every id's value and every id's
 * gradient dOutput/dId.
 *
 * Agreement means |tape - reference| <= 1e-12 · max(1, |reference|), element by element. The two
 * evaluate the same formulas, but not in the same order: the tape runs its nodes in its own
 * topological order (Kahn's, which is not the order the nodes were written in), its kernels add
 * each product straight into the gradient arena (`gx[i] += g · dy/dx`, and matmul/linear add each
 * term of a dot product in place), and the reference adds each node's whole contribution in
 * reverse of the written order. Floating-point addition is not associative, so a sum of a few
 * terms may differ in its last bits (an ulp is 2.2e-16 relative); through a graph of ~200 nodes
 * that stays far below 1e-12 as long as values and local derivatives stay moderate and nothing
 * cancels catastrophically, which is why the graphs are built to keep every value in [-2, 2] and
 * every divisor away from 0. The floor of 1 turns the bound into an absolute one for results near
 * 0: a gradient that sums to ~0 is off by rounding of its terms, not of itself. A wrong
 * derivative, a lost or doubled contribution, a broadcast summed over the wrong axis or a
 * gradient leaking into an independent id is off by far more than that.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backward, forward } from '../../src/engine/evaluate.js';
import { type Tape, shapeOf, slotOf, view } from '../../src/engine/tape.js';
import { compileSpec } from '../../src/specs/index.js';
import type { GraphSpec, NodeSpec, ValueSpec } from '../../src/specs/spec.js';
import {
  type Arg,
  BINARY_OPS,
  type BinaryOp,
  type RefGraph,
  type RefNode,
  type RefOp,
  type RefResult,
  UNARY_OPS,
  type UnaryOp,
  type Value,
  broadcastShapes,
  evaluateReference,
  linearShape,
  matmulShape,
  refForward,
  sizeOfShape,
} from '../support/reference-evaluator.js';
import { at, elementsOf } from '../support/tape.js';

const RTOL = 1e-12;

const close = (a: number, b: number): boolean => Math.abs(a - b) <= RTOL * Math.max(1, Math.abs(b));

// ---------------------------------------------------------------------------------------------
// Between the wire's values and the reference's

function valueOf(spec: ValueSpec): Value {
  if (typeof spec === 'number') return { shape: [], data: [spec] };
  if (spec.every((x): x is number => typeof x === 'number')) return { shape: [spec.length], data: [...spec] };
  const rows = spec as number[][];
  return { shape: [rows.length, rows[0].length], data: rows.flat() };
}

function specOf(v: Value): ValueSpec {
  if (v.shape.length === 0) return v.data[0];
  if (v.shape.length === 1) return [...v.data];
  const [m, n] = v.shape;
  return Array.from({ length: m }, (_, i) => v.data.slice(i * n, (i + 1) * n));
}

/** The reference's form of a graph spec written as JSON nodes. */
function refGraphOf(spec: GraphSpec): RefGraph {
  const leaves = new Map<string, Value>();
  for (const map of [spec.inputs, spec.params])
    for (const id of Object.keys(map ?? {})) leaves.set(id, valueOf(map![id]));
  const nodes = spec.nodes!.map((n): RefNode => ({ id: n.id, op: n.op as RefOp, args: n.args }));
  return { leaves, nodes, output: spec.output ?? nodes[nodes.length - 1].id };
}

interface Evaluated {
  tape: Tape;
  values: Float64Array;
  grads: Float64Array;
}

function runTape(spec: GraphSpec): Evaluated {
  const tape = compileSpec({ graph: spec });
  const values = forward(tape);
  return { tape, values, grads: backward(tape, values) };
}

/** Every disagreement between the tape and the reference, on every id of the reference, as text. */
function disagreements({ tape, values, grads }: Evaluated, ref: RefResult): string[] {
  const out: string[] = [];
  for (const [id, expected] of ref.values) {
    const slot = slotOf(tape, id);
    if (slot === undefined) {
      out.push(`${id}: not on the tape`);
      continue;
    }
    const shape = shapeOf(tape, slot);
    if (shape.join() !== expected.shape.join()) {
      out.push(`${id}: shape [${shape.join(', ')}] on the tape, [${expected.shape.join(', ')}] in the reference`);
      continue;
    }
    const pairs: [string, Float64Array, readonly number[]][] = [
      [`value of ${id}`, view(tape, values, slot).data, expected.data],
      [`dOutput/d${id}`, view(tape, grads, slot).data, ref.grads.get(id)!.data],
    ];
    for (const [what, actual, wanted] of pairs) {
      for (let i = 0; i < wanted.length; i++) {
        if (!close(actual[i], wanted[i])) out.push(`${what}, element ${i}: tape ${actual[i]}, reference ${wanted[i]}`);
      }
    }
  }
  return out;
}

function assertAgree(evaluated: Evaluated, ref: RefResult, label: string): void {
  const bad = disagreements(evaluated, ref);
  if (bad.length)
    throw new Error(`${label}: ${bad.length} disagreement(s) with the reference:\n  ${bad.slice(0, 12).join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------
// Building random graphs that stay well conditioned
//
// fast-check draws the raw choices (an op, fractions that pick args, an optional literal, a few
// numbers for new leaves); the builder turns them into a valid graph, evaluating it with the
// reference as it goes so that it can keep it well conditioned: every value any later node may
// read lies in [-2, 2] (a node whose values leave it is wrapped in tanh and only the tanh is read
// later), a divisor is a literal of magnitude >= 0.5 unless the value drawn is already that far
// from 0, and relu, abs and leaky_relu, kinked at 0, are replaced by tanh where an element of
// their arg is within 1e-3 of 0. Arg picks favour the most recent node (chains) and nodes that
// already have users (so that interior nodes get two and three users, whose gradients arrive
// from several places before they propagate); a node takes at most three arg places, and a few
// nodes are marked dangling: nothing later reads them, so the output does not depend on them.

const BOUND = 2;
const MAX_USES = 3;
const KINKED: ReadonlySet<RefOp> = new Set(['relu', 'abs', 'leaky_relu']);

interface Candidate {
  readonly id: string;
  readonly value: Value;
  readonly isNode: boolean;
  uses: number;
  /** Nothing may read it any more. */
  retired: boolean;
}

const maxAbs = (v: Value): number => v.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const minAbs = (v: Value): number => v.data.reduce((m, x) => Math.min(m, Math.abs(x)), Infinity);

/** A divisor drawn from a fraction in [0, 1): magnitude in [0.5, 2], either sign. */
const safeDivisor = (t: number): number => (t < 0.5 ? -1 : 1) * (0.5 + 3 * Math.abs(t - 0.5));

class GraphBuilder {
  readonly inputs: Record<string, ValueSpec> = {};
  readonly params: Record<string, ValueSpec> = {};
  readonly leaves = new Map<string, Value>();
  readonly nodes: RefNode[] = [];
  readonly pool: Candidate[] = [];
  private count = 0;

  leaf(kind: 'input' | 'param', id: string, value: Value): Candidate {
    (kind === 'input' ? this.inputs : this.params)[id] = specOf(value);
    this.leaves.set(id, value);
    const c: Candidate = { id, value, isNode: false, uses: 0, retired: false };
    this.pool.push(c);
    return c;
  }

  /** A new param leaf shaped `shape`, its elements from `data` (values in [-1, 1]). */
  newParam(shape: number[], data: readonly number[]): Candidate {
    return this.leaf('param', `p${this.count++}`, { shape, data: data.slice(0, sizeOfShape(shape)) });
  }

  /** A readable candidate that `accept`s, picked by the fraction t in [0, 1). */
  pick(t: number, accept: (c: Candidate) => boolean = () => true): Candidate | undefined {
    const open = this.pool.filter((c) => !c.retired && (!c.isNode || c.uses < MAX_USES) && accept(c));
    if (open.length === 0) return undefined;
    if (t < 0.35) return open[open.length - 1];
    if (t < 0.7) {
      const used = open.filter((c) => c.isNode && c.uses > 0);
      if (used.length) return used[Math.floor(((t - 0.35) / 0.35) * used.length)];
    }
    return open[Math.floor(t * open.length)];
  }

  /**
   * Appends `op(args)`. A result outside [-BOUND, BOUND] is wrapped in tanh, and only the tanh is
   * readable (unless `bounded` is false: the sums that make the output are read by nothing random).
   */
  node(op: RefOp, args: (Candidate | number)[], bounded = true): Candidate {
    const value = refForward(
      op,
      args.map((a) => (typeof a === 'number' ? { shape: [], data: [a] } : a.value)),
    );
    const id = `n${this.count++}`;
    this.nodes.push({ id, op, args: args.map((a): Arg => (typeof a === 'number' ? a : a.id)) });
    for (const a of args) if (typeof a !== 'number') a.uses++;
    const c: Candidate = { id, value, isNode: true, uses: 0, retired: false };
    this.pool.push(c);
    if (!bounded || maxAbs(value) <= BOUND) return c;
    c.retired = true;
    return this.node('tanh', [c]);
  }

  /** A unary op, replaced by tanh where its arg sits near a kink. */
  unary(op: UnaryOp, a: Candidate): Candidate {
    return this.node(KINKED.has(op) && minAbs(a.value) < 1e-3 ? 'tanh' : op, [a]);
  }

  /** A binary op of two readable candidates or literals; a divisor is kept away from 0. */
  binary(op: BinaryOp, a: Candidate | number, b: Candidate | number, t: number): Candidate {
    if (op === 'div' && (typeof b === 'number' ? Math.abs(b) : minAbs(b.value)) < 0.5) b = safeDivisor(t);
    return this.node(op, [a, b]);
  }

  /**
   * The output: every node that nothing reads (dangling ones aside), reduced to a scalar by
   * `reduce` where it is not one, added up. So the output depends on nearly every node, each
   * sink's gradient is 1 (or 1/n through a mean), and the independent ids are the dangling nodes,
   * what only they read, and the unused leaves.
   */
  finish(reduce: (k: number) => 'sum' | 'mean'): string {
    const sinks = this.pool.filter((c) => c.isNode && !c.retired && c.uses === 0);
    if (sinks.length === 0) sinks.push(this.pool[this.pool.length - 1]); // every node dangles
    const scalars = sinks.map((c, k) => (c.value.shape.length === 0 ? c : this.node(reduce(k), [c], false)));
    return scalars.reduce((total, c) => this.node('add', [total, c], false)).id;
  }

  /**
   * The graph as the wire writes it, its nodes in the order built or reversed (nodes may be
   * written in any order: the tape sorts them itself; the reference keeps the order built).
   */
  spec(output: string, reversed = false): GraphSpec {
    const nodes: NodeSpec[] = this.nodes.map((n) => ({ id: n.id, op: n.op, args: [...n.args] }));
    if (reversed) nodes.reverse();
    return { inputs: { ...this.inputs }, params: { ...this.params }, nodes, output };
  }

  ref(output: string): RefGraph {
    return { leaves: new Map(this.leaves), nodes: [...this.nodes], output };
  }
}

/** How many distinct later nodes read each node (a node reading x twice counts once). */
function userCounts(nodes: readonly RefNode[]): Map<string, number> {
  const users = new Map<string, Set<string>>(nodes.map((n) => [n.id, new Set<string>()]));
  for (const n of nodes) for (const a of n.args) if (typeof a === 'string') users.get(a)?.add(n.id);
  return new Map([...users].map(([id, s]) => [id, s.size]));
}

/** What the random graphs covered, summed over a run (so that a test can say it was exercised). */
interface Coverage {
  graphs: number;
  nodes: number;
  maxNodes: number;
  /** Interior nodes (with users) by their number of distinct users. */
  byUsers: number[];
  /** Leaves and nodes the output does not depend on (their gradient must be 0). */
  independent: number;
  ops: Set<string>;
}

const newCoverage = (): Coverage => ({
  graphs: 0,
  nodes: 0,
  maxNodes: 0,
  byUsers: [0, 0, 0, 0],
  independent: 0,
  ops: new Set(),
});

function cover(coverage: Coverage, graph: RefGraph, ref: RefResult): void {
  coverage.graphs++;
  coverage.nodes += graph.nodes.length;
  coverage.maxNodes = Math.max(coverage.maxNodes, graph.nodes.length);
  for (const [, n] of userCounts(graph.nodes)) if (n > 0) coverage.byUsers[Math.min(n, 3)]++;
  for (const n of graph.nodes) coverage.ops.add(n.op);
  // Structurally independent: not reachable backwards from the output.
  const needed = new Set([graph.output]);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k];
    if (needed.has(n.id)) for (const a of n.args) if (typeof a === 'string') needed.add(a);
  }
  for (const id of ref.values.keys()) if (!needed.has(id)) coverage.independent++;
}

/**
 * Uniform in [0, 1). (fc.double draws uniformly among representable doubles, so on [0, 1) most
 * of its draws would be tiny, 1e-200 and the like; on [1, 2) every double has the same exponent,
 * and uniform among them is uniform in value.)
 */
const fraction = fc.double({ min: 1, max: 2, maxExcluded: true, noNaN: true }).map((x) => x - 1);
/** Uniform in [-1, 1). */
const unit = fraction.map((t) => 2 * t - 1);
/** A literal arg in [-2, 2), some of the time. */
const maybeLiteral = fc.option(
  fraction.map((t) => 4 * t - 2),
  { freq: 4, nil: null },
);
/** About one node in twelve is left dangling. */
const dangling = fc.nat(11).map((k) => k === 0);

// ---------------------------------------------------------------------------------------------
// Scalar graphs

const SCALAR_OPS: readonly RefOp[] = [...UNARY_OPS, ...BINARY_OPS, 'sum', 'mean'];

const scalarStep = fc.record({
  op: fc.constantFrom(...SCALAR_OPS),
  a: fraction,
  b: fraction,
  literal: maybeLiteral,
  /** A literal goes first: 0.5 - x, 2 / x (a divisor too near 0 becomes a literal: a node of constants only). */
  literalFirst: fc.boolean(),
  dangling,
});

const scalarPlan = fc.record({
  leaves: fc.array(unit, { minLength: 1, maxLength: 6 }),
  /** Value of a leaf no node reads (its gradient is 0). */
  unused: unit,
  steps: fc.array(scalarStep, { minLength: 1, maxLength: 160, size: 'max' }),
  /** The nodes are written last first. */
  reversed: fc.boolean(),
});

type ScalarPlan = typeof scalarPlan extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  builder: GraphBuilder;
  output: string;
}

function buildScalar(plan: ScalarPlan): Built {
  const g = new GraphBuilder();
  plan.leaves.forEach((x, i) => g.leaf(i % 2 ? 'param' : 'input', `x${i}`, { shape: [], data: [x] }));
  for (const step of plan.steps) {
    const a = g.pick(step.a)!; // leaves are always readable
    let c: Candidate;
    if ((BINARY_OPS as readonly RefOp[]).includes(step.op)) {
      const b = step.literal ?? g.pick(step.b)!;
      c =
        step.literalFirst && typeof b === 'number'
          ? g.binary(step.op as BinaryOp, b, a, step.b)
          : g.binary(step.op as BinaryOp, a, b, step.b);
    } else if (step.op === 'sum' || step.op === 'mean') c = g.node(step.op, [a]);
    else c = g.unary(step.op as UnaryOp, a);
    if (step.dangling) c.retired = true;
  }
  return { builder: g, output: g.finish(() => 'sum') };
}

/** The graph with one more leaf, read by no node: a scalar (the tape runs its scalar loop) or a 1-element vector. */
function withUnusedLeaf(
  { builder, output }: Built,
  plan: ScalarPlan,
  asVector: boolean,
): { spec: GraphSpec; graph: RefGraph } {
  const { unused } = plan;
  const spec = builder.spec(output, plan.reversed);
  const graph = builder.ref(output);
  const value: Value = asVector ? { shape: [1], data: [unused] } : { shape: [], data: [unused] };
  spec.inputs = { ...spec.inputs, unused: specOf(value) };
  (graph.leaves as Map<string, Value>).set('unused', value);
  return { spec, graph };
}

// ---------------------------------------------------------------------------------------------
// Tensor graphs

const PAIRINGS = ['scalar', 'same', 'vector-matrix', 'row-column', 'column-matrix', 'row-matrix', 'any'] as const;

const TENSOR_OPS: readonly RefOp[] = [
  ...UNARY_OPS,
  ...BINARY_OPS,
  ...BINARY_OPS,
  'sum',
  'mean',
  'matmul',
  'matmul',
  'transpose',
  'linear',
  'linear',
];

const block = fc.array(unit, { minLength: 16, maxLength: 16 });

const tensorStep = fc.record({
  op: fc.constantFrom(...TENSOR_OPS),
  a: fraction,
  b: fraction,
  c: fraction,
  literal: maybeLiteral,
  /** How the two args of a binary op are shaped, one against the other. */
  pairing: fc.constantFrom(...PAIRINGS),
  /** A binary op takes its args the other way round. */
  swap: fc.boolean(),
  dangling,
  /** The first arg may be a scalar (otherwise it is a vector or a matrix): 1 step in 8. */
  scalarFirst: fc.nat(7).map((k) => k === 0),
  /** Elements of any new param this step creates. */
  data: block,
});

const tensorPlan = fc.record({
  dims: fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 })).filter(([m, n]) => m !== n),
  leaves: fc.array(block, { minLength: 6, maxLength: 6 }),
  steps: fc.array(tensorStep, { minLength: 1, maxLength: 40, size: 'max' }),
  /** How each non-scalar sink is reduced for the output, in turn. */
  reduce: fc.array(fc.constantFrom('sum' as const, 'mean' as const), { minLength: 1, maxLength: 4 }),
  reversed: fc.boolean(),
});

type TensorPlan = typeof tensorPlan extends fc.Arbitrary<infer T> ? T : never;
type TensorStep = TensorPlan['steps'][number];

const rank = (c: Candidate): number => c.value.shape.length;
const lastDim = (c: Candidate): number => c.value.shape[c.value.shape.length - 1];
const dimOf = (t: number): number => 2 + Math.floor(t * 3);
const isVector = (c: Candidate): boolean => rank(c) === 1;
const isRow = (c: Candidate): boolean => rank(c) === 2 && c.value.shape[0] === 1;
const isColumn = (c: Candidate): boolean => rank(c) === 2 && c.value.shape[1] === 1;
/** Two or more rows. */
const isMatrix = (c: Candidate): boolean => rank(c) === 2 && c.value.shape[0] > 1;

/**
 * The two args of a binary op, shaped as the step's pairing says: the second is a readable
 * candidate of the shape it needs or, when there is none, a new param of that shape. (The
 * leaves s, v, M, col and row are always readable, so every pairing finds a first arg.)
 */
function broadcastPair(
  g: GraphBuilder,
  step: TensorStep,
  any: Candidate,
): [Candidate | number, Candidate] | [Candidate, Candidate | number] {
  const first = (accept: (c: Candidate) => boolean): Candidate => g.pick(step.a, accept) ?? any;
  const second = (accept: (c: Candidate) => boolean, shape: number[]): Candidate =>
    g.pick(step.b, accept) ?? g.newParam(shape, step.data);
  switch (step.pairing) {
    case 'scalar': {
      const a = first((c) => rank(c) >= 1);
      return [a, step.literal ?? second((c) => rank(c) === 0, [])];
    }
    case 'same': {
      const a = first(() => true);
      return [a, second((c) => c.value.shape.join() === a.value.shape.join(), [...a.value.shape])];
    }
    case 'vector-matrix': {
      // [k] against [r, k]: the vector is repeated down the rows.
      const a = first(isVector);
      const k = lastDim(a);
      return [a, second((c) => isMatrix(c) && c.value.shape[1] === k, [dimOf(step.c), k])];
    }
    case 'row-column': {
      // [1, k] or [k] against [r, 1]: an outer sum or product, [r, k].
      const a = first(step.c < 0.5 ? isRow : isVector);
      return [a, second(isColumn, [dimOf(step.c), 1])];
    }
    case 'column-matrix': {
      const a = first(isColumn);
      const r = a.value.shape[0];
      return [a, second((c) => isMatrix(c) && c.value.shape[0] === r, [r, dimOf(step.c)])];
    }
    case 'row-matrix': {
      const a = first(isRow);
      const k = a.value.shape[1];
      return [a, second((c) => isMatrix(c) && c.value.shape[1] === k, [dimOf(step.c), k])];
    }
    case 'any': {
      const fits = (c: Candidate): boolean => broadcastShapes(any.value.shape, c.value.shape) !== null;
      return [any, step.literal ?? g.pick(step.b, fits)!];
    }
  }
}

function buildTensor(plan: TensorPlan): Built {
  const [m, n] = plan.dims;
  const g = new GraphBuilder();
  // The shapes broadcasting is about: [], [n], [m, n], [m, 1], [1, n]; and one leaf no node reads.
  const shapes: [string, number[]][] = [
    ['s', []],
    ['v', [n]],
    ['M', [m, n]],
    ['col', [m, 1]],
    ['row', [1, n]],
  ];
  shapes.forEach(([id, shape], i) =>
    g.leaf(i % 2 ? 'param' : 'input', id, { shape, data: plan.leaves[i].slice(0, sizeOfShape(shape)) }),
  );
  g.leaf('input', 'unused', { shape: [m, n], data: plan.leaves[5].slice(0, m * n) });
  g.pool[g.pool.length - 1].retired = true;

  for (const step of plan.steps) {
    const a = g.pick(step.a, (x) => step.scalarFirst || rank(x) >= 1)!;
    let c: Candidate;
    if ((BINARY_OPS as readonly RefOp[]).includes(step.op)) {
      const [x, y] = broadcastPair(g, step, a);
      c = step.swap ? g.binary(step.op as BinaryOp, y, x, step.c) : g.binary(step.op as BinaryOp, x, y, step.c);
    } else if (step.op === 'sum' || step.op === 'mean') {
      c = g.node(step.op, [a]);
    } else if (step.op === 'transpose') {
      const x = g.pick(step.a, (x) => rank(x) === 2);
      c = x ? g.node('transpose', [x]) : g.unary('tanh', a);
    } else if (step.op === 'matmul') {
      // [k] or [r, k] on the left; on the right a readable [k] or [k, q], or a new param.
      const x = g.pick(step.a, (x) => rank(x) >= 1)!;
      const k = lastDim(x);
      const y =
        (step.c >= 0.4 ? g.pick(step.b, (y) => rank(y) >= 1 && y.value.shape[0] === k) : undefined) ??
        g.newParam(step.c < 0.2 ? [k] : [k, dimOf(step.b)], step.data);
      if (!matmulShape(x.value.shape, y.value.shape)) throw new Error('builder: matmul shapes');
      c = g.node('matmul', [x, y]);
    } else if (step.op === 'linear') {
      // x [n_in] or [B, n_in]; W [n_out, n_in]; b [n_out], a scalar, or a literal.
      const x = g.pick(step.a, (x) => rank(x) >= 1)!;
      const nIn = lastDim(x);
      const W =
        (step.c >= 0.4 ? g.pick(step.b, (w) => rank(w) === 2 && w.value.shape[1] === nIn) : undefined) ??
        g.newParam([dimOf(step.b), nIn], step.data);
      const nOut = W.value.shape[0];
      const bias: Candidate | number =
        step.literal ??
        g.pick(step.c, (b) => (rank(b) === 1 && b.value.shape[0] === nOut) || (rank(b) === 0 && step.c < 0.5)) ??
        g.newParam([nOut], step.data.slice(16 - nOut));
      const biasShape = typeof bias === 'number' ? [] : bias.value.shape;
      if (!linearShape(x.value.shape, W.value.shape, biasShape)) throw new Error('builder: linear shapes');
      c = g.node('linear', [x, W, bias]);
    } else c = g.unary(step.op as UnaryOp, a);
    if (step.dangling) c.retired = true;
  }
  return { builder: g, output: g.finish((k) => plan.reduce[k % plan.reduce.length]) };
}

// ---------------------------------------------------------------------------------------------

describe('tape against a reference evaluator', () => {
  it('matches values and gradients of random scalar graphs, on the scalar loop and on the general path', () => {
    // The scalar loop runs when every slot is a scalar. To run the same nodes on the general
    // path (evaluate.ts: one-element nodes on their scalar kernels, one at a time, as a tape
    // with tensors runs them), the same graph is compiled once more with its unused leaf a
    // 1-element vector [x] instead of the scalar x: no node reads that leaf, so every node keeps
    // its shape [], its value and its gradient, but the tape is no longer all-scalar. Both runs
    // are compared with the reference and with each other. The tensor kernels themselves run in
    // the tensor graphs below, and ops.test.ts checks them against the scalar kernels on one element.
    const coverage = newCoverage();
    fc.assert(
      fc.property(scalarPlan, (plan) => {
        const built = buildScalar(plan);
        const scalar = withUnusedLeaf(built, plan, false);
        const vector = withUnusedLeaf(built, plan, true);
        const ref = evaluateReference(scalar.graph);
        cover(coverage, scalar.graph, ref);

        const onLoop = runTape(scalar.spec);
        expect(onLoop.tape.allScalar).toBe(true);
        assertAgree(onLoop, ref, 'scalar loop');

        const onGeneral = runTape(vector.spec);
        expect(onGeneral.tape.allScalar).toBe(false);
        assertAgree(onGeneral, evaluateReference(vector.graph), 'general path');

        for (const id of ref.values.keys()) {
          const [v1, v2] = [at(onLoop.tape, onLoop.values, id), at(onGeneral.tape, onGeneral.values, id)];
          const [g1, g2] = [at(onLoop.tape, onLoop.grads, id), at(onGeneral.tape, onGeneral.grads, id)];
          if (!close(v2, v1) || !close(g2, g1))
            throw new Error(`${id}: scalar loop (${v1}, d ${g1}) and general path (${v2}, d ${g2}) differ`);
        }
      }),
      { numRuns: 100 },
    );
    // The runs did exercise what this test is about: interior nodes with two and with three users
    // (whose gradients must be summed before they propagate), on average one of each per graph at
    // least (a run draws about ten of each per graph).
    expect(coverage.byUsers[2]).toBeGreaterThanOrEqual(coverage.graphs);
    expect(coverage.byUsers[3]).toBeGreaterThanOrEqual(coverage.graphs);
    expect(coverage.independent).toBeGreaterThan(coverage.graphs); // the unused leaf, and more
    expect(coverage.maxNodes).toBeGreaterThanOrEqual(150);
    expect([...SCALAR_OPS].filter((op) => !coverage.ops.has(op))).toEqual([]);
  });

  it('matches values and gradients of random tensor graphs with broadcasting, reductions, matmul and linear', () => {
    const coverage = newCoverage();
    const shapePairs = new Map<string, number>();
    fc.assert(
      fc.property(tensorPlan, (plan) => {
        const { builder, output } = buildTensor(plan);
        const graph = builder.ref(output);
        const ref = evaluateReference(graph);
        cover(coverage, graph, ref);
        for (const node of graph.nodes) {
          if ((BINARY_OPS as readonly string[]).includes(node.op)) {
            // Shapes written with k for a dim > 1, the pair in either order: '[k,1] [1,k]'.
            const shapes = node.args.map(
              (a) =>
                `[${
                  typeof a === 'number'
                    ? ''
                    : ref.values
                        .get(a)!
                        .shape.map((d) => (d === 1 ? 1 : 'k'))
                        .join(',')
                }]`,
            );
            const key = shapes.sort().join(' ');
            shapePairs.set(key, (shapePairs.get(key) ?? 0) + 1);
          }
        }
        const evaluated = runTape(builder.spec(output, plan.reversed));
        expect(evaluated.tape.allScalar).toBe(false);
        assertAgree(evaluated, ref, 'tensor graph');
      }),
      { numRuns: 60 },
    );
    // Interior nodes with two and three users: on average at least one of each per graph (a run draws two or three).
    expect(coverage.byUsers[2]).toBeGreaterThanOrEqual(coverage.graphs);
    expect(coverage.byUsers[3]).toBeGreaterThanOrEqual(coverage.graphs);
    expect(coverage.independent).toBeGreaterThan(coverage.graphs);
    expect([...TENSOR_OPS].filter((op) => !coverage.ops.has(op))).toEqual([]);
    // Every kind of broadcast was there (k: a dim > 1): a scalar against a matrix, a vector, a
    // column or a row against a matrix, a row (or a vector) against a column.
    const pairs = ['[] [k,k]', '[k,k] [k]', '[k,1] [k,k]', '[1,k] [k,k]', '[1,k] [k,1]', '[k,1] [k]', '[k,k] [k,k]'];
    expect(pairs.filter((p) => !shapePairs.has(p))).toEqual([]);
  });

  describe('hand-worked gradients (the chain rule written out)', () => {
    /** Values and gradients of a graph on the tape and in the reference. */
    function both(spec: GraphSpec) {
      const tape = runTape(spec);
      const ref = evaluateReference(refGraphOf(spec));
      return {
        value: (id: string) => [at(tape.tape, tape.values, id), ref.values.get(id)!.data[0]],
        grad: (id: string) => [at(tape.tape, tape.grads, id), ref.grads.get(id)!.data[0]],
        grads: (id: string) => [elementsOf(tape.tape, tape.grads, id), ref.grads.get(id)!.data],
      };
    }
    /** Both the tape's number and the reference's equal the hand-worked one, to the same 1e-12 relative. */
    const expectNear = (x: number, expected: number) =>
      expect(Math.abs(x - expected)).toBeLessThanOrEqual(RTOL * Math.max(1, Math.abs(expected)));
    const expectEach = (pair: readonly number[], expected: number) => pair.forEach((x) => expectNear(x, expected));
    const expectEachArray = (pair: readonly (readonly number[])[], expected: readonly number[]) =>
      pair.forEach((xs) => {
        expect(xs).toHaveLength(expected.length);
        xs.forEach((x, i) => expectNear(x, expected[i]));
      });

    it('a node read by two users gets the sum of both contributions: v = tanh(x); L = v*w + v', () => {
      const x = 0.7,
        w = -1.3;
      const r = both({
        inputs: { x },
        params: { w },
        nodes: [
          { id: 'v', op: 'tanh', args: ['x'] },
          { id: 'vw', op: 'mul', args: ['v', 'w'] },
          { id: 'L', op: 'add', args: ['vw', 'v'] },
        ],
      });
      const v = Math.tanh(x);
      // dL/dv = w (through v*w) + 1 (through + v); dL/dx = dL/dv · (1 - v²); dL/dw = v.
      const dv = w + 1;
      expectEach(r.grad('v'), dv);
      expectEach(r.grad('x'), dv * (1 - v * v));
      expectEach(r.grad('w'), v);
      expectEach(r.grad('vw'), 1);
    });

    it('a node read by three users, and a leaf read directly and through it: s = x + w; L = s*x + exp(s) + s/2', () => {
      const x = -0.4,
        w = 0.9;
      const r = both({
        inputs: { x },
        params: { w },
        nodes: [
          { id: 's', op: 'add', args: ['x', 'w'] },
          { id: 'p', op: 'mul', args: ['s', 'x'] },
          { id: 'e', op: 'exp', args: ['s'] },
          { id: 'h', op: 'div', args: ['s', 2] },
          { id: 'pe', op: 'add', args: ['p', 'e'] },
          { id: 'L', op: 'add', args: ['pe', 'h'] },
        ],
      });
      const s = x + w;
      // dL/ds = x (from s*x) + e^s (from exp) + 1/2 (from s/2).
      const ds = x + Math.exp(s) + 0.5;
      expectEach(r.value('L'), s * x + Math.exp(s) + s / 2);
      expectEach(r.grad('s'), ds);
      // x is read by s and by p: dL/dx = dL/ds · ds/dx + dL/dp · dp/dx = ds + s.
      expectEach(r.grad('x'), ds + s);
      expectEach(r.grad('w'), ds);
    });

    it('u read by four nodes, one of them twice: u = x*w; a = u + u*u; b = sin(u); L = a + b*u', () => {
      const x = 0.5,
        w = -1.5;
      const r = both({
        inputs: { x },
        params: { w },
        nodes: [
          { id: 'u', op: 'mul', args: ['x', 'w'] },
          { id: 'uu', op: 'mul', args: ['u', 'u'] },
          { id: 'a', op: 'add', args: ['u', 'uu'] },
          { id: 'b', op: 'sin', args: ['u'] },
          { id: 'bu', op: 'mul', args: ['b', 'u'] },
          { id: 'L', op: 'add', args: ['a', 'bu'] },
        ],
      });
      const u = x * w;
      // dL/da = 1, dL/d(bu) = 1, dL/db = u, dL/d(uu) = 1.
      // dL/du = dL/da · 1 + dL/d(uu) · 2u + dL/db · cos(u) + dL/d(bu) · b
      //       = 1 + 2u + u·cos(u) + sin(u).
      const du = 1 + 2 * u + u * Math.cos(u) + Math.sin(u);
      expectEach(r.value('L'), u + u * u + Math.sin(u) * u);
      expectEach(r.grad('b'), u);
      expectEach(r.grad('u'), du);
      expectEach(r.grad('x'), du * w);
      expectEach(r.grad('w'), du * x);
    });

    it('a vector node read by two users, one of them broadcasting it over a matrix: v = tanh(x); L = sum(M * v) + sum(v²)', () => {
      const x = [0.3, -0.8, 1.1];
      const M = [
        [0.5, -1, 2],
        [1.5, 0.25, -0.75],
      ];
      const r = both({
        inputs: { x },
        params: { M },
        nodes: [
          { id: 'v', op: 'tanh', args: ['x'] },
          { id: 'r', op: 'mul', args: ['M', 'v'] },
          { id: 'q', op: 'square', args: ['v'] },
          { id: 'sr', op: 'sum', args: ['r'] },
          { id: 'sq', op: 'sum', args: ['q'] },
          { id: 'L', op: 'add', args: ['sr', 'sq'] },
        ],
      });
      const v = x.map(Math.tanh);
      // dL/dv_j = sum_i M_ij (v_j is broadcast down the rows of M) + 2 v_j.
      const dv = v.map((vj, j) => M[0][j] + M[1][j] + 2 * vj);
      expectEachArray(r.grads('v'), dv);
      expectEachArray(
        r.grads('x'),
        dv.map((d, j) => d * (1 - v[j] * v[j])),
      );
      // dL/dM_ij = v_j.
      expectEachArray(r.grads('M'), [...v, ...v]);
    });
  });
});
