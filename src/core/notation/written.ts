/**
 * A piece of a formula written two ways, as plain text (`½(y_hat − y)²`) and as LaTeX
 * (`\tfrac{1}{2}(\hat{y} - y)^{2}`), with the binding strength of its outermost operator so that
 * it is put in parentheses exactly where it must be.
 */

export interface Written {
  readonly text: string;
  readonly latex: string;
  readonly prec: number;
  /** Set on a written number (a literal, or any value once substituted): what templates may simplify with. */
  readonly number?: number;
  /** Set on `−a`: a, so that a sum writes `b − a` rather than `b + −a`. */
  readonly negated?: Written;
  /** Set on ELIDED: a formula too long to write, left out. */
  readonly elided?: true;
}

/** Binding strengths, loosest first. Calls, names and non-negative numbers are atoms. */
export const PREC = { sum: 10, product: 20, unary: 30, power: 40, atom: 100 } as const;

export const atom = (text: string, latex = text): Written => ({ text, latex, prec: PREC.atom });

/** `w` in parentheses when it binds looser than `min`. */
export function wrap(w: Written, min: number): Written {
  return w.prec >= min ? w : { text: `(${w.text})`, latex: `\\left(${w.latex}\\right)`, prec: PREC.atom };
}

/** `a op b`: a left-associative infix operator; the right side is wrapped unless it binds tighter. */
export function infix(a: Written, text: string, latex: string, b: Written, prec: number): Written {
  // A negative number after an operator is bracketed as students write it: `1 + (-1)`.
  const l = wrap(a, prec),
    r = wrap(b, b.number !== undefined && b.number < 0 ? PREC.atom : prec + 1);
  return {
    text: `${l.text} ${text} ${r.text}`,
    latex: latex ? `${l.latex} ${latex} ${r.latex}` : `${l.latex} ${r.latex}`,
    prec,
  };
}

/** `f(a, b)`: a call; its args need no parentheses of their own. `sep` separates them (`, ` or `; `). */
export function call(text: string, latex: string, args: readonly Written[], sep = ', '): Written {
  return atom(
    `${text}(${args.map((a) => a.text).join(sep)})`,
    `${latex}\\left(${args.map((a) => a.latex).join(', ')}\\right)`,
  );
}

/** `−a`. */
export const negative = (a: Written): Written => {
  const w = wrap(a, PREC.unary + 1);
  return { text: `−${w.text}`, latex: `-${w.latex}`, prec: PREC.unary, negated: a };
};

/** `a^b`, `a²` and `a³` for the squares and cubes that students write so. */
export function power(a: Written, b: Written): Written {
  const base = wrap(a, PREC.power + 1);
  const superscript = b.number === 2 ? '²' : b.number === 3 ? '³' : undefined;
  const exponent = superscript ?? `^${wrap(b, PREC.atom).text}`;
  return { text: `${base.text}${exponent}`, latex: `{${base.latex}}^{${b.latex}}`, prec: PREC.power };
}

/** `a / b` in text, a fraction in LaTeX. */
export function fraction(a: Written, b: Written): Written {
  const l = wrap(a, PREC.product),
    r = wrap(b, b.number !== undefined && b.number < 0 ? PREC.atom : PREC.product + 1);
  return { text: `${l.text} / ${r.text}`, latex: `\\frac{${a.latex}}{${b.latex}}`, prec: PREC.product };
}

export const ONE: Written = { ...atom('1'), number: 1 };

/**
 * Characters of text or LaTeX beyond which a formula is left out (`…`): a sum of 250,000
 * one-letter names, far beyond what a graph within the limits writes. Templates that use an arg twice (`bce`, `softmax`'s gradient) double
 * a formula at each level of nesting, so without a bound a few dozen levels would be longer than
 * any string can be.
 */
export const MAX_WRITTEN_CHARS = 1_000_000;

/** A formula left out for its length. */
export const ELIDED: Written = { text: '…', latex: '\\ldots', prec: PREC.atom, elided: true };

/** `w`, or ELIDED when it is longer than MAX_WRITTEN_CHARS. */
export const bounded = (w: Written): Written =>
  w.text.length > MAX_WRITTEN_CHARS || w.latex.length > MAX_WRITTEN_CHARS ? ELIDED : w;

/**
 * A product that leaves out the factors that are the constant ONE of a template (`dz/du = 1`
 * times `du/dw = x` is just `x`), as a student writes it; a number 1 put in for an id stays. A
 * factor that is itself a product needs no parentheses: `0.5 · 2 · (y_hat − y)`.
 */
export function product(factors: readonly Written[]): Written {
  const kept = factors.filter((f) => f !== ONE);
  if (kept.length === 0) return ONE;
  const asFactor = (f: Written) => wrap(f, f.number !== undefined && f.number < 0 ? PREC.atom : PREC.product);
  const [first, ...rest] = kept;
  if (!rest.length) return first;
  return rest.reduce(
    (acc, f) => ({
      text: `${acc.text} · ${asFactor(f).text}`,
      latex: `${acc.latex} \\cdot ${asFactor(f).latex}`,
      prec: PREC.product,
    }),
    wrap(first, PREC.product),
  );
}

