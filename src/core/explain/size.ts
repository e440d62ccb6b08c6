/**
 * What an explanation will write, known before computing it: the bytes of its steps and its
 * Markdown, and the chain edges it walks. Each node's formula and each local derivative is
 * measured once (src/core/notation/extent.ts), with numbers as wide as a number is ever written;
 * the chain rule's products are summed over the chain edges of each statement, children before
 * parents, without writing them. Each figure is an upper bound: a template that leaves a factor
 * of 1 out, or writes two equal parts once, writes less than it is counted for.
 */
import { CONST, type Tape, opOf, shapeOf, sizeOfSlot, startOf } from '../../engine/tape.js';
import { nestingBytes } from '../../engine/tensor.js';
import { NUMBER_BYTES } from '../../engine/limits.js';
import type { Locale } from '../../text.js';
import { NotationExtents } from '../notation/extent.js';
import { Notation } from '../notation/node.js';
import { type Extent, PREC, derivativeName, extentOf } from '../notation/written.js';
import { reachedFrom } from './statements.js';
import { MAX_WORKED_TERMS, hasWorked } from './worked.js';

export interface ExplanationSize {
  /** Bytes of the explanation as JSON (`output`, `locale`, `given`, `steps`, `markdown`), at most. */
  bytes: number;
  /** Edges of the chains from each statement the output depends on down to the ids it uses: what the chain rule walks, a few times each. */
  chainEdges: number;
}

export interface SizeOptions {
  learningRate?: number;
  /** Whether the params (every element) are checked by finite differences. */
  gradcheck?: boolean;
}

/** A number whose written form is as long as any: `-1.23457e-100` (`-1.23457\times 10^{-100}`), for each value not known before computing. */
const WIDEST = -1.23457e-100;
/** Bytes of a step's keys, quotes and phase, besides its fields' contents. */
const STEP = 100;
/** ` = ` between the parts of a step's line. */
const EQUALS = 3;
/** A factor in a product, besides itself: ` · ` (`\cdot`); parentheses (`\left(`…`\right)` as JSON) where it binds looser. */
const FACTOR: Extent = { text: 4, latex: 8, prec: 0 };
const PARENTHESES: Extent = { text: 2, latex: 15, prec: 0 };
/** A term in a sum, besides itself: ` + `; a negative one more (` − `, `(−1)`, `−(…)`; `−` is three bytes in UTF-8). */
const TERM: Extent = { text: 3, latex: 3, prec: 0 };
const NEGATIVE: Extent = { text: 7, latex: 17, prec: 0 };
/** A note, in the longer language, besides the ids and numbers in it. */
const NOTE = 120;
/** The Markdown's headings, the sentence under each, the closing line (about 1,100 bytes in Portuguese). */
const MARKDOWN = 1_500;

interface Sum {
  text: number;
  latex: number;
}

const add = (to: Sum, e: Sum, times = 1): void => {
  to.text += times * e.text;
  to.latex += times * e.latex;
};
const zero = (): Sum => ({ text: 0, latex: 0 });

/** Bytes of a slot's value in the structured fields: its numbers and brackets. */
function wireBytes(tape: Tape, slot: number): number {
  return sizeOfSlot(tape, slot) * NUMBER_BYTES + nestingBytes(shapeOf(tape, slot));
}

/** What the passes share: the notation measured, with the leaves' values and every node's as wide as any. */
interface Measure {
  tape: Tape;
  notation: Notation;
  x: NotationExtents;
  output: string;
  /** A number computed, written: as wide as any. */
  number: Extent;
}

function measureOf(tape: Tape, locale: Locale): Measure {
  const values = Float64Array.from(tape.initial);
  for (let k = 0; k < tape.nodeCount; k++) {
    const slot = tape.nodeSlot[k],
      from = startOf(tape, slot);
    values.fill(WIDEST, from, from + sizeOfSlot(tape, slot));
  }
  const notation = new Notation(tape, locale, values);
  return {
    tape,
    notation,
    x: new NotationExtents(notation),
    output: tape.ids[tape.output]!,
    number: extentOf(notation.number(WIDEST)),
  };
}

const dName = (of: string, wrt: string): Extent => extentOf(derivativeName(of, wrt));
const isRoot = ({ tape, notation }: Measure, slot: number): boolean =>
  !notation.isSubexpression(slot) || slot === tape.output;

/**
 * The bytes counted so far. Each step's `text` is written again in the Markdown, the first parts
 * of its line (its symbols) again in `formula`; `json` is everything else.
 */
