/**
 * How each op reads in a formula, and its local derivative with respect to each arg, written in
 * terms of the args and of the node's own result `y`: the tutorial's notation (`z = u + b`,
 * `y_hat = σ(z)`, `dy_hat/dz = y_hat · (1 − y_hat)`), not op names. The same templates write the
 * symbols and, given numbers, the numbers substituted. The semantics stay in the op table
 * (src/engine/ops.ts); this is how they are shown.
 */
import type { OpName } from '../../engine/ops.js';
import type { Shape } from '../../engine/tensor.js';
import {
  ONE,
  PREC,
  type Written,
  atom,
  call,
  fraction,
  hadamard,
  infix,
  matrixProduct,
  negative,
  power,
  product,
  sumOf,
  transposed,
  wrap,
} from './written.js';

export interface NotationContext {
  /** The op's first attr (leaky_relu's alpha), written. */
  attr: Written;
  /** Every attr of the node, in its op's order, written (NaN for an optional attr not given). */
  attrs: readonly Written[];
  /** Every arg is a single number (then a loss is written without its sum or mean). */
  scalar: boolean;
  /** Separator of a call's args in the language (`, `, or `; ` where `,` is the decimal separator). */
  sep: string;
  /** What a mean divides by, written: the elements of a mean or of a mean loss, the rows of softmax_cross_entropy. */
  n: Written;
  /** The first arg is a matrix whose rows are examples (a batch), so a bias gradient sums over them. */
  batch: boolean;
  /** The args' ranks (0 scalar, 1 vector, 2 matrix). */
  ranks: readonly number[];
  /** The args' shapes and the result's (the layer ops write indices and sizes from them). */
  shapes: readonly Shape[];
  out: Shape;
  /** Each attr of the op by name, with its value and whether that is its default (a layer op writes only those that are not). */
  options: readonly AttrWritten[];
}

export interface AttrWritten {
  name: string;
  value: number;
  written: Written;
  /** The value the op takes when the node does not give it: then it need not be written. */
  atDefault: boolean;
}

type Args = readonly Written[];
type Local = (a: Args, y: Written, c: NotationContext) => Written;
/**
 * How the gradient `g` of the result reaches arg j on tensors: `g ⊙ σ'(z)`, `(dL/dz)ᵀ x`. `d` is
 * the elementwise local derivative (`f'(a)` in symbols, or its numbers), for the ops that have one.
 */
type Vjp = (g: Written, a: Args, y: Written, d: Written, c: NotationContext) => Written;

export interface OpNotation {
  write(a: Args, c: NotationContext): Written;
  /** d(result)/d(arg j) for single numbers; absent for ops whose args are tensors (their rule is in the catalogue). */
  local?: readonly Local[];
  /** The derivative's name as on paper, `σ'(z)`, where it is not the local template itself. */
  prime?: (a: Written, c: NotationContext) => Written;
  /**
   * On tensors, when the gradient is not simply `g ⊙ d` (elementwise ops and the summed loss): one
   * rule per arg, or for a variadic op (concat) the rule of arg j.
   */
  vjp?: readonly Vjp[] | ((j: number) => Vjp);
  /**
   * false where the rule reads more than the args (a normalization's x̂ and σ²): its numbers are
   * then the gradient itself rather than the rule with the args' numbers put in.
   */
  numbersInRule?: false;
}

const fn =
  (name: string, latex = `\\operatorname{${name.replaceAll('_', '\\_')}}`) =>
  (a: Args, c: NotationContext): Written =>
    call(name, latex, a, c.sep);
