/**
 * The op catalogue. Each entry holds an op's arity, attrs, shape rule, forward and
 * vector-Jacobian product side by side (the idea of PyTorch's derivatives.yaml): `vjp(g, x, y)`
 * returns dOutput/dx_i for every arg, given the incoming gradient `g` (shaped like the result `y`).
 * Semantics, kinks and numerically stable forms follow PyTorch float64.
 */
import { broadcastMap, broadcastShape, forEachBroadcast } from './broadcast.js';
import { logSoftmaxRow, mapRows, matmulData, rowsCols, softmaxRow, transposeData } from './linalg.js';
import { type Shape, type Tensor, filled, map, sameShape, scalar, shapeText, sizeOf, tensor } from './tensor.js';

export interface AttrDef {
  readonly name: string;
  readonly default: number;
  readonly description: string;
}

export type Attrs = Readonly<Record<string, number>>;

export type Vjp = (g: Tensor, x: readonly Tensor[], y: Tensor, attrs: Attrs) => Tensor[];

export type OpKind = 'elementwise' | 'binary' | 'reduction' | 'linear_algebra' | 'last_axis' | 'loss';

export interface OpDef {
  readonly kind: OpKind;
  readonly args: readonly string[];
  readonly attrs: readonly AttrDef[];
  readonly formula: string;
  readonly derivative: string;
  /** Not differentiable at 0: the gradient there follows PyTorch's convention. */
  readonly kinkAtZero?: boolean;
  /** The result's shape, or a message saying why the arg shapes do not fit. */
  shape(shapes: readonly Shape[], attrs: Attrs): Shape | string;
  forward(x: readonly Tensor[], attrs: Attrs): Tensor;
  vjp: Vjp;
}

/** An input outside an op's domain that PyTorch refuses too (e.g. bce of a p outside [0, 1]). */
export class OpDomainError extends Error {}

// ---------------------------------------------------------------------------------------------
// Builders for the families of ops: one formula pair per op, the loops written once.

interface UnaryRule {
  formula: string;
  derivative: string;
  attrs?: AttrDef[];
  kinkAtZero?: boolean;
  f: (x: number, attrs: Attrs) => number;
  /** dy/dx from the input and the result. */
  df: (x: number, y: number, attrs: Attrs) => number;
}

function unary(rule: UnaryRule): OpDef {
  return {
    kind: 'elementwise',
    args: ['a'],
    attrs: rule.attrs ?? [],
    formula: rule.formula,
    derivative: rule.derivative,
    kinkAtZero: rule.kinkAtZero,
    shape: ([a]) => a,
    forward: ([a], attrs) => map(a, (x) => rule.f(x, attrs)),
    vjp: (g, [a], y, attrs) => [map(g, (gi, i) => gi * rule.df(a.data[i], y.data[i], attrs))],
  };
}

interface BinaryRule {
  formula: string;
  derivative: string;
  f: (a: number, b: number) => number;
  /** dy/da and dy/db from the operands and the result. */
  da: (a: number, b: number, y: number) => number;
  db: (a: number, b: number, y: number) => number;
}

function binary(rule: BinaryRule): OpDef {
  return {
    kind: 'binary',
    args: ['a', 'b'],
    attrs: [],
    formula: rule.formula,
    derivative: rule.derivative,
    shape: ([a, b]) => broadcastShape(a, b) ?? `shapes ${shapeText(a)} and ${shapeText(b)} do not broadcast`,
    forward: ([a, b]) => broadcastMap(a, b, broadcastShape(a.shape, b.shape)!, rule.f),
    vjp: (g, [a, b], y) => {
      // Each operand's gradient is summed over the axes along which it was broadcast.
      const ga = new Float64Array(a.data.length);
      const gb = new Float64Array(b.data.length);
      forEachBroadcast(a.shape, b.shape, y.shape, (k, ia, ib) => {
        const av = a.data[ia], bv = b.data[ib], yv = y.data[k];
        ga[ia] += g.data[k] * rule.da(av, bv, yv);
        gb[ib] += g.data[k] * rule.db(av, bv, yv);
      });
      return [tensor(a.shape, ga), tensor(b.shape, gb)];
    },
  };
}

/** A loss of a prediction `p` against a target `y` that broadcast elementwise, reduced to a scalar. */
interface PairLossRule {
  formula: string;
  derivative: string;
  /** The reduction over the n elements of the broadcast shape. */
  reduce: 'sum' | 'mean';
  check?: (p: number) => string | undefined;
  term: (p: number, y: number) => number;
  dp: (p: number, y: number) => number;
  dy: (p: number, y: number) => number;
}