class Count {
  readonly lines = zero();
  readonly formulas = zero();
  json = 0;

  /** A step whose line is `parts` joined by ` = `, the first `formulaParts` its formula, with `fields` bytes of other fields and a note. */
  line(parts: readonly Sum[], formulaParts: number, fields: number, note = 0): void {
    for (const p of parts) add(this.lines, p);
    this.lines.text += EQUALS * parts.length + note;
    this.lines.latex += EQUALS * parts.length;
    for (const p of parts.slice(0, formulaParts)) add(this.formulas, p);
    // The Markdown's `- ` and backticks, a layer's heading, the line break.
    this.json += STEP + fields + 30;
  }

  /** Chains written out (in symbols, and with numbers), in a step counted with `line`. */
  chains(c: Chains, root: number): void {
    add(this.lines, c.symbols[root]);
    add(this.lines, c.numbers[root]);
    add(this.lines, TERM, 2 * c.chains[root]);
    add(this.lines, NEGATIVE, 2 * c.negative[root]);
    add(this.formulas, c.symbols[root]);
    add(this.formulas, TERM, c.chains[root]);
    add(this.formulas, NEGATIVE, c.negative[root]);
  }

  get bytes(): number {
    return Math.ceil(this.json + 2 * this.lines.text + this.lines.latex + this.formulas.text + this.formulas.latex);
  }
}

/** Per position, over the chains from the node down to the ids below it (through a statement's parts). */
interface Chains {
  chains: Float64Array;
  /** Chains through an odd number of factors -1: terms subtracted. */
  negative: Float64Array;
  edges: Float64Array;
  /** The local derivatives along them, each written as a factor: in symbols, and with numbers. */
  symbols: Sum[];
  numbers: Sum[];
  /** Every node below is on single numbers: the statement has local derivatives. */
  scalar: Uint8Array;
}

/** Children before parents, each edge once: what `Notation.chained` writes, summed over the chains. */
function chainsOf({ tape, notation, x }: Measure): Chains {
  const n = tape.nodeCount;
  const c: Chains = {
    chains: new Float64Array(n),
    negative: new Float64Array(n),
    edges: new Float64Array(n),
    symbols: Array.from({ length: n }, zero),
    numbers: Array.from({ length: n }, zero),
    scalar: new Uint8Array(n),
  };
  for (let k = 0; k < n; k++) {
    c.scalar[k] = notation.isScalar(k) ? 1 : 0;
    notation.args(k).forEach((arg, j) => {
      if (tape.kind[arg] === CONST) return;
      const part = notation.isSubexpression(arg) ? notation.positionOf(arg) : -1;
      const below = part < 0 ? 1 : c.chains[part];
      c.chains[k] += below;
      c.edges[k] += below + (part < 0 ? 0 : c.edges[part]);
      if (part >= 0 && !c.scalar[part]) c.scalar[k] = 0;
      const [s, v] = [x.local(k, j, false), x.local(k, j, true)];
      if (!s || !v) return;
      // A factor 1 is left out of a product, a factor -1 is the term's sign.
      const negativeBelow = part < 0 ? 0 : c.negative[part];
      c.negative[k] += s.number === -1 ? below - negativeBelow : negativeBelow;
      const factor = (into: Sum, f: Extent): void => {
        if (f.number === 1 || f.number === -1) return;
        add(into, f, below);
        add(into, FACTOR, below);
        if (f.prec < PREC.product || (f.number ?? 0) < 0) add(into, PARENTHESES, below);
      };
      factor(c.symbols[k], s);
      factor(c.numbers[k], v);
      if (part >= 0) {
        add(c.symbols[k], c.symbols[part]);
        add(c.numbers[k], c.numbers[part]);
      }
    });
  }
  return c;
}

/**
 * On tensors, what a statement passes back along each chain (`Notation.gradientTo` from the top,
 * the gradient from above written inside): per statement, its terms in symbols and with numbers.
 */
