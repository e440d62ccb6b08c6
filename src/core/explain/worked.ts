/**
 * One element of a layer op worked out with its numbers, as a course works it on paper: a conv
 * output as its window's products summed plus b, `dL/dW[0, 0, 0, 0]` as the sum of x · g over the
 * positions, a max pool's gradient as the g of the window whose max it is, a batch norm's dL/dx by
 * the three-term formula. Each names the elements it reads (`x[0, 0, 1, 2] · W[0, 0, 1, 1]`), then
 * their numbers, then the engine's own value of the element (the result, or the contribution the
 * op's vector-Jacobian product passed back), so the numbers shown add up to what the service
 * computes. Long sums keep their first and last terms (a conv of 16 channels has 400 products).
 */
import { type Tape, argsOf, attrsOf, opNameOf, shapeOf, view } from '../../engine/tape.js';
import { type Shape, type Tensor, sizeOf } from '../../engine/tensor.js';
import { type Localized, inEach, plural, say } from '../../text.js';
import {
  ONE,
  PREC,
  type Written,
  atom,
  derivativeName,
  fraction,
  infix,
  named,
  product,
  sumOfTerms,
  wrap,
} from '../notation/written.js';
import { LIST_SEPARATOR } from '../notation/numbers.js';
import { type Context, equation } from './context.js';

/** Terms of a sum written out; beyond, the first LEADING_TERMS, `…` and the last. */
export const MAX_WORKED_TERMS = 8;
const LEADING_TERMS = 6;

export interface Worked {
  /** `y[0, 0, 0, 0] = x[…] · W[…] + … + b[0] = 1 · 1 + … + 0.5 = 0.5` as text (LaTeX beside it). */
  line: { text: string; latex: string };
  /** The element's exact value, as the engine computed it. */
  value: number;
  /** Words about the numbers (a normalization's μ and σ², the window a max came from). */
  words?: Localized;
}

interface Factor {
  name: Written;
  value: number;
}

/** What the writers of one op read: the node's args and result, their names, its attrs. */
interface Node {
  c: Context;
  x: Tensor[];
  names: Written[];
  y: Tensor;
  yName: string;
  attrs: Float64Array;
}

const flat = (shape: Shape, index: readonly number[]): number => index.reduce((at, i, axis) => at * shape[axis] + i, 0);
const at = (t: Tensor, index: readonly number[]): number => t.data[flat(t.shape, index)];
const element = (name: Written, index: readonly number[]): Written =>
  atom(`${wrap(name, PREC.atom).text}[${index.join(', ')}]`, `${wrap(name, PREC.atom).latex}[${index.join(', ')}]`);
const factor = (name: Written, index: readonly number[], t: Tensor): Factor => ({
  name: element(name, index),
  value: at(t, index),
});
const times = (a: Written, b: Written): Written => infix(a, '·', '\\cdot', b, PREC.product);
const minus = (a: Written, b: Written): Written => infix(a, '−', '-', b, PREC.sum);
/** A number as a factor or an operand: a negative one in parentheses, `(−0.5) · 2`. */
const operand = (n: Node, x: number): Written => wrap(n.c.notation.number(x), x < 0 ? PREC.atom + 1 : PREC.atom);
const ELLIPSIS: Written = atom('…', '\\ldots');
const middle = (n: number): number => Math.floor((n - 1) / 2);

/** Terms of a sum, the middle ones left out past MAX_WORKED_TERMS. */
function capped(terms: readonly Written[]): Written {
  if (terms.length === 0) return { ...atom('0'), number: 0 };
  if (terms.length <= MAX_WORKED_TERMS) return sumOfTerms(terms);
  return sumOfTerms([...terms.slice(0, LEADING_TERMS), ELLIPSIS, terms[terms.length - 1]]);
}

const termsWords = (n: number): Localized | undefined =>
  n > MAX_WORKED_TERMS
    ? say(`a sum of ${plural(n, 'term', 'terms')}`, `uma soma de ${plural(n, 'termo', 'termos')}`)
    : undefined;

