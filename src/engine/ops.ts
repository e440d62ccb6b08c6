/**
 * The op catalogue. Each entry holds an op's arity, attrs, shape rule, cost, forward and
 * vector-Jacobian product side by side (the idea of PyTorch's derivatives.yaml), and, for ops
 * that can take scalars, the scalar kernel that the all-scalar loop runs: the same rule, not a
 * second copy of it. Semantics, kinks and numerically stable forms follow PyTorch float64. What an
 * entry is (OpDef) and how its kernels are called is in op-def.ts; the layer ops (convolution,
 * pooling, normalization...) are in layers/.
 */
import { type Localized, plural, say } from '../text.js';
import {
  type BroadcastWalk,
  axisIndex,
  broadcastShape,
  broadcastWalk,
  isMatrixWalk,
  lastAxisRows,
  rowWalk,
  rowsCols,
  splitAtAxis,
} from './broadcast.js';
import { addProduct, asStored, asTransposed, logSoftmaxRow, softmaxRow } from './linalg.js';
import { type AttrDef, type OpDef, OpDomainError, type OpKind, type OpRole } from './op-def.js';
import { layerOps } from './layers/index.js';
import { type Shape, type Tensor, sameShape, shapeText, sizeOf } from './tensor.js';

/** Catalogue text: math alone reads the same in both languages; words are written in each (`say`). */
type Text = string | Localized;
const inBoth = (text: Text): Localized => (typeof text === 'string' ? say(text, text) : text);

/** An entry built by a family builder: its kind and role as literal types, for the lists derived from them. */
type Op<K extends OpKind, R extends OpRole | undefined> = OpDef & { readonly kind: K; readonly role: R };

/** Reading and writing every element once, args and result. */
const elementwiseCost = (shapes: readonly Shape[], out: Shape): number =>
  shapes.reduce((n, s) => n + sizeOf(s), sizeOf(out));

// ---------------------------------------------------------------------------------------------
// Builders for the families of ops: one formula pair per op, the loops written once.

interface RuleText {
  description: Localized;
  formula: Text;
  derivative: Text;
  kinkAtZero?: boolean;
}

interface UnaryRule<R extends OpRole | undefined> extends RuleText {
  role?: R;
  attr?: AttrDef;
  f: (x: number, p: number) => number;
  /** dy/dx from the input and the result. */
  df: (x: number, y: number, p: number) => number;
}

const noDerivative = (): number => 0;

function unary<const R extends OpRole | undefined = undefined>(rule: UnaryRule<R>): Op<'elementwise', R> {
  const { f, df } = rule;
  return {
    kind: 'elementwise',
    args: ['a'],
    attrs: rule.attr ? [rule.attr] : [],
    description: rule.description,
    formula: inBoth(rule.formula),
    derivative: inBoth(rule.derivative),
    kinkAtZero: rule.kinkAtZero,
    role: rule.role as R,
    shape: ([a]) => a,
    cost: elementwiseCost,
    forward: ([a], out, attrs) => {
      const p = attrs[0] ?? 0;
      const x = a.data,
        y = out.data;
      for (let i = 0; i < y.length; i++) y[i] = f(x[i], p);
    },
    vjp: (g, [a], y, [ga], attrs) => {
      const p = attrs[0] ?? 0;
      const x = a.data,
        yd = y.data,
        gd = g.data,
        out = ga.data;
      for (let i = 0; i < out.length; i++) out[i] += gd[i] * df(x[i], yd[i], p);
    },
    scalar: { f: (a, _b, p) => f(a, p), da: (a, _b, y, p) => df(a, y, p), db: noDerivative },
  };
}

interface BinaryRule<R extends OpRole | undefined> extends RuleText {
  role?: R;
  f: (a: number, b: number) => number;
  /** dy/da and dy/db from the operands and the result. */
  da: (a: number, b: number, y: number) => number;
  db: (a: number, b: number, y: number) => number;
}

