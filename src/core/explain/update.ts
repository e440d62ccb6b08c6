/**
 * The update: one step of gradient descent on each param, the same code as POST /v1/step
 * (src/core/train.ts, plain SGD): `w ← w − η · dL/dw = 0.5 − 0.1 · (-0.25) = 0.525`.
 */
import { shapeOf, view } from '../../engine/tape.js';
import { train } from '../train.js';
import { DEFAULT_OPTIMIZER } from '../defaults.js';
import { PREC, type Written, atom, derivativeName, infix, named } from '../notation/written.js';
import { type Context, equation, gradientOf, wire } from './context.js';
import type { UpdateStep } from './steps.js';

const ETA = atom('η', '\\eta');
const minus = (a: Written, b: Written): Written => infix(a, '−', '-', b, PREC.sum);
const times = (a: Written, b: Written): Written => infix(a, '·', '\\cdot', b, PREC.product);

/** One SGD step with `learningRate` on the params (all of them, or those of `ids`). */
export function updateSteps(c: Context, learningRate: number, ids?: readonly string[]): UpdateStep[] {
  const { tape, notation } = c;
  const { leaves } = train(tape, { learningRate, steps: 1, optimizer: DEFAULT_OPTIMIZER });
  const params = Array.from(tape.params).filter((s) => !ids || ids.includes(tape.ids[s]!));
  return params.map((slot) => {
    const id = tape.ids[slot]!;
    const rule = minus(named(id), times(ETA, derivativeName(c.output, id)));
    const assignment = {
      text: `${id} ← ${rule.text}`,
      latex: `${named(id).latex} \\leftarrow ${rule.latex}`,
      prec: PREC.sum,
    };
    const before = notation.array(view(tape, tape.initial, slot).data, shapeOf(tape, slot));
    const after = notation.array(view(tape, leaves, slot).data, shapeOf(tape, slot));
    return {
      phase: 'update',
      key: `step(${id})`,
      id,
      layer: c.layerOf(id),
      formula: equation([assignment]),
      ...equation([assignment, minus(before, times(notation.number(learningRate), gradientOf(c, slot))), after]),
      value: wire(tape, leaves, slot),
      before: wire(tape, tape.initial, slot),
      gradient: wire(tape, c.grads, slot),
      learningRate,
    };
  });
}
