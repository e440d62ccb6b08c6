/**
 * Answer keys of the contract (API.md §5): `u` (a forward value), `dL/dw` (the derivative of one
 * id with respect to another), `step(w)` (w after one update) and `fd(dL/dw)` (the central
 * finite-difference estimate).
 */
import { specError } from '../../engine/errors.js';
import { NODE, PARAM, type Tape, slotOf } from '../../engine/tape.js';

export type Target =
  | { kind: 'value'; slot: number }
  | { kind: 'derivative'; of: number; wrt: number }
  | { kind: 'step'; slot: number }
  | { kind: 'fd'; of: number; wrt: number };

const ID = '[A-Za-z_][A-Za-z0-9_]*';
const DERIVATIVE = new RegExp(`^d(${ID})/d(${ID})$`);
const STEP = new RegExp(`^step\\((${ID})\\)$`);
const FD = new RegExp(`^fd\\(d(${ID})/d(${ID})\\)$`);

const KEY_FORMS = "an id (u), a derivative (dL/dw), step(w) or fd(dL/dw)";

export function parseKey(tape: Tape, key: string): Target {
  const path = `answers.${key}`;
  const slot = (id: string): number => {
    const s = slotOf(tape, id);
    if (s === undefined) throw specError('UNKNOWN_ANSWER_KEY', path, `answer key '${key}' names no id '${id}' of this problem`);
    return s;
  };
  const compact = key.replace(/\s+/g, '');
  let m: RegExpExecArray | null;
  if ((m = FD.exec(compact))) {
    const wrt = slot(m[2]);
    if (tape.kind[wrt] === NODE) throw specError('UNKNOWN_ANSWER_KEY', path, `fd perturbs a leaf (an input or a param), and '${m[2]}' is a node`);
    return { kind: 'fd', of: slot(m[1]), wrt };
  }
  if ((m = STEP.exec(compact))) {
    const s = slot(m[1]);
    if (tape.kind[s] !== PARAM) throw specError('UNKNOWN_ANSWER_KEY', path, `step updates params, and '${m[1]}' is not a param`);
    return { kind: 'step', slot: s };
  }
  if ((m = DERIVATIVE.exec(compact))) return { kind: 'derivative', of: slot(m[1]), wrt: slot(m[2]) };
  const value = slotOf(tape, compact);
  if (value !== undefined) return { kind: 'value', slot: value };
  throw specError('UNKNOWN_ANSWER_KEY', path, `answer key '${key}' is not ${KEY_FORMS} of this problem's ids`);
}