function binary<const R extends OpRole | undefined = undefined>(rule: BinaryRule<R>): Op<'binary', R> {
  const { f, da, db } = rule;
  const walkOf = (a: Tensor, b: Tensor, out: Tensor): BroadcastWalk => broadcastWalk(a.shape, b.shape, out.shape);
  return {
    kind: 'binary',
    args: ['a', 'b'],
    attrs: [],
    description: rule.description,
    formula: inBoth(rule.formula),
    derivative: inBoth(rule.derivative),
    role: rule.role as R,
    shape: ([a, b]) =>
      broadcastShape(a, b) ??
      say(
        `shapes ${shapeText(a)} and ${shapeText(b)} do not broadcast`,
        `as formas ${shapeText(a)} e ${shapeText(b)} não são compatíveis para broadcasting`,
      ),
    cost: elementwiseCost,
    forward: ([a, b], out) => {
      const ad = a.data,
        bd = b.data,
        y = out.data;
      if (!isMatrixWalk(a.shape, b.shape, out.shape)) {
        const { rows, cols, aStart, bStart, ac, bc } = rowWalk(a.shape, b.shape, out.shape);
        for (let r = 0, k = 0; r < rows; r++) {
          const ia = aStart[r],
            ib = bStart[r];
          for (let j = 0; j < cols; j++, k++) y[k] = f(ad[ia + j * ac], bd[ib + j * bc]);
        }
        return;
      }
      const { rows, cols, ar, ac, br, bc } = walkOf(a, b, out);
      for (let i = 0, k = 0; i < rows; i++)
        for (let j = 0; j < cols; j++, k++) y[k] = f(ad[i * ar + j * ac], bd[i * br + j * bc]);
    },
    vjp: (g, [a, b], y, [ga, gb]) => {
      // Each operand's gradient is summed over the axes along which it was broadcast.
      const ad = a.data,
        bd = b.data,
        yd = y.data,
        gd = g.data,
        gad = ga.data,
        gbd = gb.data;
      if (!isMatrixWalk(a.shape, b.shape, y.shape)) {
        const { rows, cols, aStart, bStart, ac, bc } = rowWalk(a.shape, b.shape, y.shape);
        for (let r = 0, k = 0; r < rows; r++) {
          for (let j = 0; j < cols; j++, k++) {
            const ia = aStart[r] + j * ac,
              ib = bStart[r] + j * bc;
            const av = ad[ia],
              bv = bd[ib],
              yv = yd[k];
            gad[ia] += gd[k] * da(av, bv, yv);
            gbd[ib] += gd[k] * db(av, bv, yv);
          }
        }
        return;
      }
      const { rows, cols, ar, ac, br, bc } = walkOf(a, b, y);
      for (let i = 0, k = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++, k++) {
          const ia = i * ar + j * ac,
            ib = i * br + j * bc;
          const av = ad[ia],
            bv = bd[ib],
            yv = yd[k];
          gad[ia] += gd[k] * da(av, bv, yv);
          gbd[ib] += gd[k] * db(av, bv, yv);
        }
      }
    },
    scalar: { f: (a, b) => f(a, b), da: (a, b, y) => da(a, b, y), db: (a, b, y) => db(a, b, y) },
  };
}

/** A loss of a prediction `p` against a target `y` that broadcast elementwise, reduced to a scalar. */
interface PairLossRule<R extends OpRole | undefined> extends RuleText {
  role?: R;
  /** The reduction over the n elements of the broadcast shape. */
  reduce: 'sum' | 'mean';
  check?: (p: number) => Localized | undefined;
  term: (p: number, y: number) => number;
  dp: (p: number, y: number) => number;
  dy: (p: number, y: number) => number;
}

function pairLoss<const R extends OpRole | undefined = undefined>(rule: PairLossRule<R>): Op<'loss', R> {
  const { term, dp, dy, check } = rule;
  const checked = (p: number): void => {
    const problem = check?.(p);
    if (problem) throw new OpDomainError(problem);
  };
  const count = (n: number): number => (rule.reduce === 'mean' ? n : 1);
  return {
    kind: 'loss',
    args: ['p', 'y'],
    attrs: [],
    description: rule.description,
    formula: inBoth(rule.formula),
    derivative: inBoth(rule.derivative),
    role: rule.role as R,
    shape: ([p, y]) =>
      broadcastShape(p, y)
        ? []
        : say(
            `prediction ${shapeText(p)} and target ${shapeText(y)} do not broadcast`,
            `a previsão ${shapeText(p)} e o alvo ${shapeText(y)} não são compatíveis para broadcasting`,
          ),
    cost: elementwiseCost,
    forward: ([p, y], out) => {
      if (check) for (const pv of p.data) checked(pv);
      const outShape = broadcastShape(p.shape, y.shape)!;
      let s = 0;
      if (!isMatrixWalk(p.shape, y.shape, outShape)) {
        const { rows, cols, aStart, bStart, ac, bc } = rowWalk(p.shape, y.shape, outShape);
        for (let r = 0; r < rows; r++)
          for (let j = 0; j < cols; j++) s += term(p.data[aStart[r] + j * ac], y.data[bStart[r] + j * bc]);
        out.data[0] = s / count(rows * cols);
        return;
      }
      const { rows, cols, ar, ac, br, bc } = broadcastWalk(p.shape, y.shape, outShape);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) s += term(p.data[i * ar + j * ac], y.data[i * br + j * bc]);
      out.data[0] = s / count(rows * cols);
    },
    vjp: (g, [p, y], _out, [gp, gy]) => {
      const outShape = broadcastShape(p.shape, y.shape)!;
      if (!isMatrixWalk(p.shape, y.shape, outShape)) {
        const { rows, cols, aStart, bStart, ac, bc } = rowWalk(p.shape, y.shape, outShape);
        const scale = g.data[0] / count(rows * cols);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < cols; j++) {
            const ip = aStart[r] + j * ac,
              iy = bStart[r] + j * bc;
            gp.data[ip] += scale * dp(p.data[ip], y.data[iy]);
            gy.data[iy] += scale * dy(p.data[ip], y.data[iy]);
          }
        }
        return;
      }
      const { rows, cols, ar, ac, br, bc } = broadcastWalk(p.shape, y.shape, outShape);
      const scale = g.data[0] / count(rows * cols);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const ip = i * ar + j * ac,
            iy = i * br + j * bc;
          gp.data[ip] += scale * dp(p.data[ip], y.data[iy]);
          gy.data[iy] += scale * dy(p.data[ip], y.data[iy]);
        }
      }
    },
    scalar: {
      f: (p, y) => {
        checked(p);
        return term(p, y);
      },
      da: (p, y) => dp(p, y),
      db: (p, y) => dy(p, y),
    },
  };
}