function tensorTermsOf(m: Measure, scalar: Uint8Array): { symbols: Sum[]; numbers: Sum[] } {
  const { tape, notation, x, output } = m;
  const n = tape.nodeCount;
  // Per position, the gradient from above that reaches it.
  const above: Sum[] = Array.from({ length: n }, zero);
  const symbols: Sum[] = Array.from({ length: n }, zero);
  const numbers: Sum[] = Array.from({ length: n }, zero);
  const rootOf = new Int32Array(n).fill(-1);
  const widest = (a: Sum, b: Sum): Sum => ({ text: Math.max(a.text, b.text), latex: Math.max(a.latex, b.latex) });
  for (let k = n - 1; k >= 0; k--) {
    const slot = tape.nodeSlot[k];
    if (isRoot(m, slot)) {
      rootOf[k] = k;
      above[k] = widest(above[k], slot === tape.output ? { text: 1, latex: 1 } : dName(output, tape.ids[slot]!));
    }
    const root = rootOf[k];
    if (root < 0 || scalar[root]) continue;
    const single = root === k && notation.args(k).every((a) => !notation.isSubexpression(a));
    notation.args(k).forEach((arg, j) => {
      if (tape.kind[arg] === CONST) return;
      const { rest, g } = x.gradientTo(k, j, false);
      const out = { text: rest.text + g.text * above[k].text, latex: rest.latex + g.latex * above[k].latex };
      if (notation.isSubexpression(arg)) {
        const part = notation.positionOf(arg);
        rootOf[part] = root;
        above[part] = widest(above[part], out);
        return;
      }
      add(symbols[root], out);
      add(symbols[root], TERM);
      // The numbers: the op's rule with the numbers (a statement of one op), and the contribution's numbers.
      if (single) {
        const gNumbers = x.value(tape.nodeSlot[root]);
        const withNumbers = x.gradientTo(k, j, true);
        add(numbers[root], {
          text: withNumbers.rest.text + withNumbers.g.text * gNumbers.text,
          latex: withNumbers.rest.latex + withNumbers.g.latex * gNumbers.latex,
        });
      }
      add(numbers[root], x.value(arg));
      add(numbers[root], TERM);
    });
  }
  return { symbols, numbers };
}

/**
 * A layer op's note (src/core/explain/worked.ts, rules.ts), at most: its rule in words, and one
 * element worked out with at most MAX_WORKED_TERMS + 1 terms of two factors, each factor an
 * element's name (`dL/dy[n, c, h, w]`) and then its number, and a few numbers in words. 0 for a
 * node that has none.
 */
function workedBytes({ tape, notation, output, number }: Measure, k: number): number {
  if (!hasWorked(tape, k) || notation.args(k).some((a) => notation.isSubexpression(a))) return 0;
  const longestId = Math.max(...[tape.nodeSlot[k], ...notation.args(k)].map((s) => tape.ids[s]?.length ?? 0));
  const factor = 2 * (output.length + longestId) + INDEX_BYTES + 8;
  const terms = 2 * (MAX_WORKED_TERMS + 1);
  return WORKED_WORDS + terms * (factor + number.text + 8) + 6 * number.text;
}

/** The words of a layer op's note: its rule (up to about 450 bytes in Portuguese) and a sentence on its numbers. */
const WORKED_WORDS = 1_000;
/** An element's index as written, `[n, c, h, w]`, each up to 7 digits. */
const INDEX_BYTES = 40;