/**
 * `lhs = Σ products (+ extra) = the same with numbers = value`: a sum of products of named elements,
 * optionally plus a last factor (a bias) and divided by a count (an average).
 */
function sumOfProducts(
  n: Node,
  lhs: Written,
  products: readonly Factor[][],
  value: number,
  options: { plus?: Factor; over?: number } = {},
): Worked {
  const { notation } = n.c;
  const symbols = products.map((p) => product(p.map((f) => f.name)));
  const numbers = products.map((p) =>
    p.length === 1 ? notation.number(p[0].value) : product(p.map((f) => operand(n, f.value))),
  );
  if (options.plus) {
    symbols.push(options.plus.name);
    numbers.push(notation.number(options.plus.value));
  }
  let s = capped(symbols),
    v = capped(numbers);
  if (options.over !== undefined) {
    const count = notation.number(options.over);
    s = fraction(s, count);
    v = fraction(v, count);
  }
  return { line: equation([lhs, s, v, notation.number(value)]), value, words: termsWords(symbols.length) };
}

// ---------------------------------------------------------------------------------------------
// Forward: one element of the result.

/** conv2d: a middle output of image 0, filter 0: its window's products summed, plus b. */
function convForward(n: Node): Worked {
  const [x, W, b] = n.x;
  const [s, p] = n.attrs;
  const [, C, H, Wd] = x.shape;
  const [, , KH, KW] = W.shape;
  const [, , OH, OW] = n.y.shape;
  const oh = middle(OH),
    ow = middle(OW);
  const products: Factor[][] = [];
  for (let c = 0; c < C; c++)
    for (let i = 0; i < KH; i++)
      for (let j = 0; j < KW; j++) {
        const r = oh * s - p + i,
          q = ow * s - p + j;
        // Outside the image x is a padding zero: its product adds nothing.
        if (r < 0 || r >= H || q < 0 || q >= Wd) continue;
        products.push([factor(n.names[0], [0, c, r, q], x), factor(n.names[1], [0, c, i, j], W)]);
      }
  const index = [0, 0, oh, ow];
  return sumOfProducts(n, element(named(n.yName), index), products, at(n.y, index), {
    plus: b && factor(n.names[2], [0], b),
  });
}

/** A pool's first window, of image 0 and channel 0. */
function poolWindow(n: Node): number[][] {
  const k = n.attrs[0];
  const out: number[][] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out.push([0, 0, i, j]);
  return out;
}

function maxPoolForward(n: Node): Worked {
  const { notation } = n.c;
  const window = poolWindow(n);
  const names = window.map((i) => element(n.names[0], i));
  const numbers = window.map((i) => notation.number(at(n.x[0], i)));
  const max = (parts: Written[]) => {
    const shown =
      parts.length > MAX_WORKED_TERMS ? [...parts.slice(0, LEADING_TERMS), ELLIPSIS, parts[parts.length - 1]] : parts;
    return atom(
      `max(${shown.map((w) => w.text).join(LIST_SEPARATOR[n.c.locale])})`,
      `\\max\\left(${shown.map((w) => w.latex).join(', ')}\\right)`,
    );
  };
  const value = at(n.y, [0, 0, 0, 0]);
  return {
    line: equation([element(named(n.yName), [0, 0, 0, 0]), max(names), max(numbers), notation.number(value)]),
    value,
  };
}

function avgPoolForward(n: Node): Worked {
  const k = n.attrs[0];
  const products = poolWindow(n).map((i) => [factor(n.names[0], i, n.x[0])]);
  return sumOfProducts(n, element(named(n.yName), [0, 0, 0, 0]), products, at(n.y, [0, 0, 0, 0]), { over: k * k });
}

/** The mean and biased variance of the values at `indices` (two passes, as the engine). */
function statistics(x: Tensor, indices: readonly number[]): { mean: number; variance: number } {
  let mean = 0;
  for (const i of indices) mean += x.data[i];
  mean /= indices.length;
  let squares = 0;
  for (const i of indices) squares += (x.data[i] - mean) ** 2;
  return { mean, variance: squares / indices.length };
}