/** An op applied to each row of the last axis: the row's forward and its vjp from the row's g and result. */
interface RowRule<R extends OpRole | undefined> extends RuleText {
  role?: R;
  forward: (row: Float64Array, out: Float64Array) => void;
  /** Writes (does not add) the row's vjp into `out`. */
  vjp: (g: Float64Array, y: Float64Array, out: Float64Array) => void;
}

function lastAxis<const R extends OpRole | undefined = undefined>(rule: RowRule<R>): Op<'last_axis', R> {
  // A scalar is a row of one: the kernel runs the row rule on one-element buffers.
  const one = { x: new Float64Array(1), y: new Float64Array(1), g: Float64Array.of(1) };
  return {
    kind: 'last_axis',
    args: ['a'],
    attrs: [],
    description: rule.description,
    formula: inBoth(rule.formula),
    derivative: inBoth(rule.derivative),
    role: rule.role as R,
    shape: ([a]) => a,
    cost: elementwiseCost,
    forward: ([a], out) => {
      const [rows, cols] = lastAxisRows(a.shape);
      for (let r = 0; r < rows; r++)
        rule.forward(a.data.subarray(r * cols, (r + 1) * cols), out.data.subarray(r * cols, (r + 1) * cols));
    },
    vjp: (g, _x, y, [ga]) => {
      const [rows, cols] = lastAxisRows(y.shape);
      const row = new Float64Array(cols);
      for (let r = 0; r < rows; r++) {
        const at = r * cols;
        rule.vjp(g.data.subarray(at, at + cols), y.data.subarray(at, at + cols), row);
        for (let j = 0; j < cols; j++) ga.data[at + j] += row[j];
      }
    },
    scalar: {
      f: (a) => {
        one.x[0] = a;
        rule.forward(one.x, one.y);
        return one.y[0];
      },
      da: (_a, _b, y) => {
        one.x[0] = y;
        rule.vjp(one.g, one.x, one.y);
        return one.y[0];
      },
      db: noDerivative,
    },
  };
}

/**
 * sum and mean: the sum of the elements divided by `divisor(n)` (n the elements summed), each
 * element's derivative the same. Without an axis (NaN) over every element, a scalar; with one,
 * along that axis, which the result drops (PyTorch's keepdim false; negative from the end).
 */
function reduction(
  description: Localized,
  formula: Text,
  derivative: Text,
  divisor: (n: number) => number,
): Op<'reduction', undefined> {
  return {
    kind: 'reduction',
    role: undefined,
    args: ['a'],
    attrs: [
      {
        name: 'axis',
        optional: true,
        integer: true,
        description: say(
          'the axis reduced, dropped from the result (negative counts from the end); none: every element',
          'o eixo reduzido, que sai do resultado (negativo conta a partir do fim); sem ele: todos os elementos',
        ),
      },
    ],
    description,
    formula: inBoth(formula),
    derivative: inBoth(derivative),
    shape: ([a], attrs) => {
      const axis = attrs[0];
      if (Number.isNaN(axis)) return [];
      const d = axisIndex(a, axis);
      if (d === undefined) {
        const range = Math.max(a.length, 1);
        return say(
          `axis ${axis} is out of range for a of shape ${shapeText(a)}: it must be an integer from ${-range} to ${range - 1}`,
          `o eixo ${axis} está fora do intervalo para a de forma ${shapeText(a)}: deve ser um inteiro de ${-range} a ${range - 1}`,
        );
      }
      return a.filter((_, k) => k !== d);
    },
    cost: elementwiseCost,
    forward: ([a], out, attrs) => {
      const axis = attrs[0];
      if (Number.isNaN(axis)) {
        let s = 0;
        for (const x of a.data) s += x;
        out.data[0] = s / divisor(a.data.length);
        return;
      }
      const { outer, n, inner } = splitAtAxis(a.shape, axisIndex(a.shape, axis)!);
      const x = a.data,
        y = out.data,
        d = divisor(n);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let s = 0;
          for (let j = 0, at = o * n * inner + i; j < n; j++, at += inner) s += x[at];
          y[o * inner + i] = s / d;
        }
      }
    },
    vjp: (g, [a], _y, [ga], attrs) => {
      const axis = attrs[0];
      if (Number.isNaN(axis)) {
        const d = g.data[0] / divisor(a.data.length);
        for (let i = 0; i < ga.data.length; i++) ga.data[i] += d;
        return;
      }
      // dy[o, i]/da[o, j, i] = 1 / divisor(n): each element gets its row's incoming gradient.
      const { outer, n, inner } = splitAtAxis(a.shape, axisIndex(a.shape, axis)!);
      const gd = g.data,
        gad = ga.data,
        d = divisor(n);
      for (let o = 0; o < outer; o++)
        for (let j = 0; j < n; j++)
          for (let i = 0, at = (o * n + j) * inner; i < inner; i++) gad[at + i] += gd[o * inner + i] / d;
    },
    scalar: { f: (a) => a / divisor(1), da: () => 1 / divisor(1), db: noDerivative },
  };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** PyTorch's softplus threshold: above it, softplus(x) is x to double precision. */
