/**
 * The graph as the student wrote it: statements (`L = 0.5*(y_hat - y)^2`) rather than nodes. An
 * expr statement's parts with generated ids are nodes inside it; the statement uses the named
 * ids (leaves and other statements) found below them, each along one or more chains of
 * (node, arg) edges. The chain rule through a statement multiplies along each chain and adds
 * over the chains.
 */
import { CONST, type Tape, argsOf } from '../../engine/tape.js';
import type { Notation } from '../notation/node.js';

/** One edge of a chain: the node at evaluation position k, its arg j. */
export interface Edge {
  k: number;
  j: number;
}

export interface Use {
  /** The named id used: a leaf or another statement's node. */
  slot: number;
  /** Each occurrence in the statement: the edges from the statement's node down to it. */
  chains: Edge[][];
}

export interface Statement {
  /** The statement's node, by evaluation position. */
  k: number;
  slot: number;
  /** The named ids it uses, in the order they first appear. */
  uses: Use[];
  /** The statement's node and every part inside it. */
  nodes: number[];
  /** Every number of it is a scalar, so its local derivatives have templates. */
  scalar: boolean;
}

/**
 * The statements in evaluation order. A statement's parts are walked depth first in the order
 * they are written (so its uses come in the order they first appear), with a stack of our own:
 * a statement can be a chain of thousands of parts.
 */
export function statementsOf(tape: Tape, notation: Notation): Statement[] {
  const out: Statement[] = [];
  for (let k = 0; k < tape.nodeCount; k++) {
    const slot = tape.nodeSlot[k];
    // A part of a statement is written inside it, unless it was made the output itself.
    if (notation.isSubexpression(slot) && slot !== tape.output) continue;
    const uses = new Map<number, Edge[][]>();
    const nodes: number[] = [];
    // Each entry: a part to walk, or an id it uses (`use`), both with the edges down to it.
    const stack: { at: number; chain: Edge[]; use?: true }[] = [{ at: k, chain: [] }];
    while (stack.length) {
      const { at, chain, use } = stack.pop()!;
      if (use) {
        const chains = uses.get(at);
        if (chains) chains.push(chain);
        else uses.set(at, [chain]);
        continue;
      }
      nodes.push(at);
      const args = argsOf(tape, at);
      for (let j = args.length - 1; j >= 0; j--) {
        const arg = args[j];
        if (tape.kind[arg] === CONST) continue;
        const edges = [...chain, { k: at, j }];
        stack.push(
          notation.isSubexpression(arg)
            ? { at: notation.positionOf(arg), chain: edges }
            : { at: arg, chain: edges, use: true },
        );
      }
    }
    out.push({
      k,
      slot,
      uses: Array.from(uses, ([s, chains]) => ({ slot: s, chains })),
      nodes,
      scalar: nodes.every((n) => notation.isScalar(n)),
    });
  }
  return out;
}

/** Whether each slot is one the output depends on (the output itself included). */
export function reachedFrom(tape: Tape): Uint8Array {
  const reach = new Uint8Array(tape.slotCount);
  reach[tape.output] = 1;
  for (let k = tape.nodeCount - 1; k >= 0; k--) {
    if (!reach[tape.nodeSlot[k]]) continue;
    for (const arg of argsOf(tape, k)) reach[arg] = 1;
  }
  return reach;
}