/** The flat indices of a normalization's group holding element 0: batch norm's feature (channel) 0, layer norm's row 0. */
function groupOfFirst(op: 'batch_norm' | 'layer_norm', shape: Shape): number[] {
  if (op === 'layer_norm') return Array.from({ length: shape[shape.length - 1] }, (_, j) => j);
  const [N, C] = shape;
  const S = shape.length === 4 ? shape[2] * shape[3] : 1;
  const out: number[] = [];
  for (let b = 0; b < N; b++) for (let i = 0; i < S; i++) out.push((b * C + 0) * S + i);
  return out;
}

const MU = atom('μ', '\\mu');
const SIGMA2 = atom('σ²', '\\sigma^{2}');
const EPS = atom('ε', '\\varepsilon');
const root = (a: Written): Written => atom(`√(${a.text})`, `\\sqrt{${a.latex}}`);
const plus = (a: Written, b: Written): Written => infix(a, '+', '+', b, PREC.sum);

interface Group {
  indices: number[];
  mean: number;
  variance: number;
  eps: number;
  /** x̂ of each element of the group. */
  xHat: number[];
  /** The index (as the wire writes it) of each element of the group. */
  index: number[][];
}

function groupOf(n: Node, op: 'batch_norm' | 'layer_norm'): Group {
  const x = n.x[0];
  const indices = groupOfFirst(op, x.shape);
  const { mean, variance } = statistics(x, indices);
  const eps = n.attrs[0];
  const index = indices.map((f) => unflat(x.shape, f));
  return {
    indices,
    mean,
    variance,
    eps,
    xHat: indices.map((i) => (x.data[i] - mean) / Math.sqrt(variance + eps)),
    index,
  };
}

function unflat(shape: Shape, f: number): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = f % shape[d];
    f = Math.floor(f / shape[d]);
  }
  return index;
}

const statisticsWords = (n: Node, op: 'batch_norm' | 'layer_norm', g: Group): Localized => {
  const { notation } = n.c;
  const [mu, s2] = [notation.number(g.mean).text, notation.number(g.variance).text];
  const m = g.indices.length;
  if (op === 'layer_norm')
    return say(
      `μ = ${mu} and σ² = ${s2}: the mean and the biased variance (divided by ${m}) of the ${m} values of row 0`,
      `μ = ${mu} e σ² = ${s2}: a média e a variância enviesada (dividida por ${m}) dos ${m} valores da linha 0`,
    );
  const rank4 = n.x[0].shape.length === 4;
  return say(
    `μ = ${mu} and σ² = ${s2}: the mean and the biased variance (divided by m = ${m}) of the ${m} values of ${rank4 ? 'channel' : 'feature'} 0 over the batch`,
    `μ = ${mu} e σ² = ${s2}: a média e a variância enviesada (dividida por m = ${m}) dos ${m} valores ${rank4 ? 'do canal' : 'do atributo'} 0 no lote`,
  );
};

/** `γ[0] · (x[0, 0] − μ) / √(σ² + ε) + β[0]`. */
function normForward(n: Node, op: 'batch_norm' | 'layer_norm'): Worked {
  const { notation } = n.c;
  const g = groupOf(n, op);
  const index = g.index[0];
  const formula = (x: Written, gamma: Written, beta: Written, mu: Written, s2: Written, eps: Written) =>
    plus(fraction(times(gamma, wrap(minus(x, mu), PREC.atom)), root(plus(s2, eps))), beta);
  const symbols = formula(
    element(n.names[0], index),
    element(n.names[1], [0]),
    element(n.names[2], [0]),
    MU,
    SIGMA2,
    EPS,
  );
  const numbers = formula(
    notation.number(at(n.x[0], index)),
    operand(n, n.x[1].data[0]),
    notation.number(n.x[2].data[0]),
    notation.number(g.mean),
    notation.number(g.variance),
    notation.number(g.eps),
  );
  const value = at(n.y, index);
  return {
    line: equation([element(named(n.yName), index), symbols, numbers, notation.number(value)]),
    value,
    words: statisticsWords(n, op, g),
  };
}