const plus = (a: Written, b: Written) => infix(a, '+', '+', b, PREC.sum);
const minus = (a: Written, b: Written) => infix(a, '−', '-', b, PREC.sum);
const times = (...f: Written[]) => product(f);
/** `a · b` as written, every factor kept. */
const mul = (a: Written, b: Written) => infix(a, '·', '\\cdot', b, PREC.product);
const MINUS_ONE: Written = { text: '−1', latex: '-1', prec: PREC.unary, number: -1 };
const TWO: Written = { ...atom('2'), number: 2 };
const ZERO: Written = { ...atom('0'), number: 0 };
const sigma = (a: Written): Written => atom(`σ(${a.text})`, `\\sigma\\left(${a.latex}\\right)`);
const ln = (a: Written): Written => atom(`ln(${a.text})`, `\\ln\\left(${a.latex}\\right)`);
const constant = (_a: Args, _y: Written): Written => ONE;
/** `f'(a)`: a derivative with cases (relu, abs), its value read off at the number. */
const prime =
  (name: string, latex: string) =>
  (a: Args, _y: Written, c: NotationContext): Written =>
    call(`${name}'`, `${latex}'`, [a[0]], c.sep);
/** `[a]`. */
const brackets = (a: Written): Written => atom(`[${a.text}]`, `\\left[${a.latex}\\right]`);
/** A squared error `(p − y)²`, summed or averaged when the args are tensors. */
const squaredError = (p: Written, y: Written) => power(wrap(minus(p, y), PREC.atom), TWO);
/** `f'(a)`, the name of an activation's derivative. */
const named =
  (text: string, latex: string) =>
  (a: Written): Written =>
    atom(`${text}'(${a.text})`, `${latex}'\\left(${a.latex}\\right)`);
/** `x / n` for a mean, left as x when n is 1. */
const perElement = (x: Written, c: NotationContext): Written => (c.n.number === 1 ? x : fraction(x, c.n));
/** The gradient of a mean loss: `g ⊙ d / n`. */
const meanLoss: Vjp = (g, _a, _y, d, c) => perElement(hadamard(g, d), c);
/** A loss on numbers as it is, on tensors its mean over the elements. */
const meanOf = (x: Written, c: NotationContext): Written =>
  c.scalar ? x : call('mean', '\\operatorname{mean}', [x], c.sep);
/** `−[y · ln(p) + (1 − y) · ln(1 − p)]`, given ln(p) and ln(1 − p) written. */
const crossEntropy = (y: Written, lnP: Written, lnNotP: Written): Written =>
  negative(brackets(plus(mul(y, lnP), mul(wrap(minus(ONE, y), PREC.atom), lnNotP))));
const softmax = (a: Written, c: NotationContext): Written => call('softmax', '\\operatorname{softmax}', [a], c.sep);
const logSoftmax = (a: Written, c: NotationContext): Written =>
  call('log_softmax', '\\operatorname{log\\_softmax}', [a], c.sep);

/** `f(x, W, stride=2)`: a call with the attrs that are not at their default written after its args, by name. */
const callWith = (name: string, latex: string, a: Args, c: NotationContext, attrs = c.options): Written =>
  call(name, latex, [...a, ...attrs.filter((o) => !o.atDefault).map(option)], c.sep);
const option = (o: AttrWritten): Written => atom(`${o.name}=${o.written.text}`, `\\text{${o.name}}=${o.written.latex}`);
const op = (name: string): string => `\\operatorname{${name.replaceAll('_', '\\_')}}`;
/** `x̂`: the normalized input of a normalization, as the course names it. */
const X_HAT = atom('x̂', '\\hat{x}');
/** `√(σ² + ε)`. */
const STD = atom('√(σ² + ε)', '\\sqrt{\\sigma^{2} + \\varepsilon}');
const countOf = (n: number): Written => ({ ...atom(String(n)), number: n });
/** `x / (1 − p)`, with p's number. */
const keptScale = (x: Written, c: NotationContext): Written => fraction(x, minus(ONE, c.attrs[0]));
/**
 * The three-term formula of a normalization's dL/dx, over the m values of a group, with `gg` the
 * gradient arriving at x̂ (`dL/dy ⊙ γ`): `scale ⊙ (m · gg − Σ gg − x̂ ⊙ Σ(gg ⊙ x̂))`.
 */
