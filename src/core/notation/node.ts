/**
 * A graph's nodes in the student's own notation: `z = u + b`, `y_hat = σ(z)`,
 * `L = ½(y_hat − y)²`. Named ids are written by name, literals as numbers, and the parts of an
 * expr statement (generated ids) inside their statement, as the student wrote them. Given the
 * values of an evaluation, the same formulas are written with the numbers substituted: numbers
 * for scalars, rounded arrays for tensors.
 *
 * Each node's written form (with and without the numbers), each local derivative, each value and
 * each op's context is written once and then reused: a statement's parts are inside every
 * formula over it, so writing them again for each would cost about the cube of the statement's
 * length. Parts are written children first with a stack of our own, not by recursion, so a
 * left-associative chain of thousands of terms (`x + x + … + x`) cannot exhaust the call stack;
 * the strings share their parts (V8 concatenates without copying).
 */
import { axisIndex, broadcastShape, rowsCols } from '../../engine/broadcast.js';
import {
  CONST,
  NODE,
  type Tape,
  argsOf,
  attrsOf,
  elementsOf,
  firstAttrOf,
  opNameOf,
  opOf,
  scalarOf,
  shapeOf,
  sizeOfSlot,
} from '../../engine/tape.js';
import { type Shape, sameShape, sizeOf } from '../../engine/tensor.js';
import type { Locale } from '../../text.js';
import { LIST_SEPARATOR, MINUS, READING_SIGFIGS, readable } from './numbers.js';
import { type NotationContext, opNotation } from './op-notation.js';
import {
  ELIDED,
  MAX_WRITTEN_CHARS,
  ONE,
  PREC,
  type Written,
  bounded,
  hadamard,
  named,
  negative,
  product,
  sumOf,
  sumOfTerms,
} from './written.js';

/** Elements beyond which a tensor is summarized rather than written out whole. */
export const MAX_WRITTEN_ELEMENTS = 100;
/** Elements kept at each end of a long axis of a summarized tensor. */
export const EDGE_ELEMENTS = 3;

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

export class Notation {
  private readonly position: Int32Array;
  /** By position: the slots of the node's args. */
  private readonly argLists: number[][] = [];
  /** By substitute (0 symbols, 1 numbers), then by position: the written right sides. */
  private readonly written: [(Written | undefined)[], (Written | undefined)[]] = [[], []];
  /** By substitute, position and arg: the local derivatives written; null where there is no template. */
  private readonly derivatives: [(Written | null)[][], (Written | null)[][]] = [[], []];
  /** By substitute, then by the chains themselves (an explanation writes a statement's chains to one id twice). */
  private readonly chainedMemo = [new WeakMap<object, Written | null>(), new WeakMap<object, Written | null>()];
  private readonly contexts: (NotationContext | undefined)[] = [];
  private readonly writtenValues: (Written | undefined)[] = [];

  constructor(
    readonly tape: Tape,
    readonly locale: Locale,
    /** The values of an evaluation, for `substituted` and `localSubstituted`. */
    private readonly values?: Float64Array,
  ) {
    this.position = new Int32Array(tape.slotCount).fill(-1);
    for (let k = 0; k < tape.nodeCount; k++) {
      this.position[tape.nodeSlot[k]] = k;
      this.argLists.push(argsOf(tape, k));
    }
  }

  /** The slots of the args of the node at position k. */
  args(k: number): readonly number[] {
    return this.argLists[k];
  }

  /** Position in the evaluation order of a node's slot (-1 for a leaf or literal). */
  positionOf(slot: number): number {
    return this.position[slot];
  }

  /** True for a part of an expr statement, written inside it rather than as a statement of its own. */
  isSubexpression(slot: number): boolean {
    const { tape } = this;
    return tape.kind[slot] === NODE && tape.subexpressions?.[slot - tape.leafCount] === 1;
  }

  /** A number as the reader sees it, rounded, in the language's decimal notation. */
  number(x: number, sigfigs = READING_SIGFIGS): Written {
    const text = readable(x, this.locale, sigfigs);
    const latex = text
      .replaceAll(MINUS, '-')
      .replace(',', '{,}')
      .replace(/e(-?\d+)$/, '\\times 10^{$1}')
      .replace('Infinity', '\\infty')
      .replace('NaN', '\\mathrm{NaN}');
    return { text, latex, prec: x < 0 || text.includes('e') ? PREC.unary : PREC.atom, number: x };
  }

