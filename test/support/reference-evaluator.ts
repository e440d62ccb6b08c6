/**
 * A plain reference evaluator for graphs of the contract's ops, independent of src/: its own
 * forward formulas, its own derivatives, written the way a textbook writes them, for testing the
 * compiled tape against.
 *
 * Values are `{ shape, data }` with `data` a plain number[] in row-major order (rank 0 to 2).
 * Forward runs the nodes in the order given (each node's args must come before it). Backward
 * starts from dOutput/dOutput = 1 and walks the nodes in reverse of that same order: each node
 * computes the whole contribution it sends to each of its args (a fresh tensor shaped like the
 * arg) and that contribution is then added to the arg's gradient, so a value used by several
 * nodes (or twice by one) gets the sum of all of them before it passes its own gradient on.
 * Ids the output does not depend on keep a gradient of 0. Number literals among the args are
 * constants: they have a value and no gradient.
 *
 * Nothing here is optimised, nothing is done in place, and nothing is shared with src/engine.
 */

export interface Value {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export type Arg = string | number;

export interface RefNode {
  readonly id: string;
  readonly op: RefOp;
  readonly args: readonly Arg[];
}

export interface RefGraph {
  /** Inputs and params: the leaves, by id. */
  readonly leaves: ReadonlyMap<string, Value>;
  /** In an order where every arg is a leaf, a literal or an earlier node. */
  readonly nodes: readonly RefNode[];
  /** A node (or leaf) with a scalar value. */
  readonly output: string;
}

export interface RefResult {
  /** Every leaf's and node's value. */
  readonly values: Map<string, Value>;
  /** dOutput/dId for every leaf and node, shaped like the id's value. */
  readonly grads: Map<string, Value>;
}

// ---------------------------------------------------------------------------------------------
// Shapes

export const sizeOfShape = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

export const scalarValue = (x: number): Value => ({ shape: [], data: [x] });

export const zerosLike = (shape: readonly number[]): number[] => new Array<number>(sizeOfShape(shape)).fill(0);

/**
 * NumPy broadcasting: align the shapes on the right; each pair of dims must be equal or one of
 * them 1; the result takes the larger. Null when they do not broadcast.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    const da = k < rank - a.length ? 1 : a[k - (rank - a.length)];
    const db = k < rank - b.length ? 1 : b[k - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The multi-index of element `flat` of a row-major tensor of this shape. */
function unflatten(shape: readonly number[], flat: number): number[] {
  const index = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    index[k] = flat % shape[k];
    flat = Math.floor(flat / shape[k]);
  }
  return index;
}

/** The element of an arg of shape `shape` that element `outIndex` of the broadcast result reads. */
function broadcastSource(shape: readonly number[], outIndex: readonly number[]): number {
  const offset = outIndex.length - shape.length;
  let flat = 0;
  for (let k = 0; k < shape.length; k++) {
    const i = shape[k] === 1 ? 0 : outIndex[k + offset];
    flat = flat * shape[k] + i;
  }
  return flat;
}

// ---------------------------------------------------------------------------------------------
// The ops

interface Unary {
  f: (x: number) => number;
  /** dy/dx at x. */
  df: (x: number) => number;
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

const unaryOps = {
  neg: { f: (x) => -x, df: () => -1 },
  exp: { f: (x) => Math.exp(x), df: (x) => Math.exp(x) },
  tanh: { f: (x) => Math.tanh(x), df: (x) => 1 - Math.tanh(x) ** 2 },
  sigmoid: { f: logistic, df: (x) => logistic(x) * (1 - logistic(x)) },
  square: { f: (x) => x * x, df: (x) => 2 * x },
  sin: { f: (x) => Math.sin(x), df: (x) => Math.cos(x) },
  cos: { f: (x) => Math.cos(x), df: (x) => -Math.sin(x) },
  // Kinked at 0: callers keep their args away from 0, where every convention agrees.
  relu: { f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0) },
  abs: { f: (x) => Math.abs(x), df: (x) => (x > 0 ? 1 : -1) },
  leaky_relu: { f: (x) => (x > 0 ? x : 0.01 * x), df: (x) => (x > 0 ? 1 : 0.01) },
  // Only for |x| well below PyTorch's threshold of 20, where softplus is the plain formula.
  softplus: { f: (x) => Math.log(1 + Math.exp(x)), df: (x) => logistic(x) },
  identity: { f: (x) => x, df: () => 1 },
} satisfies Record<string, Unary>;

