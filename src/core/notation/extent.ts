/**
 * How long the formulas of a Notation are, known without writing them: each op's own template is
 * applied to markers that stand for its parts, and the parts' extents are put in where the
 * markers are. One pass over the nodes, children first, each measured once; no formula longer
 * than one template's own text is ever built. What an explanation will write, and so its cost
 * and its size, is known before computing it.
 */
import { CONST, type Tape, opNameOf, scalarOf } from '../../engine/tape.js';
import type { Notation } from './node.js';
import { opNotation } from './op-notation.js';
import { type Extent, type Written, extentOf, marker, named } from './written.js';

/** A gradient's formula is measured as written around it (`rest`), plus the gradient from above written `g.text` times in the text, `g.latex` in the LaTeX. */
export interface GradientExtent {
  rest: Extent;
  g: { text: number; latex: number };
}

/**
 * Bytes a part may gain in parentheses, text and LaTeX (`(` `)`, `\left(` `\right)` as JSON):
 * a gradient from above is measured as an atom, and may be wrapped where it is put in.
 */
const WRAP: Extent = { text: 2, latex: 15, prec: 0 };

export class NotationExtents {
  private readonly tape: Tape;
  /** By substitute (0 symbols, 1 numbers), then by position. */
  private readonly nodes: [(Extent | undefined)[], (Extent | undefined)[]] = [[], []];
  private readonly names: (Extent | undefined)[] = [];
  private readonly values: (Extent | undefined)[] = [];

  /** `notation` has the values to measure substituted forms with: any numbers as wide as a number is written. */
  constructor(readonly notation: Notation) {
    this.tape = notation.tape;
  }

  /** An id as written. */
  name(slot: number): Extent {
    return (this.names[slot] ??= extentOf(named(this.tape.ids[slot]!)));
  }

  /** A slot's value written (an array for a tensor). */
  value(slot: number): Extent {
    return (this.values[slot] ??= extentOf(this.notation.value(slot)));
  }

  /** A slot as an arg: `Notation.operand` measured. */
  operand(slot: number, substitute: boolean): Extent {
    const { tape, notation } = this;
    if (tape.kind[slot] === CONST) return extentOf(notation.number(scalarOf(tape, tape.initial, slot)));
    if (notation.isSubexpression(slot)) return this.node(notation.positionOf(slot), substitute);
    return substitute ? this.value(slot) : this.name(slot);
  }

  /** The right side of the node at position k (`expression`, or `substituted`), measured. Parts first, with a stack of our own. */
  node(k: number, substitute: boolean): Extent {
    const { tape, notation } = this;
    return notation.partsFirst(k, this.nodes[substitute ? 1 : 0], (at) => {
      const operands = notation.args(at).map((s) => this.operand(s, substitute));
      return extentOf(opNotation[opNameOf(tape, at)].write(markers(operands), notation.context(at)), operands);
    });
  }

  /** `Notation.local` (or `localSubstituted`) measured; undefined where there is no template. */
  local(k: number, j: number, substitute: boolean): Extent | undefined {
    const rule = opNotation[opNameOf(this.tape, k)].local?.[j];
    const context = this.notation.context(k);
    if (!rule || !context.scalar) return undefined;
    const parts = [...this.operands(k, substitute), this.result(k, substitute)];
    const written = rule(markers(parts.slice(0, -1)), marker(parts.length - 1, parts[parts.length - 1]), context);
    return extentOf(written, parts);
  }

  /** `Notation.prime` measured (as if it always differed from the template). */
  prime(k: number, substitute: boolean): Extent | undefined {
    const rule = opNotation[opNameOf(this.tape, k)].prime;
    if (!rule) return undefined;
    const a = this.operand(this.notation.args(k)[0], substitute);
    return extentOf(rule(marker(0, a), this.notation.context(k)), [a]);
  }

  /**
   * `Notation.gradientTo` measured, in terms of the gradient from above. With `substitute`, an
   * elementwise op's derivative is measured as its name around its arg's numbers (`σ'([…])`),
   * at least as long as the numbers of the derivative it stands for.
   */
  gradientTo(k: number, j: number, substitute: boolean): GradientExtent {
    const operands = this.operands(k, substitute);
    const y = this.result(k, substitute);
    const parts = [...operands, y];
    const g = marker(parts.length, { text: 0, latex: 0, prec: 100 });
    const written = this.notation.gradientWith(k, j, g, markers(operands), marker(operands.length, y), false);
    const without = extentOf(written, [...parts, { text: 0, latex: 0, prec: 0 }]);
    const once = extentOf(written, [...parts, { text: 1, latex: 1, prec: 0 }]);
    const times = { text: once.text - without.text, latex: once.latex - without.latex };
    return {
      rest: {
        ...without,
        text: without.text + times.text * WRAP.text,
        latex: without.latex + times.latex * WRAP.latex,
      },
      g: times,
    };
  }

  private operands(k: number, substitute: boolean): Extent[] {
    return this.notation.args(k).map((s) => this.operand(s, substitute));
  }

  /** `Notation.result` measured. */
  private result(k: number, substitute: boolean): Extent {
    const slot = this.tape.nodeSlot[k];
    if (substitute) return this.value(slot);
    return this.notation.isSubexpression(slot) ? this.node(k, false) : this.name(slot);
  }
}

const markers = (parts: readonly Extent[]): Written[] => parts.map((p, i) => marker(i, p));