  /**
   * Elements of a tensor as the reader sees them: `[0.5, -1]`, `[[0.1, 0.2], [0.3, -0.4]]` (`;`
   * between elements in Portuguese, where `,` is the decimal separator); a bmatrix in LaTeX, and
   * ranks 3 and 4 as nested lists (their matrices side by side in LaTeX). A tensor of more than
   * MAX_WRITTEN_ELEMENTS is summarized as NumPy prints one: along each axis longer than
   * 2 · EDGE_ELEMENTS, its first and last EDGE_ELEMENTS with `…` between (the exact values are in
   * the structured fields).
   */
  array(data: ArrayLike<number>, shape: Shape): Written {
    if (shape.length === 0) return this.number(data[0]);
    return this.arrayFrom(data, 0, shape, sizeOf(shape) > MAX_WRITTEN_ELEMENTS);
  }

  private arrayFrom(data: ArrayLike<number>, at: number, shape: Shape, summarized: boolean): Written {
    const sep = LIST_SEPARATOR[this.locale];
    /** The indices written along an axis of n, -1 for the `…` between the edges. */
    const kept = (n: number): number[] =>
      summarized && n > 2 * EDGE_ELEMENTS
        ? [...range(0, EDGE_ELEMENTS), -1, ...range(n - EDGE_ELEMENTS, n)]
        : range(0, n);
    if (shape.length > 2) {
      const inner = shape.slice(1),
        stride = sizeOf(inner);
      const parts = kept(shape[0]).map((i) =>
        i < 0 ? ELIDED : this.arrayFrom(data, at + i * stride, inner, summarized),
      );
      return {
        text: `[${parts.map((x) => x.text).join(sep)}]`,
        latex: `\\left[ ${parts.map((x) => x.latex).join(' \\quad ')} \\right]`,
        prec: PREC.atom,
      };
    }
    const [rows, cols] = rowsCols(shape);
    const columns = kept(cols);
    const text: string[] = [];
    const latex: string[] = [];
    for (const i of kept(rows)) {
      if (i < 0) {
        text.push('…');
        latex.push(columns.map((j) => (j < 0 ? '\\ddots' : '\\vdots')).join(' & '));
        continue;
      }
      const row = columns.map((j) => (j < 0 ? ELIDED : this.number(data[at + i * cols + j])));
      text.push(`[${row.map((x) => x.text).join(sep)}]`);
      latex.push(row.map((x) => (x.elided ? '\\cdots' : x.latex)).join(' & '));
    }
    return {
      text: shape.length === 1 ? text[0] : `[${text.join(sep)}]`,
      latex: `\\begin{bmatrix} ${latex.join(' \\\\ ')} \\end{bmatrix}`,
      prec: PREC.atom,
    };
  }

  /** A slot's value in the evaluation, written. */
  value(slot: number): Written {
    const { tape } = this;
    if (!this.values) throw new Error('a Notation without values writes no value');
    return (this.writtenValues[slot] ??= this.array(elementsOf(tape, this.values, slot), shapeOf(tape, slot)));
  }

  /** A slot as an arg: its id, a literal's number, or a subexpression written out. */
  operand(slot: number, substitute = false): Written {
    const { tape } = this;
    if (tape.kind[slot] === CONST) return this.number(scalarOf(tape, tape.initial, slot));
    if (this.isSubexpression(slot)) return this.write(this.position[slot], substitute);
    if (substitute && this.values) return this.value(slot);
    return named(tape.ids[slot]!);
  }

  /** The right side of the node at position k: `u + b`. */
  expression(k: number): Written {
    return this.write(k, false);
  }

  /** The right side with the values of the evaluation in place of the ids: `-0.6 + 0.4`. */
  substituted(k: number): Written {
    return this.write(k, true);
  }

  /** `id = expression`, the node at position k as a statement. */
  statement(k: number): Written {
    const id = named(this.tape.ids[this.tape.nodeSlot[k]]!);
    return {
      text: `${id.text} = ${this.expression(k).text}`,
      latex: `${id.latex} = ${this.expression(k).latex}`,
      prec: PREC.sum,
    };
  }

  /** Whether every arg and the result of the node at position k is a single number (rank 0): its local derivatives have templates. */
  isScalar(k: number): boolean {
    const { tape } = this;
    return tape.rank[tape.nodeSlot[k]] === 0 && this.args(k).every((s) => tape.rank[s] === 0);
  }

  /**
   * The local derivative of the node at position k with respect to its arg j, in symbols
   * (`y_hat · (1 − y_hat)`), or undefined when the op's args are tensors.
   */
  local(k: number, j: number): Written | undefined {
    return this.derivative(k, j, false);
  }

  /** The local derivative with the numbers substituted: `0.5 · (1 − 0.5)`. */
  localSubstituted(k: number, j: number): Written | undefined {
    return this.derivative(k, j, true);
  }