const threeTerms = (scale: Written, m: Written, gg: Written): Written =>
  hadamard(
    scale,
    wrap(minus(minus(mul(m, gg), sumOf(gg)), hadamard(X_HAT, sumOf(wrap(hadamard(gg, X_HAT), PREC.atom)))), PREC.atom),
  );
/** `BN_γ,β(x)`, with ε where it is not its default: `BN_γ,β(x, eps=0.001)`. */
function normalization(name: string, x: Written, gamma: Written, beta: Written, c: NotationContext): Written {
  const sub = { text: `${gamma.text}${c.sep.trim()}${beta.text}`, latex: `${gamma.latex}, ${beta.latex}` };
  return callWith(`${name}_${sub.text}`, `\\operatorname{${name}}_{${sub.latex}}`, [x], c);
}
/** The per-group count of a batch norm: N, or N·H·W per channel. */
const batchCount = (x: Shape): number => (x.length === 2 ? x[0] : x[0] * x[2] * x[3]);
/** An index on one axis of a tensor of rank `rank`: `[:, 0:2]` (the axes after it left out). */
export function axisRange(rank: number, axis: number, from: number, to: number): string {
  const k = axis < 0 ? axis + rank : axis;
  return `[${[...Array.from({ length: k }, () => ':'), `${from}:${to}`].join(', ')}]`;
}
const indexed = (x: Written, index: string): Written =>
  atom(`${wrap(x, PREC.atom).text}${index}`, `${wrap(x, PREC.atom).latex}${index}`);
/** Where slice's x keeps its elements: [from, to) on the axis, negatives counted from the end. */
function sliceRange(c: NotationContext): { axis: number; from: number; to: number } {
  const [axis, start, end] = c.options.map((o) => o.value);
  const x = c.shapes[0];
  const k = axis < 0 ? axis + x.length : axis;
  const n = x[k];
  return { axis: k, from: start < 0 ? start + n : start, to: end < 0 ? end + n : end };
}
/** Where arg j of a concat lands in the result along the axis. */
function concatRange(c: NotationContext, j: number): { axis: number; from: number; to: number } {
  const rank = c.out.length;
  const axis = c.options[0].value < 0 ? c.options[0].value + rank : c.options[0].value;
  let from = 0;
  for (let i = 0; i < j; i++) from += c.shapes[i][axis];
  return { axis, from, to: from + c.shapes[j][axis] };
}
/** The sum of a reduction along its axis: `Σ_{axis=1} x`. */
const axisSum = (a: Written, c: NotationContext): Written => {
  const w = wrap(a, PREC.atom);
  const axis = c.options[0];
  if (!axis || axis.atDefault) return atom(`Σ${w.text}`, `\\sum ${w.latex}`);
  return atom(`Σ_{axis=${axis.written.text}} ${w.text}`, `\\sum_{\\text{axis}=${axis.written.latex}} ${w.latex}`);
};

