/**
 * How each op reads in a formula, and its local derivative with respect to each arg, written in
 * terms of the args and of the node's own result `y`: the tutorial's notation (`z = u + b`,
 * `y_hat = σ(z)`, `dy_hat/dz = y_hat · (1 − y_hat)`), not op names. The same templates write the
 * symbols and, given numbers, the numbers substituted. The semantics stay in the op table
 * (src/engine/ops.ts); this is how they are shown.
 */
import type { OpName } from '../../engine/ops.js';
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
  /** The op's attr (leaky_relu's alpha), written. */
  attr: Written;
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
  /** On tensors, when the gradient is not simply `g ⊙ d` (elementwise ops and the summed loss). */
  vjp?: readonly Vjp[];
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
    write: ([a]) => atom(`Σ${wrap(a, PREC.atom).text}`, `\\sum ${wrap(a, PREC.atom).latex}`),
    local: [constant],
    vjp: [(g) => g],
  },
  mean: { write: fn('mean', '\\operatorname{mean}'), local: [constant], vjp: [(g, _a, _y, _d, c) => perElement(g, c)] },
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
};
