/**
 * The central finite-difference check: for every element of every checked leaf,
 * numeric = (L(x + eps) - L(x - eps)) / (2 eps) against backprop's analytic gradient.
 * Where the two evaluations put the input of a relu, abs or leaky_relu on opposite sides of 0
 * the check straddles a kink: finite differences are not a derivative there, and the result
 * says so instead of failing mysteriously.
 */
import { specError } from '../engine/errors.js';
import { quote, say } from '../text.js';
import { backward, forward } from '../engine/evaluate.js';
import {
  NODE,
  type Tape,
  argOf,
  elementsOf,
  opOf,
  scalarOf,
  shapeOf,
  sizeOfSlot,
  slotOf,
  startOf,
} from '../engine/tape.js';
import { elementIndex } from '../engine/tensor.js';
import { centralDifferences } from './finite-difference.js';
import type { GradcheckResult as GradcheckResultSchema } from '../schemas/operations.js';
import type { BeforeWire } from '../schemas/values.js';

export interface GradcheckOptions {
  epsilon: number;
  /** Leaf ids to check; all params by default. */
  wrt?: readonly string[];
  rtol: number;
  atol: number;
}

/** One element checked, as computed: the response's result but for its note, which the operation writes in the request's language. */
export type GradcheckResult = Omit<BeforeWire<typeof GradcheckResultSchema>, 'note'>;

export interface GradcheckReport {
  pass: boolean;
  maxAbsError: number;
  maxRelError: number;
  results: GradcheckResult[];
}

export function checkedSlots(tape: Tape, wrt: readonly string[] | undefined): number[] {
  if (!wrt) return Array.from(tape.params);
  return wrt.map((id, i) => {
    const slot = slotOf(tape, id);
    if (slot === undefined)
      throw specError('UNKNOWN_ID', `wrt[${i}]`, say(`unknown id '${quote(id)}'`, `id desconhecido '${quote(id)}'`));
    if (tape.kind[slot] === NODE) {
      throw specError(
        'INVALID_SPEC',
        `wrt[${i}]`,
        say(
          `'${quote(id)}' is a node: gradcheck perturbs leaves (inputs or params)`,
          `'${quote(id)}' é um nó: o gradcheck perturba folhas (entradas ou parâmetros)`,
        ),
      );
    }
    return slot;
  });
}

/** The number of elements the check perturbs, each twice. */
export const checkedElements = (tape: Tape, slots: readonly number[]): number =>
  slots.reduce((n, s) => n + sizeOfSlot(tape, s), 0);

/** Kinked nodes whose input element changes sign (or touches 0) between the two evaluations. */
function straddledKinks(tape: Tape, plus: Float64Array, minus: Float64Array): string[] {
  const hit: string[] = [];
  for (let k = 0; k < tape.nodeCount; k++) {
    if (!opOf(tape, k).kinkAtZero) continue;
    const input = argOf(tape, k, 0);
    const from = startOf(tape, input),
      to = from + sizeOfSlot(tape, input);
    for (let i = from; i < to; i++) {
      if (plus[i] !== minus[i] && plus[i] * minus[i] <= 0) {
        hit.push(tape.ids[tape.nodeSlot[k]]!);
        break;
      }
    }
  }
  return hit;
}

export function gradcheck(tape: Tape, options: GradcheckOptions): GradcheckReport {
  const { epsilon, rtol, atol } = options;
  const slots = checkedSlots(tape, options.wrt);
  const analytic = backward(tape, forward(tape));
  const results: GradcheckResult[] = [];
  const loss = (values: Float64Array): number => scalarOf(tape, values, tape.output);
  for (const s of slots) {
    const gradient = elementsOf(tape, analytic, s);
    for (const { index: i, plus, minus, fPlus: lossPlus, fMinus: lossMinus, estimate: numeric } of centralDifferences(
      tape,
      s,
      epsilon,
      loss,
    )) {
      const a = gradient[i];
      const absError = Math.abs(a - numeric);
      const scale = Math.max(Math.abs(a), Math.abs(numeric));
      results.push({
        id: tape.ids[s]!,
        index: elementIndex(shapeOf(tape, s), i),
        analytic: a,
        numeric,
        lossPlus,
        lossMinus,
        absError,
        relError: scale === 0 ? 0 : absError / scale,
        pass: absError <= atol + rtol * Math.abs(numeric),
        kinks: straddledKinks(tape, plus, minus),
      });
    }
  }
  return {
    pass: results.every((r) => r.pass),
    maxAbsError: results.reduce((m, r) => Math.max(m, r.absError), 0),
    maxRelError: results.reduce((m, r) => Math.max(m, r.relError), 0),
    results,
  };
}