function pairLoss(rule: PairLossRule): OpDef {
  return {
    kind: 'loss',
    args: ['p', 'y'],
    attrs: [],
    formula: rule.formula,
    derivative: rule.derivative,
    shape: ([p, y]) => (broadcastShape(p, y) ? [] : `prediction ${shapeText(p)} and target ${shapeText(y)} do not broadcast`),
    forward: ([p, y]) => {
      const out = broadcastShape(p.shape, y.shape)!;
      if (rule.check) {
        for (const pv of p.data) {
          const problem = rule.check(pv);
          if (problem) throw new OpDomainError(problem);
        }
      }
      let s = 0;
      forEachBroadcast(p.shape, y.shape, out, (_, ip, iy) => {
        s += rule.term(p.data[ip], y.data[iy]);
      });
      return scalar(rule.reduce === 'mean' ? s / sizeOf(out) : s);
    },
    vjp: (g, [p, y]) => {
      const out = broadcastShape(p.shape, y.shape)!;
      const scale = g.data[0] / (rule.reduce === 'mean' ? sizeOf(out) : 1);
      const gp = new Float64Array(p.data.length);
      const gy = new Float64Array(y.data.length);
      forEachBroadcast(p.shape, y.shape, out, (_, ip, iy) => {
        gp[ip] += scale * rule.dp(p.data[ip], y.data[iy]);
        gy[iy] += scale * rule.dy(p.data[ip], y.data[iy]);
      });
      return [tensor(p.shape, gp), tensor(y.shape, gy)];
    },
  };
}

/** An op applied to each row of the last axis: the row's forward and its vjp from the row's g and result. */
interface RowRule {
  formula: string;
  derivative: string;
  forward: (row: Float64Array, out: Float64Array) => void;
  vjp: (g: Float64Array, y: Float64Array, out: Float64Array) => void;
}

