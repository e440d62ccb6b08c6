/** The forward pass: each statement in evaluation order, `z = u + b = 1 + (-1) = 0`. */
import { named } from '../notation/written.js';
import { type Context, equation, wire } from './context.js';
import type { ForwardStep } from './steps.js';

export function forwardSteps(c: Context): ForwardStep[] {
  const { tape, notation } = c;
  return c.statements.map(({ k, slot }) => {
    const id = tape.ids[slot]!;
    const line = equation([named(id), notation.expression(k), notation.substituted(k), notation.value(slot)]);
    const formula = notation.statement(k);
    return {
      phase: 'forward',
      key: id,
      id,
      layer: c.layerOf(id),
      formula: { text: formula.text, latex: formula.latex },
      ...line,
      value: wire(tape, c.values, slot),
    };
  });
}