/** `x[0] · m[0] / (1 − p)`. */
function dropoutForward(n: Node): Worked {
  const index = unflat(n.x[0].shape, 0);
  const products = [[factor(n.names[0], index, n.x[0]), factor(n.names[1], index, n.x[1])]];
  return keptScaled(n, element(named(n.yName), index), products, at(n.y, index));
}

/** A product divided by (1 − p): `a · b / (1 − 0.5)`. */
function keptScaled(n: Node, lhs: Written, products: Factor[][], value: number): Worked {
  const { notation } = n.c;
  const keep = minus(ONE, notation.number(n.attrs[0]));
  const s = fraction(product(products[0].map((f) => f.name)), keep);
  const v = fraction(product(products[0].map((f) => operand(n, f.value))), keep);
  return { line: equation([lhs, s, v, notation.number(value)]), value };
}

/** `y[0, 0] = W[idx[0], 0] = W[2, 0] = value`. */
function embeddingForward(n: Node): Worked {
  const { notation } = n.c;
  const idx = n.x[1];
  const position = unflat(idx.shape, 0);
  const row = idx.data[0];
  const index = [...position, 0];
  const value = at(n.y, index);
  const symbols = atom(
    `${n.names[0].text}[${element(n.names[1], position).text}, 0]`,
    `${n.names[0].latex}[${element(n.names[1], position).latex}, 0]`,
  );
  return {
    line: equation([element(named(n.yName), index), symbols, element(n.names[0], [row, 0]), notation.number(value)]),
    value,
  };
}

/** An element moved as it is: `y[0, 5] = x[0, 1, 0, 1] = 3`. */
function moved(n: Node, lhs: Written, source: Written, value: number): Worked {
  return { line: equation([lhs, source, n.c.notation.number(value)]), value };
}

function flattenForward(n: Node): Worked {
  const x = n.x[0];
  const last = sizeOf(x.shape.slice(1)) - 1;
  const source = unflat(x.shape, last);
  return moved(n, element(named(n.yName), [0, last]), element(n.names[0], source), at(n.y, [0, last]));
}

/** slice: the result's first element, from x at `from` on the axis. */
function sliceForward(n: Node): Worked {
  const x = n.x[0];
  const { k, from } = sliceAxis(x.shape, n.attrs);
  const index = n.y.shape.map(() => 0);
  const source = index.map((i, a) => (a === k ? from : i));
  return moved(n, element(named(n.yName), index), element(n.names[0], source), at(n.y, index));
}

function sliceAxis(shape: Shape, attrs: ArrayLike<number>): { k: number; from: number } {
  const k = attrs[0] < 0 ? attrs[0] + shape.length : attrs[0];
  return { k, from: attrs[1] < 0 ? attrs[1] + shape[k] : attrs[1] };
}

const concatAxis = (rank: number, attrs: ArrayLike<number>): number => (attrs[0] < 0 ? attrs[0] + rank : attrs[0]);

/** concat: the first element of the second arg, where it lands in the result. */
function concatForward(n: Node): Worked {
  const k = concatAxis(n.y.shape.length, n.attrs);
  const index = n.y.shape.map(() => 0);
  index[k] = n.x[0].shape[k];
  const source = n.y.shape.map(() => 0);
  return moved(n, element(named(n.yName), index), element(n.names[1], source), at(n.y, index));
}

/** sum or mean along an axis: the result's first element as the sum of its line of x. */
function axisForward(n: Node, mean: boolean): Worked | undefined {
  const x = n.x[0];
  if (Number.isNaN(n.attrs[0]) || x.shape.length === 0) return undefined;
  const k = n.attrs[0] < 0 ? n.attrs[0] + x.shape.length : n.attrs[0];
  const products = Array.from({ length: x.shape[k] }, (_, i) => {
    const index = x.shape.map(() => 0);
    index[k] = i;
    return [factor(n.names[0], index, x)];
  });
  const index = n.y.shape.map(() => 0);
  return sumOfProducts(n, element(named(n.yName), index), products, at(n.y, index), {
    over: mean ? x.shape[k] : undefined,
  });
}