const SOFTPLUS_THRESHOLD = 20;
/** PyTorch clamps each log of bce at -100 so that p = 0 or 1 gives a finite loss. */
const clampLog = (x: number): number => Math.max(x, -100);
/** PyTorch's floor under p(1 - p) in the bce gradient. */
const BCE_EPSILON = 1e-12;

/** matmul's operands as (m x n) @ (n x p), whatever their ranks. */
function matmulDims(a: Shape, b: Shape): [number, number, number] {
  const [m, n] = rowsCols(a);
  return [m, n, b.length === 2 ? b[1] : 1];
}

// ---------------------------------------------------------------------------------------------

export const ops = {
  add: binary({
    description: say(
      'Elementwise sum, with NumPy broadcasting',
      'Soma elemento a elemento, com broadcasting como no NumPy',
    ),
    formula: 'a + b',
    derivative: say(
      'dy/da = 1, dy/db = 1 (summed over broadcast axes)',
      'dy/da = 1, dy/db = 1 (somadas sobre os eixos do broadcasting)',
    ),
    f: (a, b) => a + b,
    da: () => 1,
    db: () => 1,
  }),
  sub: binary({
    description: say('Elementwise difference, with broadcasting', 'Diferença elemento a elemento, com broadcasting'),
    formula: 'a - b',
    derivative: 'dy/da = 1, dy/db = -1',
    f: (a, b) => a - b,
    da: () => 1,
    db: () => -1,
  }),
  mul: binary({
    description: say(
      'Elementwise product, with broadcasting (for a dot or matrix product, use matmul)',
      'Produto elemento a elemento, com broadcasting (para o produto escalar ou de matrizes, use matmul)',
    ),
    formula: 'a * b',
    derivative: 'dy/da = b, dy/db = a',
    role: 'product',
    f: (a, b) => a * b,
    da: (_, b) => b,
    db: (a) => a,
  }),
  div: binary({
    description: say('Elementwise quotient, with broadcasting', 'Quociente elemento a elemento, com broadcasting'),
    formula: 'a / b',
    derivative: 'dy/da = 1 / b, dy/db = -a / b^2',
    f: (a, b) => a / b,
    da: (_, b) => 1 / b,
    db: (a, b) => -a / (b * b),
  }),
  pow: binary({
    description: say(
      'Elementwise power a to the b, with broadcasting',
      'Potência elemento a elemento, a elevado a b, com broadcasting',
    ),
    formula: 'a ^ b',
    derivative: say(
      'dy/da = b * a^(b-1) (0 where b = 0), dy/db = y * ln(a) (0 where a = 0 and b >= 0)',
      'dy/da = b * a^(b-1) (0 onde b = 0), dy/db = y * ln(a) (0 onde a = 0 e b >= 0)',
    ),
    role: 'power',
    f: (a, b) => Math.pow(a, b),
    da: (a, b) => (b === 0 ? 0 : b * Math.pow(a, b - 1)),
    db: (a, b, y) => (a === 0 && b >= 0 ? 0 : y * Math.log(a)),
  }),

  neg: unary({
    description: say('The opposite of each element', 'O oposto de cada elemento'),
    formula: '-a',
    derivative: 'dy/da = -1',
    f: (x) => -x,
    df: () => -1,
  }),
  exp: unary({
    description: say('The exponential of each element', 'A exponencial de cada elemento'),
    formula: 'e^a',
    derivative: 'dy/da = e^a = y',
    f: Math.exp,
    df: (_, y) => y,
  }),
  log: unary({
    description: say('The natural logarithm of each element', 'O logaritmo natural de cada elemento'),
    formula: 'ln(a)',
    derivative: 'dy/da = 1 / a',
    f: Math.log,
    df: (x) => 1 / x,
  }),
  sqrt: unary({
    description: say('The square root of each element', 'A raiz quadrada de cada elemento'),
    formula: 'sqrt(a)',
    derivative: 'dy/da = 1 / (2 * sqrt(a)) = 1 / (2y)',
    f: Math.sqrt,
    df: (_, y) => 1 / (2 * y),
  }),
  abs: unary({
    description: say(
      'The absolute value of each element (not differentiable at 0)',
      'O valor absoluto de cada elemento (não derivável em 0)',
    ),
    formula: '|a|',
    derivative: say(
      'dy/da = sign(a), with sign(0) = 0 as in PyTorch',
      'dy/da = sign(a), com sign(0) = 0 como no PyTorch',
    ),
    kinkAtZero: true,
    f: Math.abs,
    df: (x) => Math.sign(x),
  }),
  square: unary({
    description: say('The square of each element', 'O quadrado de cada elemento'),
    formula: 'a^2',
    derivative: 'dy/da = 2a',
    role: 'squared_error',
    f: (x) => x * x,
    df: (x) => 2 * x,
  }),
  sin: unary({
    description: say('The sine of each element, in radians', 'O seno de cada elemento, em radianos'),
    formula: 'sin(a)',
    derivative: 'dy/da = cos(a)',
    f: Math.sin,
    df: (x) => Math.cos(x),
  }),
  cos: unary({
    description: say('The cosine of each element, in radians', 'O cosseno de cada elemento, em radianos'),
    formula: 'cos(a)',
    derivative: 'dy/da = -sin(a)',
    f: Math.cos,
    df: (x) => -Math.sin(x),
  }),
  tanh: unary({
    description: say(
      'The hyperbolic tangent of each element: an activation',
      'A tangente hiperbólica de cada elemento: uma ativação',
    ),
    formula: 'tanh(a)',
    derivative: 'dy/da = 1 - tanh(a)^2 = 1 - y^2',
    role: 'activation',
    f: Math.tanh,
    df: (_, y) => 1 - y * y,
  }),
  sigmoid: unary({
    description: say(
      'The logistic sigmoid σ of each element: an activation',
      'A sigmoide logística σ de cada elemento: uma ativação',
    ),
    formula: '1 / (1 + e^(-a))',
    derivative: 'dy/da = sigmoid(a) * (1 - sigmoid(a)) = y(1 - y)',
    role: 'activation',
    f: sigmoid,
    df: (_, y) => y * (1 - y),
  }),
  relu: unary({
    description: say(
      'The rectified linear unit of each element: an activation',
      'A unidade linear retificada (ReLU) de cada elemento: uma ativação',
    ),
    formula: 'max(a, 0)',
    derivative: say(
      "dy/da = 1 if a > 0 else 0 (relu'(0) = 0 as in PyTorch)",
      "dy/da = 1 se a > 0, senão 0 (relu'(0) = 0 como no PyTorch)",
    ),
    role: 'activation',
    kinkAtZero: true,
    f: (x) => (x > 0 ? x : 0),
    df: (x) => (x > 0 ? 1 : 0),
  }),
  leaky_relu: unary({
    description: say(
      'A ReLU with a small slope alpha for negative inputs: an activation',
      'Uma ReLU com uma pequena inclinação alpha para entradas negativas: uma ativação',
    ),
    formula: say('a if a > 0 else alpha * a', 'a se a > 0, senão alpha * a'),
    derivative: say(
      "dy/da = 1 if a > 0 else alpha (leaky_relu'(0) = alpha as in PyTorch)",
      "dy/da = 1 se a > 0, senão alpha (leaky_relu'(0) = alpha como no PyTorch)",
    ),
    role: 'activation',
    attr: { name: 'alpha', default: 0.01, description: say('slope for a <= 0', 'inclinação para a <= 0') },
    kinkAtZero: true,
    f: (x, alpha) => (x > 0 ? x : alpha * x),
    df: (x, _, alpha) => (x > 0 ? 1 : alpha),
  }),
  softplus: unary({
    description: say('A smooth ReLU: an activation', 'Uma ReLU suave: uma ativação'),
    formula: say(
      'ln(1 + e^a), or a where a > 20 (PyTorch threshold)',
      'ln(1 + e^a), ou a onde a > 20 (o limiar do PyTorch)',
    ),
    derivative: say(
      'dy/da = sigmoid(a) = e^a / (1 + e^a), or 1 where a > 20',
      'dy/da = sigmoid(a) = e^a / (1 + e^a), ou 1 onde a > 20',
    ),
    role: 'activation',
    f: (x) => (x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x))),
    df: (x) => {
      if (x > SOFTPLUS_THRESHOLD) return 1;
      const z = Math.exp(x);
      return z / (z + 1);
    },
  }),
  identity: unary({
    description: say(
      'The input unchanged: the activation of a linear output',
      'A própria entrada, sem mudança: a ativação de uma saída linear',
    ),
    formula: 'a',
    derivative: 'dy/da = 1',
    role: 'activation',
    f: (x) => x,
    df: () => 1,
  }),

  sum: reduction(
    say(
      'The sum of all the elements (a scalar), or along one axis',
      'A soma de todos os elementos (um escalar), ou ao longo de um eixo',
    ),
    say(
      'sum of all elements of a (a scalar); with axis, a.sum(dim=axis), that axis dropped',
      'soma de todos os elementos de a (um escalar); com axis, a.sum(dim=axis), sem esse eixo',
    ),
    'dy/da_i = 1',
    () => 1,
  ),
  mean: reduction(
    say(
      'The mean of all the elements (a scalar), or along one axis',
      'A média de todos os elementos (um escalar), ou ao longo de um eixo',
    ),
    say(
      'mean of all elements of a (a scalar); with axis, a.mean(dim=axis), that axis dropped',
      'média de todos os elementos de a (um escalar); com axis, a.mean(dim=axis), sem esse eixo',
    ),
    say(
      'dy/da_i = 1 / n, n the elements averaged (all, or those along the axis)',
      'dy/da_i = 1 / n, n os elementos da média (todos, ou os ao longo do eixo)',
    ),
    (n) => n,
  ),

  matmul: {
    kind: 'linear_algebra',
    description: say(
      "The matrix product, as NumPy's matmul (the dot product of two vectors)",
      'O produto de matrizes, como o matmul do NumPy (o produto escalar de dois vetores)',
    ),
    args: ['a', 'b'],
    attrs: [],
    formula: say(
      'a @ b as NumPy matmul: [n]@[n] -> [], [m,n]@[n] -> [m], [n]@[n,p] -> [p], [m,n]@[n,p] -> [m,p]',
      'a @ b como o matmul do NumPy: [n]@[n] -> [], [m,n]@[n] -> [m], [n]@[n,p] -> [p], [m,n]@[n,p] -> [m,p]',
    ),
    derivative: say(
      'dL/da = g @ b^T, dL/db = a^T @ g (vectors read as a row of a, a column of b)',
      'dL/da = g @ b^T, dL/db = a^T @ g (vetores lidos como uma linha de a, uma coluna de b)',
    ),
    role: 'product',
    shape: ([a, b]) => {
      if (a.length === 0 || b.length === 0) {
        return say(
          `matmul needs vectors or matrices, got ${shapeText(a)} and ${shapeText(b)} (use mul for scalars)`,
          `matmul precisa de vetores ou matrizes, recebeu ${shapeText(a)} e ${shapeText(b)} (use mul para escalares)`,
        );
      }
      if (a.length > 2 || b.length > 2) {
        return say(
          `matmul takes vectors and matrices (rank 1 or 2), got ${shapeText(a)} and ${shapeText(b)}`,
          `matmul recebe vetores e matrizes (1 ou 2 dimensões), recebeu ${shapeText(a)} e ${shapeText(b)}`,
        );
      }
      const n = a[a.length - 1];
      if (n !== b[0]) {
        return say(
          `inner dimensions differ: a ${shapeText(a)} has ${plural(n, 'column', 'columns')}, b ${shapeText(b)} has ${plural(b[0], 'row', 'rows')}`,
          `as dimensões internas diferem: a ${shapeText(a)} tem ${plural(n, 'coluna', 'colunas')}, b ${shapeText(b)} tem ${plural(b[0], 'linha', 'linhas')}`,
        );
      }
      return [...a.slice(0, -1), ...b.slice(1)];
    },
    cost: ([a, b], out) => {
      const [m, n, p] = matmulDims(a, b);
      return m * n * p + sizeOf(a) + sizeOf(b) + sizeOf(out);
    },
    forward: ([a, b], out) => {
      const [m, n, p] = matmulDims(a.shape, b.shape);
      out.data.fill(0);
      addProduct(out.data, asStored(a.data), asStored(b.data), m, n, p);
    },
    vjp: (g, [a, b], _y, [ga, gb]) => {
      // g is (m x p) in the same row-major layout whatever the ranks.
      const [m, n, p] = matmulDims(a.shape, b.shape);
      addProduct(ga.data, asStored(g.data), asTransposed(b.data), m, p, n); // dL/da = g @ b^T
      addProduct(gb.data, asTransposed(a.data), asStored(g.data), n, m, p); // dL/db = a^T @ g
    },
  },
  transpose: {
    kind: 'linear_algebra',
    description: say('The transpose of a matrix', 'A transposta de uma matriz'),
    args: ['a'],
    attrs: [],
    formula: say('a^T of a matrix', 'a^T de uma matriz'),
    derivative: inBoth('dL/da = g^T'),
    shape: ([a]) =>
      a.length === 2
        ? [a[1], a[0]]
        : say(
            `transpose needs a matrix, got ${shapeText(a)}`,
            `transpose precisa de uma matriz, recebeu ${shapeText(a)}`,
          ),
    cost: elementwiseCost,
    forward: ([a], out) => {
      const [m, n] = a.shape;
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out.data[j * m + i] = a.data[i * n + j];
    },
    vjp: (g, [a], _y, [ga]) => {
      const [m, n] = a.shape;
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) ga.data[i * n + j] += g.data[j * m + i];
    },
  },
  linear: {
    kind: 'linear_algebra',
    description: say(
      "A dense layer before its activation, as PyTorch's nn.Linear",
      'Uma camada densa antes da ativação, como o nn.Linear do PyTorch',
    ),
    args: ['x', 'W', 'b'],
    attrs: [],
    formula: say(
      'x @ W^T + b, with W of shape [n_out, n_in] (PyTorch nn.Linear); x is [n_in] or a batch [B, n_in]',
      'x @ W^T + b, com W de forma [n_out, n_in] (nn.Linear do PyTorch); x é [n_in] ou um lote [B, n_in]',
    ),
    derivative: say(
      'dL/dx = g @ W, dL/dW = g^T @ x, dL/db = g summed over the batch',
      'dL/dx = g @ W, dL/dW = g^T @ x, dL/db = g somado sobre o lote',
    ),
    role: 'product',
    shape: ([x, W, b]) => {
      if (W.length !== 2)
        return say(
          `W must be a matrix [n_out, n_in], got ${shapeText(W)}`,
          `W deve ser uma matriz [n_out, n_in], recebeu ${shapeText(W)}`,
        );
      const [nOut, nIn] = W;
      if (x.length > 2) {
        return say(
          `x must be a vector [n_in] or a batch [B, n_in], got ${shapeText(x)} (flatten it first)`,
          `x deve ser um vetor [n_in] ou um lote [B, n_in], recebeu ${shapeText(x)} (use flatten antes)`,
        );
      }
      if (x.length === 0 || x[x.length - 1] !== nIn) {
        return say(
          `x ${shapeText(x)} does not fit W ${shapeText(W)}: x needs ${plural(nIn, 'feature', 'features')} in its last axis`,
          `x ${shapeText(x)} não combina com W ${shapeText(W)}: x precisa de ${plural(nIn, 'valor', 'valores')} no último eixo (um por entrada da camada)`,
        );
      }
      if (!(b.length === 0 || (b.length === 1 && b[0] === nOut))) {
        return say(
          `b ${shapeText(b)} does not fit W ${shapeText(W)}: b must be [${nOut}]`,
          `b ${shapeText(b)} não combina com W ${shapeText(W)}: b deve ser [${nOut}]`,
        );
      }
      return x.length === 2 ? [x[0], nOut] : [nOut];
    },
    cost: ([x, W, b], out) => rowsCols(x)[0] * sizeOf(W) + sizeOf(x) + sizeOf(W) + sizeOf(b) + sizeOf(out),
    forward: ([x, W, b], out) => {
      // y[r, j] = x[r, :] . W[j, :] + b[j]
      const [rows, nIn] = rowsCols(x.shape);
      const nOut = W.shape[0];
      const y = out.data;
      y.fill(0);
      addProduct(y, asStored(x.data), asTransposed(W.data), rows, nIn, nOut);
      const oneBias = b.data.length === 1;
      for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) y[r * nOut + j] += b.data[oneBias ? 0 : j];
    },
    vjp: (g, [x, W], _y, [gx, gW, gb]) => {
      const [rows, nIn] = rowsCols(x.shape);
      const nOut = W.shape[0];
      addProduct(gx.data, asStored(g.data), asStored(W.data), rows, nOut, nIn); // dL/dx = g @ W
      addProduct(gW.data, asTransposed(g.data), asStored(x.data), nOut, rows, nIn); // dL/dW = g^T @ x
      const oneBias = gb.data.length === 1;
      for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) gb.data[oneBias ? 0 : j] += g.data[r * nOut + j];
    },
  },

  softmax: lastAxis({
    description: say(
      'Probabilities from scores, along the last axis: an activation',
      'Probabilidades a partir de escores, ao longo do último eixo: uma ativação',
    ),
    formula: say(
      'e^(a_j - max a) / sum_k e^(a_k - max a), along the last axis',
      'e^(a_j - max a) / sum_k e^(a_k - max a), ao longo do último eixo',
    ),
    derivative: say('dL/da = y * (g - sum(g * y)), per row', 'dL/da = y * (g - sum(g * y)), por linha'),
    role: 'activation',
    forward: softmaxRow,
    vjp: (g, y, out) => {
      let dot = 0;
      for (let j = 0; j < y.length; j++) dot += g[j] * y[j];
      for (let j = 0; j < y.length; j++) out[j] = y[j] * (g[j] - dot);
    },
  }),
  log_softmax: lastAxis({
    description: say('The logarithm of softmax, computed stably', 'O logaritmo do softmax, calculado de forma estável'),
    formula: say(
      'a_j - logsumexp(a), along the last axis (log-sum-exp with the max subtracted)',
      'a_j - logsumexp(a), ao longo do último eixo (log-sum-exp com o máximo subtraído)',
    ),
    derivative: say('dL/da = g - softmax(a) * sum(g), per row', 'dL/da = g - softmax(a) * sum(g), por linha'),
    forward: logSoftmaxRow,
    vjp: (g, y, out) => {
      let sg = 0;
      for (let j = 0; j < y.length; j++) sg += g[j];
      for (let j = 0; j < y.length; j++) out[j] = g[j] - Math.exp(y[j]) * sg;
    },
  }),

  half_squared_error: pairLoss({
    description: say(
      "Half the sum of the squared errors: the tutorial's loss",
      'Metade da soma dos erros ao quadrado: a perda do tutorial',
    ),
    formula: '0.5 * sum((p - y)^2)',
    derivative: 'dL/dp = p - y, dL/dy = -(p - y)',
    role: 'squared_error',
    reduce: 'sum',
    term: (p, y) => 0.5 * (p - y) * (p - y),
    dp: (p, y) => p - y,
    dy: (p, y) => y - p,
  }),
  mse: pairLoss({
    description: say('The mean squared error: a loss', 'O erro quadrático médio: uma perda'),
    formula: 'mean((p - y)^2)',
    derivative: 'dL/dp = 2(p - y) / n, dL/dy = -2(p - y) / n',
    role: 'squared_error',
    reduce: 'mean',
    term: (p, y) => (p - y) * (p - y),
    dp: (p, y) => 2 * (p - y),
    dy: (p, y) => 2 * (y - p),
  }),
  bce: pairLoss({
    description: say(
      'Binary cross-entropy of probabilities: a loss',
      'Entropia cruzada binária de probabilidades: uma perda',
    ),
    formula: say(
      'mean(-(y * max(ln p, -100) + (1 - y) * max(ln(1 - p), -100))), p in [0, 1]',
      'mean(-(y * max(ln p, -100) + (1 - y) * max(ln(1 - p), -100))), p em [0, 1]',
    ),
    derivative: 'dL/dp = (p - y) / max(p(1 - p), 1e-12) / n, dL/dy = (ln(1 - p) - ln p) / n',
    reduce: 'mean',
    check: (p) =>
      p >= 0 && p <= 1
        ? undefined
        : say(
            `bce needs probabilities in [0, 1], got ${p}: for logits use bce_with_logits`,
            `bce precisa de probabilidades em [0, 1], recebeu ${p}: para logits use bce_with_logits`,
          ),
    term: (p, y) => (y - 1) * clampLog(Math.log1p(-p)) - y * clampLog(Math.log(p)),
    dp: (p, y) => (p - y) / Math.max((1 - p) * p, BCE_EPSILON),
    dy: (p) => Math.log1p(-p) - Math.log(p),
  }),
  bce_with_logits: pairLoss({
    description: say(
      'Binary cross-entropy of logits, the sigmoid included and computed stably: a loss',
      'Entropia cruzada binária de logits, com a sigmoide incluída e calculada de forma estável: uma perda',
    ),
    formula: 'mean(max(z, 0) - z * y + ln(1 + e^(-|z|)))',
    derivative: 'dL/dz = (sigmoid(z) - y) / n, dL/dy = -z / n',
    reduce: 'mean',
    term: (z, y) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))),
    dp: (z, y) => sigmoid(z) - y,
    dy: (z) => -z,
  }),
  softmax_cross_entropy: {
    kind: 'loss',
    description: say(
      'Cross-entropy of softmax(logits) against target probabilities: a loss',
      'Entropia cruzada de softmax(logits) contra as probabilidades-alvo: uma perda',
    ),
    args: ['logits', 'y'],
    attrs: [],
    formula: say(
      'mean over rows of -sum_j(y_j * log_softmax(logits)_j); y holds probabilities (one-hot)',
      'média sobre as linhas de -sum_j(y_j * log_softmax(logits)_j); y contém probabilidades (one-hot)',
    ),
    derivative: say(
      'dL/dlogits = (softmax(logits) * sum(y) - y) / rows, dL/dy = -log_softmax(logits) / rows',
      'dL/dlogits = (softmax(logits) * sum(y) - y) / linhas, dL/dy = -log_softmax(logits) / linhas',
    ),
    shape: ([z, y]) =>
      z.length === 0 || z.length > 2
        ? say(
            `logits must be a vector or a matrix (one row an example), got ${shapeText(z)}`,
            `logits deve ser um vetor ou uma matriz (uma linha por exemplo), recebeu ${shapeText(z)}`,
          )
        : sameShape(z, y)
          ? []
          : say(
              `logits ${shapeText(z)} and y ${shapeText(y)} must have the same shape`,
              `logits ${shapeText(z)} e y ${shapeText(y)} devem ter a mesma forma`,
            ),
    cost: elementwiseCost,
    forward: ([z, y], out) => {
      const [rows, cols] = rowsCols(z.shape);
      const ls = new Float64Array(cols);
      let s = 0;
      for (let r = 0; r < rows; r++) {
        logSoftmaxRow(z.data.subarray(r * cols, (r + 1) * cols), ls);
        for (let j = 0; j < cols; j++) s -= y.data[r * cols + j] * ls[j];
      }
      out.data[0] = s / rows;
    },
    vjp: (g, [z, y], _out, [gz, gy]) => {
      const [rows, cols] = rowsCols(z.shape);
      const scale = g.data[0] / rows;
      const ls = new Float64Array(cols);
      for (let r = 0; r < rows; r++) {
        logSoftmaxRow(z.data.subarray(r * cols, (r + 1) * cols), ls);
        let ySum = 0;
        for (let j = 0; j < cols; j++) ySum += y.data[r * cols + j];
        for (let j = 0; j < cols; j++) {
          const k = r * cols + j;
          gz.data[k] += scale * (Math.exp(ls[j]) * ySum - y.data[k]);
          gy.data[k] += -scale * ls[j];
        }
      }
    },
  },
  ...layerOps,
} satisfies Record<string, OpDef>;

