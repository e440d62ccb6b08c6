/**
 * The forward and backward passes of a scenario (scenario.ts): the engine's passes, run node by
 * node from its own steps (forwardNode, backwardNode), with values or gradients pinned to the
 * student's own answers and some nodes' local rules replaced (a mistake, or the student's local
 * derivatives). A scenario that changes nothing runs the engine's passes as they are.
 */
import { type LocalRule, backward, backwardNode, forward, forwardNode } from '../../engine/evaluate.js';
import { NODE, type Tape, argOf, elementsOf, opOf } from '../../engine/tape.js';

/** The rule that replaces the vector-Jacobian product of the node in `slot`, if any. */
export type VjpOverride = (slot: number) => LocalRule | undefined;

/** The values arena, with the pinned node values written over their nodes' own once computed. */
export function forwardPinned(tape: Tape, pinned: ReadonlyMap<number, Float64Array> | undefined): Float64Array {
  if (!pinned?.size) return forward(tape);
  const values = tape.initial.slice();
  for (let k = 0; k < tape.nodeCount; k++) {
    const pin = pinned.get(tape.nodeSlot[k]);
    if (pin) elementsOf(tape, values, tape.nodeSlot[k]).set(pin);
    else forwardNode(tape, values, k);
  }
  return values;
}

/**
 * The gradients arena of `seed`, with the pinned gradients written over the computed ones once
 * complete (a leaf's at the end), and the overridden nodes passing back what their rule gives.
 */
export function backwardPinned(
  tape: Tape,
  values: Float64Array,
  seed: number,
  override: VjpOverride | undefined,
  pinned: ReadonlyMap<number, Float64Array> | undefined,
): Float64Array {
  if (!override && !pinned?.size) return backward(tape, values, { seed });
  const grads = new Float64Array(values.length);
  elementsOf(tape, grads, seed).fill(1);
  // As in the engine's backward: a node passes a gradient on only once one has reached it (from
  // the seed, or pinned), so a node the seed does not depend on adds nothing, not even 0 * Infinity.
  const reach = new Uint8Array(tape.slotCount);
  reach[seed] = 1;
  for (let k = tape.nodeCount - 1; k >= 0; k--) {
    const s = tape.nodeSlot[k];
    const pin = pinned?.get(s);
    if (pin) elementsOf(tape, grads, s).set(pin);
    else if (!reach[s]) continue;
    for (let j = 0; j < opOf(tape, k).args.length; j++) reach[argOf(tape, k, j)] = 1;
    backwardNode(tape, values, grads, k, override?.(s));
  }
  pinned?.forEach((pin, s) => {
    if (tape.kind[s] !== NODE) elementsOf(tape, grads, s).set(pin);
  });
  return grads;
}