function lastAxis(rule: RowRule): OpDef {
  return {
    kind: 'last_axis',
    args: ['a'],
    attrs: [],
    formula: rule.formula,
    derivative: rule.derivative,
    shape: ([a]) => a,
    forward: ([a]) => mapRows(a, rule.forward),
    vjp: (g, _, y) => {
      const [, cols] = rowsCols(y.shape);
      return [mapRows(y, (yr, out, r) => rule.vjp(g.data.subarray(r * cols, (r + 1) * cols), yr, out))];
    },
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** PyTorch's softplus threshold: above it, softplus(x) is x to double precision. */
const SOFTPLUS_THRESHOLD = 20;
/** PyTorch clamps each log of bce at -100 so that p = 0 or 1 gives a finite loss. */
const clampLog = (x: number): number => Math.max(x, -100);
/** PyTorch's floor under p(1 - p) in the bce gradient. */
const BCE_EPSILON = 1e-12;

// ---------------------------------------------------------------------------------------------

export const ops = {
  add: binary({
    formula: 'a + b',
    derivative: 'dy/da = 1, dy/db = 1 (summed over broadcast axes)',
    f: (a, b) => a + b,
    da: () => 1,
    db: () => 1,
  }),
  sub: binary({
    formula: 'a - b',
    derivative: 'dy/da = 1, dy/db = -1',
    f: (a, b) => a - b,
    da: () => 1,
    db: () => -1,
  }),
  mul: binary({
    formula: 'a * b',
    derivative: 'dy/da = b, dy/db = a',
    f: (a, b) => a * b,
    da: (_, b) => b,
    db: (a) => a,
  }),
  div: binary({
    formula: 'a / b',
    derivative: 'dy/da = 1 / b, dy/db = -a / b^2',
    f: (a, b) => a / b,
    da: (_, b) => 1 / b,
    db: (a, b) => -a / (b * b),
  }),
  pow: binary({
    formula: 'a ^ b',
    derivative: 'dy/da = b * a^(b-1) (0 where b = 0), dy/db = y * ln(a) (0 where a = 0 and b >= 0)',
    f: (a, b) => Math.pow(a, b),
    da: (a, b) => (b === 0 ? 0 : b * Math.pow(a, b - 1)),
    db: (a, b, y) => (a === 0 && b >= 0 ? 0 : y * Math.log(a)),
  }),

  neg: unary({ formula: '-a', derivative: 'dy/da = -1', f: (x) => -x, df: () => -1 }),
  exp: unary({ formula: 'e^a', derivative: 'dy/da = e^a = y', f: Math.exp, df: (_, y) => y }),
  log: unary({ formula: 'ln(a)', derivative: 'dy/da = 1 / a', f: Math.log, df: (x) => 1 / x }),
  sqrt: unary({ formula: 'sqrt(a)', derivative: 'dy/da = 1 / (2 * sqrt(a)) = 1 / (2y)', f: Math.sqrt, df: (_, y) => 1 / (2 * y) }),
  abs: unary({
    formula: '|a|',
    derivative: 'dy/da = sign(a), with sign(0) = 0 as in PyTorch',
    kinkAtZero: true,
    f: Math.abs,
    df: (x) => Math.sign(x),
  }),
  square: unary({ formula: 'a^2', derivative: 'dy/da = 2a', f: (x) => x * x, df: (x) => 2 * x }),
  sin: unary({ formula: 'sin(a)', derivative: 'dy/da = cos(a)', f: Math.sin, df: (x) => Math.cos(x) }),
  cos: unary({ formula: 'cos(a)', derivative: 'dy/da = -sin(a)', f: Math.cos, df: (x) => -Math.sin(x) }),
  tanh: unary({ formula: 'tanh(a)', derivative: 'dy/da = 1 - tanh(a)^2 = 1 - y^2', f: Math.tanh, df: (_, y) => 1 - y * y }),
  sigmoid: unary({
    formula: '1 / (1 + e^(-a))',
    derivative: 'dy/da = sigmoid(a) * (1 - sigmoid(a)) = y(1 - y)',
    f: sigmoid,
    df: (_, y) => y * (1 - y),
  }),
  relu: unary({
    formula: 'max(a, 0)',
    derivative: "dy/da = 1 if a > 0 else 0 (relu'(0) = 0 as in PyTorch)",
    kinkAtZero: true,
    f: (x) => (x > 0 ? x : 0),
    df: (x) => (x > 0 ? 1 : 0),
  }),
  leaky_relu: unary({
    formula: 'a if a > 0 else alpha * a',
    derivative: "dy/da = 1 if a > 0 else alpha (leaky_relu'(0) = alpha as in PyTorch)",
    attrs: [{ name: 'alpha', default: 0.01, description: 'slope for a <= 0' }],
    kinkAtZero: true,
    f: (x, { alpha }) => (x > 0 ? x : alpha * x),
    df: (x, _, { alpha }) => (x > 0 ? 1 : alpha),
  }),
  softplus: unary({
    formula: 'ln(1 + e^a), or a where a > 20 (PyTorch threshold)',
    derivative: 'dy/da = sigmoid(a) = e^a / (1 + e^a), or 1 where a > 20',
    f: (x) => (x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x))),
    df: (x) => {
      if (x > SOFTPLUS_THRESHOLD) return 1;
      const z = Math.exp(x);
      return z / (z + 1);
    },
  }),
  identity: unary({ formula: 'a', derivative: 'dy/da = 1', f: (x) => x, df: () => 1 }),

  sum: {
    kind: 'reduction',
    args: ['a'],
    attrs: [],
    formula: 'sum of all elements of a (a scalar)',
    derivative: 'dy/da_i = 1',
    shape: () => [],
    forward: ([a]) => scalar(a.data.reduce((s, x) => s + x, 0)),
    vjp: (g, [a]) => [filled(a.shape, g.data[0])],
  },
  mean: {
    kind: 'reduction',
    args: ['a'],
    attrs: [],
    formula: 'mean of all elements of a (a scalar)',
    derivative: 'dy/da_i = 1 / n',
    shape: () => [],
    forward: ([a]) => scalar(a.data.reduce((s, x) => s + x, 0) / a.data.length),
    vjp: (g, [a]) => [filled(a.shape, g.data[0] / a.data.length)],
  },

  matmul: {
    kind: 'linear_algebra',
    args: ['a', 'b'],
    attrs: [],
    formula: 'a @ b as NumPy matmul: [n]@[n] -> [], [m,n]@[n] -> [m], [n]@[n,p] -> [p], [m,n]@[n,p] -> [m,p]',
    derivative: 'dL/da = g @ b^T, dL/db = a^T @ g (vectors read as a row of a, a column of b)',
    shape: ([a, b]) => {
      if (a.length === 0 || b.length === 0) return `matmul needs vectors or matrices, got ${shapeText(a)} and ${shapeText(b)} (use mul for scalars)`;
      const n = a[a.length - 1];
      const nb = b.length === 2 ? b[0] : b[0];
      if (n !== nb) return `inner dimensions differ: a ${shapeText(a)} has ${n} columns, b ${shapeText(b)} has ${nb} rows`;
      return [...a.slice(0, -1), ...b.slice(1)];
    },
    forward: ([a, b]) => {
      const [m, n] = rowsCols(a.shape);
      const p = b.shape.length === 2 ? b.shape[1] : 1;
      return tensor([...a.shape.slice(0, -1), ...b.shape.slice(1)], matmulData(a.data, b.data, m, n, p));
    },
    vjp: (g, [a, b]) => {
      const [m, n] = rowsCols(a.shape);
      const p = b.shape.length === 2 ? b.shape[1] : 1;
      // g is (m x p) in the same row-major layout whatever the ranks.
      const ga = matmulData(g.data, transposeData(b.data, n, p), m, p, n);
      const gb = matmulData(transposeData(a.data, m, n), g.data, n, m, p);
      return [tensor(a.shape, ga), tensor(b.shape, gb)];
    },
  },
  transpose: {
    kind: 'linear_algebra',
    args: ['a'],
    attrs: [],
    formula: 'a^T of a matrix',
    derivative: 'dL/da = g^T',
    shape: ([a]) => (a.length === 2 ? [a[1], a[0]] : `transpose needs a matrix, got ${shapeText(a)}`),
    forward: ([a]) => tensor([a.shape[1], a.shape[0]], transposeData(a.data, a.shape[0], a.shape[1])),
    vjp: (g, [a]) => [tensor(a.shape, transposeData(g.data, a.shape[1], a.shape[0]))],
  },
  linear: {
    kind: 'linear_algebra',
    args: ['x', 'W', 'b'],
    attrs: [],
    formula: 'x @ W^T + b, with W of shape [n_out, n_in] (PyTorch nn.Linear); x is [n_in] or a batch [B, n_in]',
    derivative: 'dL/dx = g @ W, dL/dW = g^T @ x, dL/db = g summed over the batch',
    shape: ([x, W, b]) => {
      if (W.length !== 2) return `W must be a matrix [n_out, n_in], got ${shapeText(W)}`;
      const [nOut, nIn] = W;
      if (x.length === 0 || x[x.length - 1] !== nIn) return `x ${shapeText(x)} does not fit W ${shapeText(W)}: x needs ${nIn} features in its last axis`;
      if (!(b.length === 0 || (b.length === 1 && b[0] === nOut))) return `b ${shapeText(b)} does not fit W ${shapeText(W)}: b must be [${nOut}]`;
      return x.length === 2 ? [x[0], nOut] : [nOut];
    },
    forward: ([x, W, b]) => {
      const [rows, nIn] = rowsCols(x.shape);
      const nOut = W.shape[0];
      const y = matmulData(x.data, transposeData(W.data, nOut, nIn), rows, nIn, nOut);
      for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) y[r * nOut + j] += b.data[b.data.length === 1 ? 0 : j];
      return tensor(x.shape.length === 2 ? [rows, nOut] : [nOut], y);
    },
    vjp: (g, [x, W, b]) => {
      const [rows, nIn] = rowsCols(x.shape);
      const nOut = W.shape[0];
      const gx = matmulData(g.data, W.data, rows, nOut, nIn);
      const gW = matmulData(transposeData(g.data, rows, nOut), x.data, nOut, rows, nIn);
      const gb = new Float64Array(b.data.length);
      for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) gb[gb.length === 1 ? 0 : j] += g.data[r * nOut + j];
      return [tensor(x.shape, gx), tensor(W.shape, gW), tensor(b.shape, gb)];
    },
  },

  softmax: lastAxis({
    formula: 'e^(a_j - max a) / sum_k e^(a_k - max a), along the last axis',
    derivative: 'dL/da = y * (g - sum(g * y)), per row',
    forward: softmaxRow,
    vjp: (g, y, out) => {
      let dot = 0;
      for (let j = 0; j < y.length; j++) dot += g[j] * y[j];
      for (let j = 0; j < y.length; j++) out[j] = y[j] * (g[j] - dot);
    },
  }),
  log_softmax: lastAxis({
    formula: 'a_j - logsumexp(a), along the last axis (log-sum-exp with the max subtracted)',
    derivative: 'dL/da = g - softmax(a) * sum(g), per row',
    forward: logSoftmaxRow,
    vjp: (g, y, out) => {
      let sg = 0;
      for (let j = 0; j < y.length; j++) sg += g[j];
      for (let j = 0; j < y.length; j++) out[j] = g[j] - Math.exp(y[j]) * sg;
    },
  }),

  half_squared_error: pairLoss({
    formula: '0.5 * sum((p - y)^2)',
    derivative: 'dL/dp = p - y, dL/dy = -(p - y)',
    reduce: 'sum',
    term: (p, y) => 0.5 * (p - y) * (p - y),
    dp: (p, y) => p - y,
    dy: (p, y) => y - p,
  }),
  mse: pairLoss({
    formula: 'mean((p - y)^2)',
    derivative: 'dL/dp = 2(p - y) / n, dL/dy = -2(p - y) / n',
    reduce: 'mean',
    term: (p, y) => (p - y) * (p - y),
    dp: (p, y) => 2 * (p - y),
    dy: (p, y) => 2 * (y - p),
  }),
  bce: pairLoss({
    formula: 'mean(-(y * max(ln p, -100) + (1 - y) * max(ln(1 - p), -100))), p in [0, 1]',
    derivative: 'dL/dp = (p - y) / max(p(1 - p), 1e-12) / n, dL/dy = (ln(1 - p) - ln p) / n',
    reduce: 'mean',
    check: (p) => (p >= 0 && p <= 1 ? undefined : `bce needs probabilities in [0, 1], got ${p}: for logits use bce_with_logits`),
    term: (p, y) => (y - 1) * clampLog(Math.log1p(-p)) - y * clampLog(Math.log(p)),
    dp: (p, y) => (p - y) / Math.max((1 - p) * p, BCE_EPSILON),
    dy: (p) => Math.log1p(-p) - Math.log(p),
  }),
  bce_with_logits: pairLoss({
    formula: 'mean(max(z, 0) - z * y + ln(1 + e^(-|z|)))',
    derivative: 'dL/dz = (sigmoid(z) - y) / n, dL/dy = -z / n',
    reduce: 'mean',
    term: (z, y) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))),
    dp: (z, y) => sigmoid(z) - y,
    dy: (z) => -z,
  }),
  softmax_cross_entropy: {
    kind: 'loss',
    args: ['logits', 'y'],
    attrs: [],
    formula: 'mean over rows of -sum_j(y_j * log_softmax(logits)_j); y holds probabilities (one-hot)',
    derivative: 'dL/dlogits = (softmax(logits) * sum(y) - y) / rows, dL/dy = -log_softmax(logits) / rows',
    shape: ([z, y]) =>
      z.length === 0 ? 'logits must be a vector or a matrix (one row an example)'
      : sameShape(z, y) ? []
      : `logits ${shapeText(z)} and y ${shapeText(y)} must have the same shape`,
    forward: ([z, y]) => {
      const [rows] = rowsCols(z.shape);
      const ls = mapRows(z, logSoftmaxRow);
      let s = 0;
      for (let i = 0; i < ls.data.length; i++) s -= y.data[i] * ls.data[i];
      return scalar(s / rows);
    },
    vjp: (g, [z, y]) => {
      const [rows, cols] = rowsCols(z.shape);
      const scale = g.data[0] / rows;
      const ls = mapRows(z, logSoftmaxRow);
      const gz = new Float64Array(z.data.length);
      const gy = new Float64Array(y.data.length);
      for (let r = 0; r < rows; r++) {
        let ySum = 0;
        for (let j = 0; j < cols; j++) ySum += y.data[r * cols + j];
        for (let j = 0; j < cols; j++) {
          const k = r * cols + j;
          gz[k] = scale * (Math.exp(ls.data[k]) * ySum - y.data[k]);
          gy[k] = -scale * ls.data[k];
        }
      }
      return [tensor(z.shape, gz), tensor(y.shape, gy)];
    },
  },
} satisfies Record<string, OpDef>;

export type OpName = keyof typeof ops;

export const opNames = Object.keys(ops) as OpName[];

export function lookupOp(name: string): OpDef | undefined {
  return Object.hasOwn(ops, name) ? ops[name as OpName] : undefined;
}