// ---------------------------------------------------------------------------------------------
// Backward: one element of what the op passes back to arg j (`part`), given g.

interface Back extends Node {
  g: Tensor;
  gName: Written;
  part: Tensor;
  /** The arg's own name, for the element's name `dL/dW[0, 0, 0, 0]`. */
  lhs: (index: readonly number[]) => Written;
}

/** conv2d's dL/dW[0, 0, 0, 0]: x · g summed over the images and positions (the correlation of x with g). */
function convBackW(n: Back): Worked {
  const [x] = n.x;
  const [s, p] = n.attrs;
  const [N, , H, Wd] = x.shape;
  const [, , OH, OW] = n.g.shape;
  const products: Factor[][] = [];
  for (let b = 0; b < N; b++)
    for (let h = 0; h < OH; h++)
      for (let w = 0; w < OW; w++) {
        const r = h * s - p,
          q = w * s - p;
        if (r < 0 || r >= H || q < 0 || q >= Wd) continue;
        products.push([factor(n.names[0], [b, 0, r, q], x), factor(n.gName, [b, 0, h, w], n.g)]);
      }
  return sumOfProducts(n, n.lhs([0, 0, 0, 0]), products, at(n.part, [0, 0, 0, 0]));
}

/** conv2d's dL/dx at a middle pixel of image 0, channel 0: g · W over every window that covers it. */
function convBackX(n: Back): Worked {
  const [x, W] = n.x;
  const [s, p] = n.attrs;
  const [, , H, Wd] = x.shape;
  const [F, , KH, KW] = W.shape;
  const [, , OH, OW] = n.g.shape;
  const r = middle(H),
    q = middle(Wd);
  const products: Factor[][] = [];
  for (let f = 0; f < F; f++)
    for (let h = 0; h < OH; h++)
      for (let w = 0; w < OW; w++) {
        const i = r - h * s + p,
          j = q - w * s + p;
        if (i < 0 || i >= KH || j < 0 || j >= KW) continue;
        products.push([factor(n.gName, [0, f, h, w], n.g), factor(n.names[1], [f, 0, i, j], W)]);
      }
  return sumOfProducts(n, n.lhs([0, 0, r, q]), products, at(n.part, [0, 0, r, q]));
}

/** dL/db[0] (conv2d, batch_norm's and layer_norm's beta): g summed over the group of element 0. */
function sumOfG(n: Back, indices: readonly number[][]): Worked {
  const products = indices.map((i) => [factor(n.gName, i, n.g)]);
  return sumOfProducts(n, n.lhs([0]), products, n.part.data[0]);
}

function convBackB(n: Back): Worked {
  const [N, , OH, OW] = n.g.shape;
  const indices: number[][] = [];
  for (let b = 0; b < N; b++) for (let h = 0; h < OH; h++) for (let w = 0; w < OW; w++) indices.push([b, 0, h, w]);
  return sumOfG(n, indices);
}

/** A max pool's dL/dx at the max of the first window: the g of each window whose max it is. */
function maxPoolBack(n: Back): Worked {
  const x = n.x[0];
  const [k, s] = n.attrs;
  const [, , OH, OW] = n.g.shape;
  const argmax = (h: number, w: number): number[] => {
    let best = [0, 0, h * s, w * s],
      max = -Infinity;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        const v = at(x, [0, 0, h * s + i, w * s + j]);
        if (v > max || v !== v) {
          max = v;
          best = [0, 0, h * s + i, w * s + j];
        }
      }
    return best;
  };
  const target = argmax(0, 0);
  const products: Factor[][] = [];
  for (let h = 0; h < OH; h++)
    for (let w = 0; w < OW; w++)
      if (argmax(h, w).every((v, a) => v === target[a])) products.push([factor(n.gName, [0, 0, h, w], n.g)]);
  const worked = sumOfProducts(n, n.lhs(target), products, at(n.part, target));
  const value = n.c.notation.number(at(x, target)).text;
  const name = element(n.names[0], target).text;
  return {
    ...worked,
    words: say(
      `${name} = ${value} is the max of its window (of tied elements, the first in row-major order)`,
      `${name} = ${value} é o máximo da sua janela (entre empatados, o primeiro na ordem das linhas)`,
    ),
  };
}

