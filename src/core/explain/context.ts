/** What every part of an explanation reads: the tape, one evaluation of it, its statements, and how to write. */
import { backward, forward, localDerivatives } from '../../engine/evaluate.js';
import { type Tape, argsOf, firstAttrOf, layerIdList, opOf, scalarOf, shapeOf, view } from '../../engine/tape.js';
import { type WireValue, toJson, wireNumber } from '../../engine/tensor.js';
import type { Locale } from '../../text.js';
import { Notation } from '../notation/node.js';
import type { Written } from '../notation/written.js';
import { type Edge, type Statement, reachedFrom, statementsOf } from './statements.js';

export interface Context {
  tape: Tape;
  locale: Locale;
  notation: Notation;
  values: Float64Array;
  grads: Float64Array;
  statements: Statement[];
  /** By slot: whether the output depends on it. */
  reach: Uint8Array;
  output: string;
  /** The local derivative of the node at position k with respect to its arg j, for a scalar node (the op's own kernel). */
  local(k: number, j: number): number;
  /** In a network, the layer (1 for the first) of an id. */
  layerOf(id: string): number | undefined;
}

export function contextOf(tape: Tape, locale: Locale): Context {
  const values = forward(tape);
  const grads = backward(tape, values);
  const notation = new Notation(tape, locale, values);
  const scalarLocals = tape.allScalar ? localDerivatives(tape, values) : undefined;
  const layers = new Map<string, number>();
  tape.layers?.forEach((ids, i) => {
    for (const id of layerIdList(ids)) layers.set(id, i + 1);
  });
  return {
    tape,
    locale,
    notation,
    values,
    grads,
    statements: statementsOf(tape, notation),
    reach: reachedFrom(tape),
    output: tape.ids[tape.output]!,
    local(k, j) {
      if (scalarLocals) return j === 0 ? scalarLocals.da[k] : scalarLocals.db[k];
      // The same kernel the all-scalar loop runs; a one-arg op reads its arg as b too.
      const args = argsOf(tape, k);
      const a = scalarOf(tape, values, args[0]),
        b = scalarOf(tape, values, args[args.length > 1 ? 1 : 0]);
      const y = scalarOf(tape, values, tape.nodeSlot[k]);
      const kernel = opOf(tape, k).scalar!;
      const p = firstAttrOf(tape, k);
      return j === 0 ? kernel.da(a, b, y, p) : kernel.db(a, b, y, p);
    },
    layerOf: (id) => layers.get(id),
  };
}

/** One slot's elements of an arena as the wire writes them. */
export function wire(tape: Tape, arena: Float64Array, slot: number): WireValue {
  return tape.rank[slot] === 0 ? wireNumber(scalarOf(tape, arena, slot)) : toJson(view(tape, arena, slot));
}

/** A slot's gradient, written. */
export const gradientOf = (c: Context, slot: number): Written =>
  c.notation.array(view(c.tape, c.grads, slot).data, shapeOf(c.tape, slot));

/** The derivative of the statement along all its chains to one use: Σ over chains of Π local derivatives. */
export function composedLocal(c: Context, chains: readonly Edge[][]): number {
  return chains.reduce((sum, chain) => sum + chain.reduce((p, e) => p * c.local(e.k, e.j), 1), 0);
}

/** A step's line: its parts joined by ` = `, each part left out when it reads the same as the one before. */
export function equation(parts: readonly (Written | undefined)[]): { text: string; latex: string } {
  const kept: Written[] = [];
  for (const part of parts) if (part && part.text !== kept[kept.length - 1]?.text) kept.push(part);
  return { text: kept.map((p) => p.text).join(' = '), latex: kept.map((p) => p.latex).join(' = ') };
}
