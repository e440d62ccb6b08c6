/**
 * The forward pass: each statement in evaluation order, `z = u + b = 1 + (-1) = 0`; a layer op's
 * with one element of its result worked out in the note.
 */
import { named } from '../notation/written.js';
import { type Context, equation, wire } from './context.js';
import type { ForwardStep } from './steps.js';
import { words } from './words.js';
import { forwardWorked, hasWorked } from './worked.js';

export function forwardSteps(c: Context): ForwardStep[] {
  const { tape, notation } = c;
  return c.statements.map(({ k, slot, nodes }) => {
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
      note: nodes.length === 1 && hasWorked(tape, k) ? workedNote(c, k) : undefined,
    };
  });
}

function workedNote(c: Context, k: number): string | undefined {
  const worked = forwardWorked(c, k);
  if (!worked) return undefined;
  return [words.oneElement(worked.line.text)[c.locale], worked.words?.[c.locale]].filter(Boolean).join('; ');
}