/** How an id reads in LaTeX: `y_hat` -> `\hat{y}`, `W1` -> `W_{1}`, `a_prev` -> `a_{\text{prev}}`. */
export function latexName(id: string): string {
  const greek = GREEK.has(id) ? `\\${id}` : undefined;
  if (greek) return greek;
  let m = /^([A-Za-z])_?hat$/.exec(id);
  if (m) return `\\hat{${m[1]}}`;
  m = /^([A-Za-z])_?(\d+)$/.exec(id);
  if (m) return `${m[1]}_{${m[2]}}`;
  m = /^([A-Za-z])_([A-Za-z0-9]+)$/.exec(id);
  if (m) return `${m[1]}_{\\text{${m[2]}}}`;
  if (/^[A-Za-z]$/.test(id)) return id;
  return `\\mathit{${id.replaceAll('_', '\\_')}}`;
}

const GREEK = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'eta',
  'theta',
  'lambda',
  'mu',
  'sigma',
  'tau',
  'phi',
  'omega',
]);

/** An id as written: the name itself in text. */
export const named = (id: string): Written => atom(id, latexName(id));

/** `dL/dz` (text), `\frac{\partial L}{\partial z}` (LaTeX): the derivative of one id with respect to another. */
export const derivativeName = (of: string, wrt: string): Written =>
  atom(`d${of}/d${wrt}`, `\\frac{\\partial ${latexName(of)}}{\\partial ${latexName(wrt)}}`);

/** `a ⊙ b`, the elementwise product; a factor of 1 is left out and a factor of -1 turns into a minus sign. */
export function hadamard(a: Written, b: Written): Written {
  if (a.number === 1) return b;
  if (b.number === 1) return a;
  if (b.number === -1) return negative(a);
  return infix(a, '⊙', '\\odot', b, PREC.product);
}

/** `a b`, a matrix product written as the juxtaposition it is on paper (`(dL/dz)ᵀ x`, `dL/dz W`). */
export function matrixProduct(a: Written, b: Written): Written {
  const l = wrap(a, PREC.product),
    r = wrap(b, PREC.product + 1);
  return { text: `${l.text} ${r.text}`, latex: `${l.latex} ${r.latex}`, prec: PREC.product };
}

/** `aᵀ`; anything but a name or an array is parenthesized first, so that `(dL/dz)ᵀ` reads as one thing. */
export function transposed(a: Written): Written {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(a.text) || a.text.startsWith('[');
  const base = plain ? a : { text: `(${a.text})`, latex: `\\left(${a.latex}\\right)`, prec: PREC.atom };
  return atom(`${base.text}ᵀ`, `{${base.latex}}^{\\top}`);
}

/** `Σ a`: a sum over every element (or, for a gradient, over the batch). */
export const sumOf = (a: Written): Written => {
  const w = wrap(a, PREC.power);
  return { text: `Σ ${w.text}`, latex: `\\sum ${w.latex}`, prec: PREC.product };
};

/** `a + b − c ...`: a sum of several terms, a negative one subtracted. */
export const sumOfTerms = (terms: readonly Written[]): Written =>
  terms
    .slice(1)
    .reduce(
      (acc, t) => (t.negated ? infix(acc, '−', '-', t.negated, PREC.sum) : infix(acc, '+', '+', t, PREC.sum)),
      terms[0],
    );

/**
 * How much of a response a formula takes, known without writing it: the bytes of its text and of
 * its LaTeX as JSON strings (UTF-8, `\` escaped), with what a template reads of it (its binding
 * strength, the number it is).
 */
export interface Extent {
  readonly text: number;
  readonly latex: number;
  readonly prec: number;
  readonly number?: number;
}

/** Markers in the Unicode private-use area (three bytes in UTF-8), standing for the parts of a formula being measured. */
const MARKER = 0xe000;
const MARKERS = 8;

/** A stand-in for part i of a formula, with what a template reads of the part. */
export const marker = (i: number, part: Extent): Written => {
  const m = String.fromCharCode(MARKER + i);
  return { text: m, latex: m, prec: part.prec, number: part.number };
};

/** Bytes of `s` as a JSON string's content, and how often each marker occurs in it (not counted in the bytes). */
function measured(s: string, occurrences: number[]): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= MARKER && c < MARKER + MARKERS) occurrences[c - MARKER]++;
    else if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x20) bytes += 6;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    // A surrogate pair is four bytes, two for each half.
    else if (c >= 0xd800 && c < 0xe000) bytes += 2;
    else bytes += 3;
  }
  return bytes;
}

/** The extent of `w`, a formula written with marker(i, parts[i]) in place of each part. */
export function extentOf(w: Written, parts: readonly Extent[] = []): Extent {
  const inText = new Array<number>(MARKERS).fill(0);
  const inLatex = new Array<number>(MARKERS).fill(0);
  let text = measured(w.text, inText);
  let latex = measured(w.latex, inLatex);
  parts.forEach((part, i) => {
    text += inText[i] * part.text;
    latex += inLatex[i] * part.latex;
  });
  // A marker carries its part's number: a template that returns a part as it is (identity) is that number.
  return { text, latex, prec: w.prec, number: w.number };
}