/** An average pool's dL/dx[0, 0, 0, 0]: g / k² of the one window that holds it (the first; windows start at 0, s, 2s...). */
function avgPoolBack(n: Back): Worked {
  const k = n.attrs[0];
  const products = [[factor(n.gName, [0, 0, 0, 0], n.g)]];
  return sumOfProducts(n, n.lhs([0, 0, 0, 0]), products, at(n.part, [0, 0, 0, 0]), { over: k * k });
}

/**
 * A normalization's dL/dx at the group's first element by the three-term formula:
 * `scale · (m · ĝ − Σ ĝ − x̂ · Σ ĝ x̂)`, ĝ = g · γ, scale = 1 / (m · √(σ² + ε)).
 */
function normBackX(n: Back, op: 'batch_norm' | 'layer_norm'): Worked {
  const { notation } = n.c;
  const grp = groupOf(n, op);
  const gamma = n.x[1].data;
  /** γ of the group's element e: batch norm's is one per group, layer norm's one per column. */
  const gammaOf = (e: number): number => (op === 'batch_norm' ? gamma[0] : gamma[e]);
  const gHat = grp.indices.map((f, e) => n.g.data[f] * gammaOf(e));
  const sumG = gHat.reduce((a, b) => a + b, 0);
  const sumGX = gHat.reduce((a, b, e) => a + b * grp.xHat[e], 0);
  const m = grp.indices.length;
  const index = grp.index[0];
  const formula = (mW: Written, gE: Written, sG: Written, xE: Written, sGX: Written, s2: Written, eps: Written) =>
    times(
      fraction(ONE, times(mW, root(plus(s2, eps)))),
      wrap(minus(minus(times(mW, gE), sG), times(xE, sGX)), PREC.atom),
    );
  const gE = times(element(n.gName, index), element(n.names[1], [op === 'batch_norm' ? 0 : index[index.length - 1]]));
  const symbols = formula(
    atom(String(m)),
    wrap(gE, PREC.atom),
    atom('Σ ĝ', '\\sum \\hat{g}'),
    element(atom('x̂', '\\hat{x}'), index),
    atom('Σ ĝ x̂', '\\sum \\hat{g}\\,\\hat{x}'),
    SIGMA2,
    EPS,
  );
  const numbers = formula(
    notation.number(m),
    operand(n, gHat[0]),
    notation.number(sumG),
    operand(n, grp.xHat[0]),
    operand(n, sumGX),
    notation.number(grp.variance),
    notation.number(grp.eps),
  );
  const value = at(n.part, index);
  const stats = statisticsWords(n, op, grp);
  return {
    line: equation([n.lhs(index), symbols, numbers, notation.number(value)]),
    value,
    words: inEach(
      (l) =>
        `${stats[l]}; ĝ = ${n.gName.text} · ${n.names[1].text}, Σ ĝ = ${notation.number(sumG).text}, Σ ĝ x̂ = ${notation.number(sumGX).text} ${l === 'en' ? 'over the group' : 'no grupo'}`,
    ),
  };
}

/** A normalization's dL/dγ[0] (Σ g · x̂) or dL/dβ[0] (Σ g) over the elements that γ[0] scales. */
function normBackParam(n: Back, op: 'batch_norm' | 'layer_norm', gamma: boolean): Worked {
  const x = n.x[0];
  let indices: number[];
  if (op === 'batch_norm') indices = groupOfFirst(op, x.shape);
  else {
    const D = x.shape[x.shape.length - 1];
    indices = Array.from({ length: x.data.length / D }, (_, r) => r * D);
  }
  const xHat = xHatOf(n, op);
  const products = indices.map((f) => {
    const index = unflat(x.shape, f);
    const gf: Factor = { name: element(n.gName, index), value: n.g.data[f] };
    return gamma ? [gf, { name: element(atom('x̂', '\\hat{x}'), index), value: xHat[f] }] : [gf];
  });
  return sumOfProducts(n, n.lhs([0]), products, n.part.data[0]);
}