export function explanationSize(tape: Tape, locale: Locale, options: SizeOptions = {}): ExplanationSize {
  const m = measureOf(tape, locale);
  const { notation, x, output, number } = m;
  const reach = reachedFrom(tape);
  const c = chainsOf(m);
  const tensor = tensorTermsOf(m, c.scalar);
  const count = new Count();
  count.json = MARKDOWN + 2 * (output.length + 20);

  // Forward, each statement: `z = u + b = 1 + (-1) = 0`. Then, of those the output depends on,
  // the ids each uses (through its parts) and its chain edges.
  const consumers = new Map<number, number[]>();
  let chainEdges = 0;
  const scalarStatements: { root: number; uses: number[] }[] = [];
  for (let k = 0; k < tape.nodeCount; k++) {
    const slot = tape.nodeSlot[k];
    if (!isRoot(m, slot)) continue;
    count.line(
      [x.name(slot), x.node(k, false), x.node(k, true), x.value(slot)],
      2,
      2 * tape.ids[slot]!.length + wireBytes(tape, slot),
      workedBytes(m, k),
    );
    if (!reach[slot]) continue;
    chainEdges += c.edges[k];
    const uses = new Set<number>();
    const stack = [k];
    while (stack.length) {
      for (const arg of notation.args(stack.pop()!)) {
        if (tape.kind[arg] === CONST) continue;
        if (notation.isSubexpression(arg)) stack.push(notation.positionOf(arg));
        else uses.add(arg);
      }
    }
    for (const use of uses) consumers.set(use, [...(consumers.get(use) ?? []), k]);
    if (c.scalar[k]) scalarStatements.push({ root: k, uses: Array.from(uses) });
  }

  // Local derivatives, per use: `dy_hat/dz = σ'(z) = y_hat · (1 − y_hat) = 0.5 · (1 − 0.5) = 0.25`
  // (the chains of all the uses of a statement counted together). The output's chains are
  // written again in the backward steps.
  for (const { root, uses } of scalarStatements) {
    const of = tape.ids[tape.nodeSlot[root]]!;
    const prime = x.prime(root, false) ?? zero();
    for (const use of uses)
      count.line([dName(of, tape.ids[use]!), prime, number], 2, 4 * (of.length + tape.ids[use]!.length) + NUMBER_BYTES);
    count.chains(c, root);
    if (tape.nodeSlot[root] === tape.output) count.chains(c, root);
  }

  // Backward, per id: a term per statement using it, the incoming gradients.
  for (const [use, roots] of consumers) {
    const id = tape.ids[use]!;
    const symbols = zero(),
      numbers = zero();
    let fields = 2 * (output.length + id.length) + 2 * wireBytes(tape, use);
    // A note: the output's own gradient, or a gradient summed over broadcast axes (tensors).
    let note = roots.length === 1 && tape.nodeSlot[roots[0]] === tape.output ? NOTE + 3 * output.length : 0;
    if (roots.some((root) => !c.scalar[root])) note += NOTE;
    // A layer op's rule in words and one element worked out, per arg the id is.
    for (const root of roots) note += workedBytes(m, root) * notation.args(root).filter((a) => a === use).length;
    for (const root of roots) {
      const from = tape.nodeSlot[root];
      fields += 60 + tape.ids[from]!.length + wireBytes(tape, from) + NUMBER_BYTES + wireBytes(tape, use);
      if (!c.scalar[root]) {
        add(symbols, tensor.symbols[root]);
        add(numbers, tensor.numbers[root]);
      } else if (from !== tape.output) {
        // `dL/dy_hat · dy_hat/dz`, two numbers.
        add(symbols, dName(output, tape.ids[from]!));
        add(symbols, dName(tape.ids[from]!, id));
        add(symbols, TERM);
        add(numbers, number, 2);
        add(numbers, TERM);
      }
      add(numbers, x.value(use));
    }
    count.line([dName(output, id), symbols, numbers, x.value(use)], 2, fields, note);
  }

  const params = Array.from(tape.params);
  // The update: `w ← w − η · dL/dw = 0.5 − 0.1 · (-0.25) = 0.525`.
  if (options.learningRate !== undefined) {
    for (const p of params) {
      const name = x.name(p),
        value = x.value(p);
      const rule = { text: 2 * name.text + 20, latex: 2 * name.latex + 40 };
      add(rule, dName(output, tape.ids[p]!));
      const numbers = { text: 3 * value.text + number.text + 20, latex: 3 * value.latex + number.latex + 60 };
      count.line([rule, numbers, value], 1, 2 * tape.ids[p]!.length + 3 * wireBytes(tape, p) + NUMBER_BYTES);
    }
  }

  // The finite-difference check of each element: `fd(dL/dw) = (L(w + ε) − L(w − ε)) / 2ε = …`,
  // the losses to up to 15 figures; the note may name every kink crossed.
  if (options.gradcheck) {
    let kinks = 0;
    for (let k = 0; k < tape.nodeCount; k++)
      if (opOf(tape, k).kinkAtZero) kinks += tape.ids[tape.nodeSlot[k]]!.length + 2;
    if (kinks) kinks += 2 * NOTE;
    const L = x.name(tape.output);
    for (const p of params) {
      const at = { text: x.name(p).text + 24, latex: x.name(p).latex + 24 };
      const key = dName(output, tape.ids[p]!);
      const symbols = {
        text: key.text + 2 * (L.text + at.text) + 30,
        latex: key.latex + 2 * (L.latex + at.latex) + 120,
      };
      const numbers = { text: 3 * number.text + 40, latex: 3 * number.latex + 80 };
      for (let i = 0; i < sizeOfSlot(tape, p); i++)
        count.line(
          [symbols, numbers, number],
          1,
          2 * tape.ids[p]!.length + 30 + 8 * NUMBER_BYTES,
          NOTE + 2 * number.text + kinks,
        );
    }
  }

  // The leaves as given, in `given` and in the Markdown.
  for (let s = 0; s < tape.leafCount; s++)
    count.json += 40 + 2 * tape.ids[s]!.length + wireBytes(tape, s) + x.value(s).text;
  return { bytes: count.bytes, chainEdges };
}
