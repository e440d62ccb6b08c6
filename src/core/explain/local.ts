/**
 * Local derivatives: of each statement with respect to each id it uses, at the forward values,
 * from the output down (`dy_hat/dz = σ'(z) = y_hat · (1 − y_hat) = 0.5 · (1 − 0.5) = 0.25`). A
 * statement with parts inside it (`L = 0.5*(y_hat - y)^2`) composes its ops' templates along
 * each chain to the id: `dL/dy_hat = 0.5 · 2 · (y_hat − y)`. Statements on tensors have their
 * rule written in the backward pass instead.
 */
import { wireNumber } from '../../engine/tensor.js';
import { type Written, derivativeName } from '../notation/written.js';
import { type Context, composedLocal, equation } from './context.js';
import type { Edge } from './statements.js';
import type { LocalStep } from './steps.js';

/** Σ over the chains of the product of the local templates along each (the statements here are scalar). */
export const chainWritten = (c: Context, chains: readonly Edge[][], substitute: boolean): Written =>
  c.notation.chained(chains, substitute)!;

export function localSteps(c: Context): LocalStep[] {
  const { tape, notation } = c;
  const out: LocalStep[] = [];
  for (const st of [...c.statements].reverse()) {
    if (!st.scalar || !c.reach[st.slot]) continue;
    const of = tape.ids[st.slot]!;
    for (const use of st.uses) {
      const wrt = tape.ids[use.slot]!;
      const value = composedLocal(c, use.chains);
      const single = use.chains.length === 1 && use.chains[0].length === 1 ? use.chains[0][0] : undefined;
      const symbols = [derivativeName(of, wrt), single && notation.prime(single.k), chainWritten(c, use.chains, false)];
      out.push({
        phase: 'local',
        key: `d${of}/d${wrt}`,
        id: of,
        layer: c.layerOf(of),
        of,
        wrt,
        formula: equation(symbols),
        ...equation([...symbols, chainWritten(c, use.chains, true), notation.number(value)]),
        value: wireNumber(value),
      });
    }
  }
  return out;
}