/** x̂ of every element of x (batch norm per channel, layer norm per row). */
function xHatOf(n: Node, op: 'batch_norm' | 'layer_norm'): Float64Array {
  const x = n.x[0];
  const out = new Float64Array(x.data.length);
  const groups: number[][] = [];
  if (op === 'layer_norm') {
    const D = x.shape[x.shape.length - 1];
    for (let r = 0; r < x.data.length / D; r++) groups.push(Array.from({ length: D }, (_, j) => r * D + j));
  } else {
    const [N, C] = x.shape;
    const S = x.shape.length === 4 ? x.shape[2] * x.shape[3] : 1;
    for (let ch = 0; ch < C; ch++) {
      const group: number[] = [];
      for (let b = 0; b < N; b++) for (let i = 0; i < S; i++) group.push((b * C + ch) * S + i);
      groups.push(group);
    }
  }
  for (const group of groups) {
    const { mean, variance } = statistics(x, group);
    for (const f of group) out[f] = (x.data[f] - mean) / Math.sqrt(variance + n.attrs[0]);
  }
  return out;
}

function dropoutBack(n: Back, j: number): Worked {
  const index = unflat(n.g.shape, 0);
  const other = j === 0 ? 1 : 0;
  const products = [[factor(n.gName, index, n.g), factor(n.names[other], index, n.x[other])]];
  return keptScaled(n, n.lhs(index), products, at(n.part, index));
}

/** embedding's dL/dW at the row idx names first, column 0: the g of each position that names that row. */
function embeddingBack(n: Back): Worked {
  const idx = n.x[1];
  const row = idx.data[0];
  const products: Factor[][] = [];
  for (let t = 0; t < idx.data.length; t++)
    if (idx.data[t] === row) products.push([factor(n.gName, [...unflat(idx.shape, t), 0], n.g)]);
  const worked = sumOfProducts(n, n.lhs([row, 0]), products, at(n.part, [row, 0]));
  const positions = products.length;
  return {
    ...worked,
    words: say(
      `${n.names[1].text} names row ${row} at ${plural(positions, 'position', 'positions')}: the row of g at each is added into it`,
      `${n.names[1].text} aponta a linha ${row} em ${positions === 1 ? '1 posição' : `${positions} posições`}: a linha de g de cada uma é somada nela`,
    ),
  };
}

function flattenBack(n: Back): Worked {
  const x = n.x[0];
  const last = sizeOf(x.shape.slice(1)) - 1;
  const index = unflat(x.shape, last);
  return moved(n, n.lhs(index), element(n.gName, [0, last]), at(n.part, index));
}

function sliceBack(n: Back): Worked {
  const { k, from } = sliceAxis(n.x[0].shape, n.attrs);
  const source = n.g.shape.map(() => 0);
  const index = source.map((i, a) => (a === k ? from : i));
  return moved(n, n.lhs(index), element(n.gName, source), at(n.part, index));
}

function concatBack(n: Back, j: number): Worked {
  const k = concatAxis(n.y.shape.length, n.attrs);
  let from = 0;
  for (let i = 0; i < j; i++) from += n.x[i].shape[k];
  const index = n.x[j].shape.map(() => 0);
  const source = index.map((i, a) => (a === k ? from : i));
  return moved(n, n.lhs(index), element(n.gName, source), at(n.part, index));
}

/** sum or mean along an axis: x's first element gets the g of its line (divided by n for mean). */
function axisBack(n: Back, mean: boolean): Worked | undefined {
  const x = n.x[0];
  if (Number.isNaN(n.attrs[0]) || x.shape.length === 0) return undefined;
  const k = n.attrs[0] < 0 ? n.attrs[0] + x.shape.length : n.attrs[0];
  const index = x.shape.map(() => 0);
  const gIndex = n.g.shape.map(() => 0);
  return sumOfProducts(n, n.lhs(index), [[factor(n.gName, gIndex, n.g)]], at(n.part, index), {
    over: mean ? x.shape[k] : undefined,
  });
}