  /**
   * The local derivative of a statement through its parts: over the chains of (node k, arg j)
   * edges from the statement's node down to one id, the sum of the products of the local
   * templates along each (1s left out, -1s as a sign): `0.5 · 2 · (y_hat − y)`. Undefined when a
   * template is missing (args on tensors).
   */
  chained(chains: readonly (readonly { k: number; j: number }[])[], substitute = false): Written | undefined {
    const memo = this.chainedMemo[substitute ? 1 : 0];
    let done = memo.get(chains);
    if (done === undefined) {
      done = this.chainedOf(chains, substitute) ?? null;
      memo.set(chains, done);
    }
    return done ?? undefined;
  }

  private chainedOf(
    chains: readonly (readonly { k: number; j: number }[])[],
    substitute: boolean,
  ): Written | undefined {
    const terms: Written[] = [];
    // Characters so far, text and LaTeX: past MAX_WRITTEN_CHARS the whole is left out.
    let chars = 0;
    for (const chain of chains) {
      const kept: Written[] = [];
      let negated = false;
      for (const e of chain) {
        const f = this.derivative(e.k, e.j, substitute);
        if (f === undefined) return undefined;
        if (f.number === -1) negated = !negated;
        else if (f !== ONE) {
          kept.push(f);
          chars += Math.max(f.text.length, f.latex.length);
        }
      }
      if (chars > MAX_WRITTEN_CHARS) return ELIDED;
      if (!negated) terms.push(product(kept));
      else terms.push(kept.length === 0 ? this.number(-1) : negative(product(kept)));
    }
    return bounded(sumOfTerms(terms));
  }

  /** The derivative of a unary activation by its name on paper (`σ'(z)`), where that differs from its template. */
  prime(k: number, substitute = false): Written | undefined {
    const rule = opNotation[opNameOf(this.tape, k)].prime;
    if (!rule) return undefined;
    const written = rule(this.operand(this.args(k)[0], substitute), this.context(k));
    return written.text === this.derivative(k, 0, substitute)?.text ? undefined : written;
  }

  /**
   * What the node at position k passes back to its arg j on tensors, given the gradient `g` of its
   * result written: `g ⊙ σ'(z)`, `gᵀ x`. With `substitute`, the args are their values and an
   * elementwise function's derivative is its numbers (`[[0, 1]]` for `relu'(z1)`).
   */
  gradientTo(k: number, j: number, g: Written, substitute = false): Written {
    const args = this.args(k).map((s) => this.operand(s, substitute));
    return bounded(this.gradientWith(k, j, g, args, this.result(k, substitute), substitute));
  }

  /** `gradientTo` with the args and the result given as written (or as markers, to measure it). */
  gradientWith(k: number, j: number, g: Written, args: readonly Written[], y: Written, substitute: boolean): Written {
    const { tape } = this;
    const notation = opNotation[opNameOf(tape, k)];
    const context = this.context(k);
    let d: Written = ONE;
    if (opOf(tape, k).kind === 'elementwise') {
      d =
        substitute && this.values
          ? this.elementwiseLocal(k)
          : (notation.prime?.(args[0], context) ?? notation.local?.[0](args, y, context) ?? ONE);
    } else if (notation.local?.[j]) d = notation.local[j](args, y, context);
    const rule = typeof notation.vjp === 'function' ? notation.vjp(j) : notation.vjp?.[j];
    if (rule) return rule(g, args, y, d, context);
    // An arg that was broadcast gets the sum over the broadcast axes: against the result for an
    // elementwise op, against the other arg for a loss (whose result is one number, and whose
    // gradient with respect to a prediction is one term per element, not their sum).
    const argSlots = this.args(k);
    const arg = argSlots[j];
    const against =
      opOf(tape, k).kind === 'loss'
        ? (broadcastShape(shapeOf(tape, argSlots[0]), shapeOf(tape, argSlots[1])) ?? shapeOf(tape, arg))
        : shapeOf(tape, tape.nodeSlot[k]);
    return sameShape(shapeOf(tape, arg), against) ? hadamard(g, d) : sumOf(hadamard(g, d));
  }

  /** Whether the rule of the node at position k is written again with its args' numbers put in (not a normalization's). */
  numbersInRule(k: number): boolean {
    return opNotation[opNameOf(this.tape, k)].numbersInRule !== false;
  }

  /** What the op's templates read of the node at position k besides its args (its attr, the n of a mean...). */
  context(k: number): NotationContext {
    return (this.contexts[k] ??= this.contextOf(k));
  }

