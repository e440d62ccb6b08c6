/**
 * Central finite differences, the one routine behind gradcheck and the `fd(dL/dw)` answers of
 * grading: for each element i of a leaf x, (f(x + ε·e_i) - f(x - ε·e_i)) / (2ε), where f reads a
 * number off the values of a forward pass run from the leaves with that one element nudged.
 */
import { forward } from '../engine/evaluate.js';
import { type Tape, elementsOf } from '../engine/tape.js';

/** One element's central difference, with the two forward passes it was computed from. */
export interface CentralDifference {
  /** The element's flat index in the leaf. */
  index: number;
  /** The values arenas of the passes at x + ε and at x - ε. */
  plus: Float64Array;
  minus: Float64Array;
  /** f of each. */
  fPlus: number;
  fMinus: number;
  /** (fPlus - fMinus) / (2ε). */
  estimate: number;
}

/** The central difference of `f` for each element of the leaf in `leaf`, in order. */
export function* centralDifferences(
  tape: Tape,
  leaf: number,
  epsilon: number,
  f: (values: Float64Array) => number,
): Generator<CentralDifference> {
  const initial = tape.initial.slice();
  const x = elementsOf(tape, initial, leaf);
  const evaluateWith = (i: number, delta: number): Float64Array => {
    const base = x[i];
    x[i] = base + delta;
    const values = forward(tape, { initial });
    x[i] = base;
    return values;
  };
  for (let i = 0; i < x.length; i++) {
    const plus = evaluateWith(i, epsilon);
    const minus = evaluateWith(i, -epsilon);
    const fPlus = f(plus),
      fMinus = f(minus);
    yield { index: i, plus, minus, fPlus, fMinus, estimate: (fPlus - fMinus) / (2 * epsilon) };
  }
}