// ---------------------------------------------------------------------------------------------

function nodeOf(c: Context, k: number): Node {
  const { tape } = c;
  const args = argsOf(tape, k);
  return {
    c,
    x: args.map((s) => view(tape, c.values, s)),
    names: args.map((s) => c.notation.operand(s)),
    y: view(tape, c.values, tape.nodeSlot[k]),
    yName: tape.ids[tape.nodeSlot[k]]!,
    attrs: attrsOf(tape, k),
  };
}

/** One element of the result of the node at position k worked out, for the layer ops (and sum or mean along an axis). */
export function forwardWorked(c: Context, k: number): Worked | undefined {
  const n = nodeOf(c, k);
  switch (opNameOf(c.tape, k)) {
    case 'conv2d':
      return convForward(n);
    case 'max_pool2d':
      return maxPoolForward(n);
    case 'avg_pool2d':
      return avgPoolForward(n);
    case 'batch_norm':
      return normForward(n, 'batch_norm');
    case 'layer_norm':
      return normForward(n, 'layer_norm');
    case 'dropout':
      return dropoutForward(n);
    case 'embedding':
      return embeddingForward(n);
    case 'flatten':
      return flattenForward(n);
    case 'slice':
      return sliceForward(n);
    case 'concat':
      return concatForward(n);
    case 'sum':
      return axisForward(n, false);
    case 'mean':
      return axisForward(n, true);
    default:
      return undefined;
  }
}

/**
 * One element of what the node at position k passes back to its arg j (`part`, the engine's
 * contribution), worked out; undefined for the ops without one (and embedding's idx, whose
 * gradient is zeros).
 */
export function backwardWorked(c: Context, k: number, j: number, part: Tensor): Worked | undefined {
  const { tape } = c;
  const node = nodeOf(c, k);
  const slot = tape.nodeSlot[k];
  if (slot === tape.output) return undefined;
  const arg = argsOf(tape, k)[j];
  const n: Back = {
    ...node,
    g: view(tape, c.grads, slot),
    gName: derivativeName(c.output, node.yName),
    part,
    lhs: (index) => element(derivativeName(c.output, tape.ids[arg]!), index),
  };
  switch (opNameOf(tape, k)) {
    case 'conv2d':
      return [convBackX, convBackW, convBackB][j](n);
    case 'max_pool2d':
      return maxPoolBack(n);
    case 'avg_pool2d':
      return avgPoolBack(n);
    case 'batch_norm':
    case 'layer_norm': {
      const op = opNameOf(tape, k) as 'batch_norm' | 'layer_norm';
      return j === 0 ? normBackX(n, op) : normBackParam(n, op, j === 1);
    }
    case 'dropout':
      return dropoutBack(n, j);
    case 'embedding':
      return j === 0 ? embeddingBack(n) : undefined;
    case 'flatten':
      return flattenBack(n);
    case 'slice':
      return sliceBack(n);
    case 'concat':
      return concatBack(n, j);
    case 'sum':
      return axisBack(n, false);
    case 'mean':
      return axisBack(n, true);
    default:
      return undefined;
  }
}

/** Whether the node at position k has worked elements: a layer op, or a sum or mean along an axis. */
export function hasWorked(tape: Tape, k: number): boolean {
  const op = opNameOf(tape, k);
  if (op === 'sum' || op === 'mean')
    return !Number.isNaN(attrsOf(tape, k)[0]) && shapeOf(tape, argsOf(tape, k)[0]).length > 0;
  return WORKED_OPS.has(op);
}

const WORKED_OPS = new Set([
  'conv2d',
  'max_pool2d',
  'avg_pool2d',
  'batch_norm',
  'layer_norm',
  'dropout',
  'embedding',
  'flatten',
  'slice',
  'concat',
]);