interface Binary {
  f: (a: number, b: number) => number;
  /** dy/da and dy/db at (a, b). */
  da: (a: number, b: number) => number;
  db: (a: number, b: number) => number;
}

const binaryOps = {
  add: { f: (a, b) => a + b, da: () => 1, db: () => 1 },
  sub: { f: (a, b) => a - b, da: () => 1, db: () => -1 },
  mul: { f: (a, b) => a * b, da: (_a, b) => b, db: (a) => a },
  div: { f: (a, b) => a / b, da: (_a, b) => 1 / b, db: (a, b) => -a / (b * b) },
} satisfies Record<string, Binary>;

export type UnaryOp = keyof typeof unaryOps;
export type BinaryOp = keyof typeof binaryOps;
export type RefOp = UnaryOp | BinaryOp | 'sum' | 'mean' | 'matmul' | 'transpose' | 'linear';

export const UNARY_OPS = Object.keys(unaryOps) as UnaryOp[];
export const BINARY_OPS = Object.keys(binaryOps) as BinaryOp[];

const isUnary = (op: RefOp): op is UnaryOp => Object.hasOwn(unaryOps, op);
const isBinary = (op: RefOp): op is BinaryOp => Object.hasOwn(binaryOps, op);

/** A (rows x cols) matrix read from a value: a vector is one row (or one column when `asColumn`). */
interface Matrix {
  rows: number;
  cols: number;
  at: (i: number, j: number) => number;
}

function asMatrix(v: Value, asColumn = false): Matrix {
  if (v.shape.length === 2) {
    const [rows, cols] = v.shape;
    return { rows, cols, at: (i, j) => v.data[i * cols + j] };
  }
  if (v.shape.length !== 1)
    throw new Error(`reference: matmul/linear needs a vector or a matrix, got [${v.shape.join(', ')}]`);
  const n = v.shape[0];
  return asColumn ? { rows: n, cols: 1, at: (i) => v.data[i] } : { rows: 1, cols: n, at: (_i, j) => v.data[j] };
}

/** NumPy matmul's result shape for 1-D and 2-D operands, or null when the inner dims differ. */
export function matmulShape(a: readonly number[], b: readonly number[]): number[] | null {
  if (a.length === 0 || b.length === 0 || a.length > 2 || b.length > 2) return null;
  if (a[a.length - 1] !== b[0]) return null;
  return [...a.slice(0, -1), ...b.slice(1)];
}

/** linear(x, W, b) = x @ W^T + b with W [n_out, n_in]; b is [n_out] or a scalar. */
export function linearShape(x: readonly number[], W: readonly number[], b: readonly number[]): number[] | null {
  if (W.length !== 2 || x.length < 1 || x.length > 2 || x[x.length - 1] !== W[1]) return null;
  if (!(b.length === 0 || (b.length === 1 && b[0] === W[0]))) return null;
  return x.length === 2 ? [x[0], W[0]] : [W[0]];
}