  private contextOf(k: number): NotationContext {
    const { tape } = this;
    const args = this.args(k);
    const shapes = args.map((s) => shapeOf(tape, s));
    const def = opOf(tape, k);
    // What a mean divides by: a loss's elements (rows for softmax_cross_entropy), a mean's elements
    // (all of them, or those along its axis).
    let n = 1;
    if (opNameOf(tape, k) === 'softmax_cross_entropy') n = rowsCols(shapes[0])[0];
    else if (def.kind === 'loss') n = sizeOf(broadcastShape(shapes[0], shapes[1]) ?? []);
    else if (def.kind === 'reduction') {
      const axis = axisIndex(shapes[0], attrsOf(tape, k)[0]);
      n = axis === undefined ? sizeOf(shapes[0]) : (shapes[0][axis] ?? 1);
    }
    const values = attrsOf(tape, k);
    const options = def.attrs.map((a, i) => {
      const value = values[i];
      const from =
        a.defaultFrom === undefined ? undefined : values[def.attrs.findIndex((d) => d.name === a.defaultFrom)];
      const atDefault =
        a.default !== undefined
          ? value === a.default
          : from !== undefined
            ? value === from
            : a.optional === true && Number.isNaN(value);
      return { name: a.name, value, written: this.number(value), atDefault };
    });
    return {
      attr: this.number(firstAttrOf(tape, k)),
      attrs: Array.from(values, (v) => this.number(v)),
      scalar: this.isScalar(k),
      sep: LIST_SEPARATOR[this.locale],
      n: this.number(n),
      batch: shapes[0].length === 2,
      ranks: shapes.map((s) => s.length),
      shapes,
      out: shapeOf(tape, tape.nodeSlot[k]),
      options,
    };
  }

  private write(k: number, substitute: boolean): Written {
    const { tape } = this;
    return this.partsFirst(k, this.written[substitute ? 1 : 0], (at) => {
      const operands = this.args(at).map((s) => this.operand(s, substitute));
      return operands.some((w) => w.elided)
        ? ELIDED
        : bounded(opNotation[opNameOf(tape, at)].write(operands, this.context(at)));
    });
  }

  /**
   * `memo[k]`, made by `make` once the parts written inside node k have theirs (they come
   * earlier in evaluation order): with a stack of its own, since a left-associative chain of
   * 30,000 terms is 30,000 parts deep.
   */
  partsFirst<T>(k: number, memo: (T | undefined)[], make: (at: number) => T): T {
    const done = memo[k];
    if (done !== undefined) return done;
    const stack = [k];
    while (stack.length) {
      const at = stack[stack.length - 1];
      if (memo[at] !== undefined) {
        stack.pop();
        continue;
      }
      const parts = this.args(at).filter((s) => this.isSubexpression(s) && memo[this.position[s]] === undefined);
      if (parts.length) {
        for (const s of parts) stack.push(this.position[s]);
        continue;
      }
      stack.pop();
      memo[at] = make(at);
    }
    return memo[k]!;
  }

  private derivative(k: number, j: number, substitute: boolean): Written | undefined {
    const done = (this.derivatives[substitute ? 1 : 0][k] ??= []);
    let d = done[j];
    if (d === undefined) {
      const rule = opNotation[opNameOf(this.tape, k)].local?.[j];
      const context = this.context(k);
      d =
        rule && context.scalar
          ? bounded(
              rule(
                this.args(k).map((s) => this.operand(s, substitute)),
                this.result(k, substitute),
                context,
              ),
            )
          : null;
      done[j] = d;
    }
    return d ?? undefined;
  }

  /** The node's result inside its own derivative: its value, its id, or for a subexpression its parenthesized formula. */
  private result(k: number, substitute: boolean): Written {
    const slot = this.tape.nodeSlot[k];
    if (substitute && this.values) return this.value(slot);
    return this.isSubexpression(slot) ? this.write(k, false) : named(this.tape.ids[slot]!);
  }

  /** The elementwise derivative of a one-arg op at each element of its arg, from the op's own kernel. */
  private elementwiseLocal(k: number): Written {
    const { tape } = this;
    const values = this.values!;
    const slot = tape.nodeSlot[k];
    const arg = this.args(k)[0];
    const kernel = opOf(tape, k).scalar!;
    const xs = elementsOf(tape, values, arg),
      ys = elementsOf(tape, values, slot);
    const out = new Float64Array(sizeOfSlot(tape, slot));
    const p = firstAttrOf(tape, k);
    for (let i = 0; i < out.length; i++) out[i] = kernel.da(xs[i], xs[i], ys[i], p);
    return this.array(out, shapeOf(tape, slot));
  }
}
