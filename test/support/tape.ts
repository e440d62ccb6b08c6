import { type Tape, slotOf } from '../../src/engine/tape.js';

/** The first element of the slot of `id` in an arena (values or gradients). */
export function at(tape: Tape, arena: Float64Array, id: string): number {
  const slot = slotOf(tape, id);
  if (slot === undefined) throw new Error(`no id '${id}'`);
  return arena[tape.offset[slot]];
}

/** Every element of the slot of `id` in an arena. */
export function elementsOf(tape: Tape, arena: Float64Array, id: string): number[] {
  const slot = slotOf(tape, id);
  if (slot === undefined) throw new Error(`no id '${id}'`);
  return Array.from(arena.subarray(tape.offset[slot], tape.offset[slot] + tape.size[slot]));
}