export const opNotation: Record<OpName, OpNotation> = {
  add: { write: ([a, b]) => plus(a, b), local: [constant, constant] },
  sub: { write: ([a, b]) => minus(a, b), local: [constant, () => MINUS_ONE] },
  mul: { write: ([a, b]) => mul(a, b), local: [([, b]) => b, ([a]) => a] },
  div: {
    write: ([a, b]) => fraction(a, b),
    local: [([, b]) => fraction(ONE, b), ([a, b]) => negative(fraction(a, power(b, TWO)))],
  },
  pow: {
    write: ([a, b]) => power(a, b),
    local: [
      ([a, b]) =>
        b.number !== undefined
          ? times(b, b.number === 2 ? a : power(a, { ...atom(String(b.number - 1)), number: b.number - 1 }))
          : times(b, power(a, minus(b, ONE))),
      ([a], y) => times(y, ln(a)),
    ],
  },
  neg: { write: ([a]) => negative(a), local: [() => MINUS_ONE] },
  exp: { write: ([a]) => power(atom('e'), a), local: [([a]) => power(atom('e'), a)] },
  log: { write: ([a]) => ln(a), local: [([a]) => fraction(ONE, a)] },
  sqrt: {
    write: ([a]) => atom(`√${wrap(a, PREC.atom).text}`, `\\sqrt{${a.latex}}`),
    local: [([a]) => fraction(ONE, times(TWO, atom(`√${wrap(a, PREC.atom).text}`, `\\sqrt{${a.latex}}`)))],
  },
  abs: {
    write: ([a]) => atom(`|${a.text}|`, `\\left|${a.latex}\\right|`),
    local: [([a], _y, c) => call('sign', '\\operatorname{sign}', [a], c.sep)],
  },
  square: { write: ([a]) => power(a, TWO), local: [([a]) => times(TWO, a)] },
  sin: { write: fn('sin', '\\sin'), local: [([a], _y, c) => call('cos', '\\cos', [a], c.sep)] },
  cos: { write: fn('cos', '\\cos'), local: [([a], _y, c) => negative(call('sin', '\\sin', [a], c.sep))] },
  tanh: { write: fn('tanh', '\\tanh'), local: [(_a, y) => minus(ONE, power(y, TWO))], prime: named('tanh', '\\tanh') },
  sigmoid: {
    write: ([a]) => sigma(a),
    local: [(_a, y) => times(y, wrap(minus(ONE, y), PREC.atom))],
    prime: named('σ', '\\sigma'),
  },
  relu: {
    write: fn('relu'),
    local: [prime('relu', '\\operatorname{relu}')],
    prime: named('relu', '\\operatorname{relu}'),
  },
  leaky_relu: {
    write: ([a], c) => fn('leaky_relu')([a, c.attr], c),
    local: [prime('leaky_relu', '\\operatorname{leaky\\_relu}')],
    prime: named('leaky_relu', '\\operatorname{leaky\\_relu}'),
  },
  softplus: { write: fn('softplus'), local: [([a]) => sigma(a)], prime: named('softplus', '\\operatorname{softplus}') },
  identity: { write: ([a]) => a, local: [constant] },
  // Every element of a gets the gradient of the sum (divided by n for the mean).
  sum: {
    write: ([a], c) => axisSum(a, c),
    local: [constant],
    vjp: [(g) => g],
  },
  mean: {
    write: (a, c) => callWith('mean', '\\operatorname{mean}', a, c),
    local: [constant],
    vjp: [(g, _a, _y, _d, c) => perElement(g, c)],
  },
  // A dot product of vectors, `w · x`, else a matrix product (NumPy's matmul).
  matmul: {
    write: ([a, b], c) => infix(a, '·', c.ranks[0] === 1 && c.ranks[1] === 1 ? '\\cdot' : '', b, PREC.product),
    vjp: [
      (g, [, b], _y, _d, c) => (c.ranks[0] === 1 && c.ranks[1] === 1 ? times(g, b) : matrixProduct(g, transposed(b))),
      (g, [a], _y, _d, c) => (c.ranks[0] === 1 && c.ranks[1] === 1 ? times(g, a) : matrixProduct(transposed(a), g)),
    ],
  },
  transpose: {
    write: ([a]) => atom(`${wrap(a, PREC.atom).text}ᵀ`, `{${wrap(a, PREC.atom).latex}}^{\\top}`),
    vjp: [(g) => transposed(g)],
  },
  linear: {
    write: ([x, W, b]) =>
      plus(
        infix(x, '·', '', atom(`${wrap(W, PREC.atom).text}ᵀ`, `{${wrap(W, PREC.atom).latex}}^{\\top}`), PREC.product),
        b,
      ),
    // dL/dx = g W, dL/dW = gᵀ x, dL/db = g summed over the batch.
    vjp: [
      (g, [, W]) => matrixProduct(g, W),
      (g, [x]) => matrixProduct(transposed(g), x),
      (g, _a, _y, _d, c) => (c.batch ? sumOf(g) : g),
    ],
  },
  // On a single number (a row of one) softmax is 1 and log_softmax 0; their rules are the diagonal of the row's Jacobian.
  softmax: {
    write: fn('softmax'),
    local: [(_a, y) => times(y, wrap(minus(ONE, y), PREC.atom))],
    // Per row: y ⊙ (g − Σ(g ⊙ y)).
    vjp: [(g, _a, y) => hadamard(y, wrap(minus(g, sumOf(wrap(hadamard(g, y), PREC.atom))), PREC.atom))],
  },
  log_softmax: {
    write: fn('log_softmax'),
    local: [(_a, y) => minus(ONE, power(atom('e'), y))],
    // Per row: g − softmax(a) ⊙ Σg.
    vjp: [(g, [a], _y, _d, c) => minus(g, hadamard(softmax(a, c), sumOf(g)))],
  },
  half_squared_error: {
    write: ([p, y], c) => {
      const square = squaredError(p, y);
      return c.scalar
        ? { text: `½${square.text}`, latex: `\\tfrac{1}{2}${square.latex}`, prec: PREC.product }
        : { text: `½Σ${square.text}`, latex: `\\tfrac{1}{2}\\sum ${square.latex}`, prec: PREC.product };
    },
    local: [([p, y]) => minus(p, y), ([p, y]) => negative(wrap(minus(p, y), PREC.atom))],
  },
  mse: {
    write: ([p, y], c) => meanOf(squaredError(p, y), c),
    local: [
      ([p, y]) => times(TWO, wrap(minus(p, y), PREC.atom)),
      ([p, y]) => negative(times(TWO, wrap(minus(p, y), PREC.atom))),
    ],
    vjp: [meanLoss, meanLoss],
  },
  bce: {
    write: ([p, y], c) => meanOf(crossEntropy(y, ln(p), ln(minus(ONE, p))), c),
    local: [
      ([p, y]) => fraction(minus(p, y), times(p, wrap(minus(ONE, p), PREC.atom))),
      ([p]) => minus(ln(minus(ONE, p)), ln(p)),
    ],
    vjp: [meanLoss, meanLoss],
  },
  // The cross-entropy of σ(z), as the student would write it (the op computes it in a stable form).
  bce_with_logits: {
    write: ([z, y], c) => meanOf(crossEntropy(y, ln(sigma(z)), ln(minus(ONE, sigma(z)))), c),
    local: [([z, y]) => minus(sigma(z), y), ([z]) => negative(z)],
    vjp: [meanLoss, meanLoss],
  },
  // Per row: −Σ y ⊙ log_softmax(l), averaged over the rows.
  softmax_cross_entropy: {
    write: ([l, y], c) => perElement(negative(sumOf(wrap(hadamard(y, logSoftmax(l, c)), PREC.atom))), c),
    vjp: [
      (g, [l, y], _y, _d, c) => hadamard(g, perElement(minus(hadamard(softmax(l, c), sumOf(y)), y), c)),
      (g, [l], _y, _d, c) => negative(hadamard(g, perElement(logSoftmax(l, c), c))),
    ],
  },
  // A course's conv layer: `conv2d(x, W) + b`; dL/dW is the correlation of x with g, dL/dx the
  // full convolution of g with W turned by 180°, dL/db g summed per filter.
  conv2d: {
    write: ([x, W, b], c) => {
      const y = callWith('conv2d', op('conv2d'), [x, W], c);
      return b ? plus(y, b) : y;
    },
    vjp: [
      (g, [, W], _y, _d, c) =>
        callWith('conv2d_full', op('conv2d_full'), [g, call('rot180', op('rot180'), [W], c.sep)], c),
      (g, [x], _y, _d, c) => callWith('corr', op('corr'), [x, g], c),
      (g) => sumOf(g),
    ],
  },
  max_pool2d: {
    write: (a, c) => callWith('maxpool', op('maxpool'), a, c),
    vjp: [(g, _a, _y, _d, c) => callWith('route_max', op('route_max'), [g], c)],
  },
  avg_pool2d: {
    write: (a, c) => callWith('avgpool', op('avgpool'), a, c),
    vjp: [
      (g, _a, _y, _d, c) => fraction(callWith('spread', op('spread'), [g], c), power(countOf(c.options[0].value), TWO)),
    ],
  },
  // `BN_γ,β(x)`: x̂ = (x − μ) / √(σ² + ε) over the batch, then γ x̂ + β.
  batch_norm: {
    write: ([x, gamma, beta], c) => normalization('BN', x, gamma, beta, c),
    vjp: [
      (g, [, gamma], _y, _d, c) => {
        const m = countOf(batchCount(c.shapes[0]));
        return threeTerms(fraction(gamma, mul(m, STD)), m, g);
      },
      (g) => sumOf(wrap(hadamard(g, X_HAT), PREC.atom)),
      (g) => sumOf(g),
    ],
    numbersInRule: false,
  },
  // `LN_γ,β(x)`: the same over the last axis of each row, with the gradient at x̂ being dL/dy ⊙ γ.
  layer_norm: {
    write: ([x, gamma, beta], c) => normalization('LN', x, gamma, beta, c),
    vjp: [
      (g, [, gamma], _y, _d, c) => {
        const D = countOf(c.shapes[0][c.shapes[0].length - 1]);
        return threeTerms(fraction(ONE, mul(D, STD)), D, wrap(hadamard(g, gamma), PREC.atom));
      },
      (g) => sumOf(wrap(hadamard(g, X_HAT), PREC.atom)),
      (g) => sumOf(g),
    ],
    numbersInRule: false,
  },
  // Inverted dropout: `x ⊙ m / (1 − p)`, p the probability of dropping.
  dropout: {
    write: ([x, m], c) => keptScale(hadamard(x, m), c),
    vjp: [(g, [, m], _y, _d, c) => keptScale(hadamard(g, m), c), (g, [x], _y, _d, c) => keptScale(hadamard(g, x), c)],
  },
  // `W[idx]`: the rows of W that idx names; dL/dW adds each row of g into the row it came from.
  embedding: {
    write: ([W, idx]) =>
      atom(`${wrap(W, PREC.atom).text}[${idx.text}]`, `${wrap(W, PREC.atom).latex}\\left[${idx.latex}\\right]`),
    vjp: [(g, [, idx], _y, _d, c) => call('scatter_add', op('scatter_add'), [g, idx], c.sep), () => ZERO],
  },
  flatten: {
    write: fn('flatten'),
    vjp: [
      (g, _a, _y, _d, c) =>
        call('reshape', op('reshape'), [g, atom(c.shapes[0].join('×'), c.shapes[0].join(' \\times '))], c.sep),
    ],
  },
  // `x[:, a:b]`, the range resolved from the attrs; dL/dx is g in that place, 0 elsewhere.
  slice: {
    write: ([x], c) => {
      const { axis, from, to } = sliceRange(c);
      return indexed(x, axisRange(c.shapes[0].length, axis, from, to));
    },
    vjp: [
      (g, _a, _y, _d, c) => {
        const { axis, from, to } = sliceRange(c);
        return call('place', op('place'), [g, atom(axisRange(c.shapes[0].length, axis, from, to))], c.sep);
      },
    ],
  },
  // `concat([a, b])`; each arg's gradient is its part of g, cut along the axis.
  concat: {
    write: (a, c) =>
      callWith(
        'concat',
        op('concat'),
        [atom(`[${a.map((x) => x.text).join(c.sep)}]`, `\\left[${a.map((x) => x.latex).join(', ')}\\right]`)],
        c,
      ),
    vjp:
      (j: number): Vjp =>
      (g, _a, _y, _d, c) => {
        const { axis, from, to } = concatRange(c, j);
        return indexed(g, axisRange(c.out.length, axis, from, to));
      },
  },
};
