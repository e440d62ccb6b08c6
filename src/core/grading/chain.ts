/**
 * The student's graph as feedback quotes it: each node as the statement the student wrote
 * (`u = w · x`; a part of an expr statement as the statement that holds it), derivatives named
 * as in the tutorial (`dL/dw`), and the chain rule from one id down to another: the local
 * derivative of each statement on the path, with its formula (`dy_hat/dz = y_hat · (1 − y_hat)`).
 * Only derivatives on that path are ever named.
 */
import { NODE, type Tape, argOf, argsOf, opOf } from '../../engine/tape.js';
import type { Locale } from '../../text.js';
import type { Optimizer } from '../train.js';
import { DEFAULT_OPTIMIZER } from '../defaults.js';
import { Notation } from '../notation/node.js';
import { PREC, type Written, wrap } from '../notation/written.js';

/** d(of)/d(wrt) for one statement on a path, with its formula when the args are single numbers. */
export interface ChainFactor {
  of: number;
  wrt: number;
  formula?: string;
}

/** A path that forks (an id used twice) has no single product to write. */
export type Chain = ChainFactor[] | 'branches';

export class GraphWords {
  readonly notation: Notation;
  /** Per slot, the node that takes it as an arg (the first one), or -1. */
  private consumers?: Int32Array;

  constructor(
    readonly tape: Tape,
    readonly locale: Locale,
    /** The optimizer of step(w) answers, whose update the feedback writes out. */
    readonly optimizer: Optimizer = DEFAULT_OPTIMIZER,
  ) {
    this.notation = new Notation(tape, locale);
  }

  private consumerOf(slot: number): number {
    if (!this.consumers) {
      const { tape } = this;
      const consumers = new Int32Array(tape.slotCount).fill(-1);
      for (let k = 0; k < tape.nodeCount; k++)
        for (const a of argsOf(tape, k)) if (consumers[a] < 0) consumers[a] = tape.nodeSlot[k];
      this.consumers = consumers;
    }
    return this.consumers[slot];
  }

  /** The node's right side: `w · x`. */
  expression(slot: number): Written {
    return this.notation.expression(this.notation.positionOf(slot));
  }

  /** The node written as a statement that holds the node in `slot`: itself, or for a part of a statement, that statement's. */
  private enclosing(slot: number): number {
    let s = slot;
    while (this.notation.isSubexpression(s) && this.consumerOf(s) >= 0) s = this.consumerOf(s);
    return s;
  }

  /** The statement that holds the node in `slot`, as the student wrote it: `L = ½(y_hat − y)²`. */
  statement(slot: number): string {
    return this.notation.statement(this.notation.positionOf(this.enclosing(slot))).text;
  }

  /**
   * For a part of a statement, the local derivative of the whole statement toward `wrt`
   * (`dL/dy_hat = 0.5 · 2 · (y_hat − y)` for the square in `L = 0.5*(y_hat - y)^2`).
   */
  statementFactor(slot: number, wrt: number): ChainFactor | undefined {
    const chain = this.chain(this.enclosing(slot), wrt);
    return chain === 'branches' ? undefined : chain[0];
  }

  /** A node, as opposed to an input, a param or a literal. */
  isNode(slot: number): boolean {
    return this.tape.kind[slot] === NODE;
  }

  /** The slot of a node's arg j. */
  argSlot(slot: number, j: number): number {
    return argsOf(this.tape, this.notation.positionOf(slot))[j];
  }

  /** How a slot reads inside a derivative: its id, a literal's number, or a part of a statement written out. */
  name(slot: number): string {
    return this.notation.isSubexpression(slot)
      ? wrap(this.expression(slot), PREC.atom).text
      : this.notation.operand(slot).text;
  }

  /** `dL/dw`. */
  d(of: number, wrt: number): string {
    return `d${this.name(of)}/d${this.name(wrt)}`;
  }

  /** The local derivative of a node with respect to its arg j, in symbols, for single numbers. */
  local(slot: number, j: number): Written | undefined {
    return this.notation.local(this.notation.positionOf(slot), j);
  }

  /** f'(z) for a node written f(z) (`σ'(z)`, `tanh'(z)`), or undefined for one not written as a call. */
  prime(slot: number): string | undefined {
    const m = /^([^()\s]+)\((.*)\)$/.exec(this.expression(slot).text);
    return m ? `${m[1]}'(${m[2]})` : undefined;
  }

  /** Per slot, 1 where it depends on `wrt` (wrt included): the nodes a path up from wrt can pass. */
  private dependsOn(wrt: number): Uint8Array {
    const { tape } = this;
    const on = new Uint8Array(tape.slotCount);
    on[wrt] = 1;
    for (let k = 0; k < tape.nodeCount; k++) {
      const arity = opOf(tape, k).args.length;
      for (let j = 0; j < arity; j++) if (on[argOf(tape, k, j)]) on[tape.nodeSlot[k]] = 1;
    }
    return on;
  }

  /** The arg of a node through which the path down to `wrt` goes (the first, if several), or -1. */
  argToward(slot: number, wrt: number): number {
    const on = this.dependsOn(wrt);
    return argsOf(this.tape, this.notation.positionOf(slot)).findIndex((a) => on[a] === 1);
  }

  /**
   * The statements' local derivatives on the path from `of` down to `wrt`, from the top: one
   * factor per statement, the parts of a statement multiplied into its factor. Empty when `of`
   * does not depend on `wrt`; 'branches' when more than one path joins them.
   */
  chain(of: number, wrt: number): Chain {
    const { tape } = this;
    const on = this.dependsOn(wrt);
    if (!on[of] || of === wrt) return [];
    const factors: ChainFactor[] = [];
    let top = of;
    let edges: { k: number; j: number }[] = [];
    for (let at = of; at !== wrt; ) {
      const k = this.notation.positionOf(at);
      const args = argsOf(tape, k);
      const toward = args.flatMap((a, j) => (on[a] ? [j] : []));
      if (toward.length !== 1) return 'branches';
      const next = args[toward[0]];
      edges.push({ k, j: toward[0] });
      if (next === wrt || !this.notation.isSubexpression(next)) {
        factors.push({ of: top, wrt: next, formula: this.notation.chained([edges])?.text });
        top = next;
        edges = [];
      }
      at = next;
    }
    return factors;
  }

  /** `dL/dw = dL/dy_hat · dy_hat/dz · dz/du · du/dw`, or just the derivative when the path is one statement long. */
  chainRule(of: number, wrt: number, factors: ChainFactor[]): string {
    const whole = this.d(of, wrt);
    return factors.length > 1 ? `${whole} = ${factors.map((f) => this.d(f.of, f.wrt)).join(' · ')}` : whole;
  }
}