export type OpName = keyof typeof ops;

export const opNames = Object.keys(ops) as OpName[];

/** Op codes as the tape stores them: an op's position in the catalogue. */
export const opList: readonly OpDef[] = opNames.map((name) => ops[name]);

export function lookupOp(name: string): OpDef | undefined {
  return Object.hasOwn(ops, name) ? ops[name as OpName] : undefined;
}

const codes = new Map<string, number>(opNames.map((name, code) => [name, code]));

/** The op's code, or -1 for a name that is not in the catalogue. */
export const opCode = (name: string): number => codes.get(name) ?? -1;

/** Ops of a role, in catalogue order (`activation`: what a neuron or a layer may use). */
type OpsWithRole<R extends OpRole> = {
  [K in OpName]: (typeof ops)[K] extends { readonly role: R } ? K : never;
}[OpName];

export const opsWithRole = <R extends OpRole>(role: R): OpsWithRole<R>[] =>
  opNames.filter((name) => (ops[name] as OpDef).role === role) as OpsWithRole<R>[];

/** Ops of a kind, in catalogue order (`loss`: what a neuron or a network may end with). */
type OpsOfKind<K extends OpKind> = { [N in OpName]: (typeof ops)[N] extends { readonly kind: K } ? N : never }[OpName];

export const opsOfKind = <K extends OpKind>(kind: K): OpsOfKind<K>[] =>
  opNames.filter((name) => ops[name].kind === kind) as OpsOfKind<K>[];