/** The value of `op` at `xs`. Throws on shapes the op does not take. */
export function refForward(op: RefOp, xs: readonly Value[]): Value {
  if (isUnary(op)) {
    const { f } = unaryOps[op];
    return { shape: xs[0].shape, data: xs[0].data.map((x) => f(x)) };
  }
  if (isBinary(op)) {
    const [a, b] = xs;
    const shape = broadcastShapes(a.shape, b.shape);
    if (!shape)
      throw new Error(`reference: ${op} of [${a.shape.join(', ')}] and [${b.shape.join(', ')}] does not broadcast`);
    const { f } = binaryOps[op];
    const data = zerosLike(shape).map((_, k) => {
      const index = unflatten(shape, k);
      return f(a.data[broadcastSource(a.shape, index)], b.data[broadcastSource(b.shape, index)]);
    });
    return { shape, data };
  }
  switch (op) {
    case 'sum':
    case 'mean': {
      let s = 0;
      for (const x of xs[0].data) s += x;
      return scalarValue(op === 'sum' ? s : s / xs[0].data.length);
    }
    case 'transpose': {
      const [m, n] = xs[0].shape;
      if (xs[0].shape.length !== 2) throw new Error('reference: transpose needs a matrix');
      const data: number[] = [];
      for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) data.push(xs[0].data[i * n + j]);
      return { shape: [n, m], data };
    }
    case 'matmul': {
      const [a, b] = xs;
      const shape = matmulShape(a.shape, b.shape);
      if (!shape) throw new Error(`reference: matmul of [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
      const A = asMatrix(a),
        B = asMatrix(b, true);
      const data: number[] = [];
      for (let i = 0; i < A.rows; i++) {
        for (let j = 0; j < B.cols; j++) {
          let s = 0;
          for (let k = 0; k < A.cols; k++) s += A.at(i, k) * B.at(k, j);
          data.push(s);
        }
      }
      return { shape, data };
    }
    case 'linear': {
      const [x, W, b] = xs;
      const shape = linearShape(x.shape, W.shape, b.shape);
      if (!shape)
        throw new Error(
          `reference: linear of x [${x.shape.join(', ')}], W [${W.shape.join(', ')}], b [${b.shape.join(', ')}]`,
        );
      const X = asMatrix(x);
      const [nOut, nIn] = W.shape;
      const data: number[] = [];
      for (let r = 0; r < X.rows; r++) {
        for (let j = 0; j < nOut; j++) {
          let s = 0;
          for (let k = 0; k < nIn; k++) s += X.at(r, k) * W.data[j * nIn + k];
          data.push(s + b.data[b.shape.length === 0 ? 0 : j]);
        }
      }
      return { shape, data };
    }
  }
  throw new Error(`reference: unknown op ${String(op)}`);
}

/**
 * What a node `y = op(xs)` sends back to each of its args when dOutput/dy = g: the vector-Jacobian
 * products dOutput/dy · dy/dx_j, each a fresh array shaped like x_j.
 */
export function refContributions(op: RefOp, xs: readonly Value[], g: readonly number[]): number[][] {
  if (isUnary(op)) {
    const { df } = unaryOps[op];
    return [xs[0].data.map((x, i) => g[i] * df(x))];
  }
  if (isBinary(op)) {
    // Element k of the result reads one element of each arg; summing over k gathers the
    // contributions of a broadcast arg over the axes it was repeated along.
    const [a, b] = xs;
    const shape = broadcastShapes(a.shape, b.shape)!;
    const { da, db } = binaryOps[op];
    const ga = zerosLike(a.shape),
      gb = zerosLike(b.shape);
    for (let k = 0; k < g.length; k++) {
      const index = unflatten(shape, k);
      const ia = broadcastSource(a.shape, index),
        ib = broadcastSource(b.shape, index);
      ga[ia] += g[k] * da(a.data[ia], b.data[ib]);
      gb[ib] += g[k] * db(a.data[ia], b.data[ib]);
    }
    return [ga, gb];
  }
  switch (op) {
    case 'sum':
      return [xs[0].data.map(() => g[0])];
    case 'mean':
      return [xs[0].data.map(() => g[0] / xs[0].data.length)];
    case 'transpose': {
      // y[j][i] = x[i][j], so dx[i][j] = g[j][i].
      const [m, n] = xs[0].shape;
      const gx = zerosLike(xs[0].shape);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) gx[i * n + j] = g[j * m + i];
      return [gx];
    }
    case 'matmul': {
      // C = A B (vectors as a row of A, a column of B): dA = G B^T, dB = A^T G.
      const [a, b] = xs;
      const A = asMatrix(a),
        B = asMatrix(b, true);
      const G = (i: number, j: number): number => g[i * B.cols + j];
      const gA = zerosLike(a.shape),
        gB = zerosLike(b.shape);
      for (let i = 0; i < A.rows; i++) {
        for (let k = 0; k < A.cols; k++) {
          let s = 0;
          for (let j = 0; j < B.cols; j++) s += G(i, j) * B.at(k, j);
          gA[i * A.cols + k] = s;
        }
      }
      for (let k = 0; k < B.rows; k++) {
        for (let j = 0; j < B.cols; j++) {
          let s = 0;
          for (let i = 0; i < A.rows; i++) s += A.at(i, k) * G(i, j);
          gB[k * B.cols + j] = s;
        }
      }
      return [gA, gB];
    }
    case 'linear': {
      // y[r][j] = sum_k x[r][k] W[j][k] + b[j]: dx[r][k] = sum_j g[r][j] W[j][k],
      // dW[j][k] = sum_r g[r][j] x[r][k], db[j] = sum_r g[r][j] (a scalar b: the sum of all of g).
      const [x, W, b] = xs;
      const X = asMatrix(x);
      const [nOut, nIn] = W.shape;
      const G = (r: number, j: number): number => g[r * nOut + j];
      const gx = zerosLike(x.shape),
        gW = zerosLike(W.shape),
        gb = zerosLike(b.shape);
      for (let r = 0; r < X.rows; r++) {
        for (let k = 0; k < nIn; k++) {
          let s = 0;
          for (let j = 0; j < nOut; j++) s += G(r, j) * W.data[j * nIn + k];
          gx[r * nIn + k] = s;
        }
      }
      for (let j = 0; j < nOut; j++) {
        for (let k = 0; k < nIn; k++) {
          let s = 0;
          for (let r = 0; r < X.rows; r++) s += G(r, j) * X.at(r, k);
          gW[j * nIn + k] = s;
        }
      }
      for (let r = 0; r < X.rows; r++) for (let j = 0; j < nOut; j++) gb[b.shape.length === 0 ? 0 : j] += G(r, j);
      return [gx, gW, gb];
    }
  }
  throw new Error(`reference: unknown op ${String(op)}`);
}

/** Every id's value, and every id's gradient dOutput/dId, of a graph. */
export function evaluateReference(graph: RefGraph): RefResult {
  const values = new Map<string, Value>(graph.leaves);
  const argValue = (a: Arg): Value => {
    if (typeof a === 'number') return scalarValue(a);
    const v = values.get(a);
    if (!v) throw new Error(`reference: '${a}' is used before it is defined`);
    return v;
  };
  for (const node of graph.nodes) {
    if (values.has(node.id)) throw new Error(`reference: duplicate id '${node.id}'`);
    values.set(node.id, refForward(node.op, node.args.map(argValue)));
  }

  const out = values.get(graph.output);
  if (out?.shape.length !== 0) throw new Error(`reference: the output '${graph.output}' must be a scalar id`);
  const grads = new Map<string, number[]>();
  for (const [id, v] of values) grads.set(id, zerosLike(v.shape));
  grads.set(graph.output, [1]);

  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const node = graph.nodes[k];
    const g = grads.get(node.id)!;
    // A node the output does not depend on has g = 0 and sends nothing.
    if (g.every((x) => x === 0)) continue;
    const contributions = refContributions(node.op, node.args.map(argValue), g);
    node.args.forEach((a, j) => {
      if (typeof a === 'number') return;
      const target = grads.get(a)!;
      const c = contributions[j];
      if (c.length !== target.length)
        throw new Error(`reference: contribution of ${node.op} to '${a}' has the wrong size`);
      for (let i = 0; i < c.length; i++) target[i] += c[i];
    });
  }

  const shaped = new Map<string, Value>();
  for (const [id, v] of values) shaped.set(id, { shape: v.shape, data: grads.get(id)! });
  return { values, grads: shaped };
}
