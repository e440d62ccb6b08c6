/**
 * Answer keys of the contract (docs/api.md §5): `u` (a forward value), `dL/dw` (the derivative of one
 * id with respect to another), `step(w)` (w after one update) and `fd(dL/dw)` (the central
 * finite-difference estimate).
 */
import { specError } from '../../engine/errors.js';
import { quote, say } from '../locale.js';
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

const KEY_FORMS = say('an id (u), a derivative (dL/dw), step(w) or fd(dL/dw)', 'um id (u), uma derivada (dL/dw), step(w) nem fd(dL/dw)');

export function parseKey(tape: Tape, key: string): Target {
  const path = `answers.${quote(key)}`;
  const slot = (id: string): number => {
    const s = slotOf(tape, id);
    if (s === undefined) {
      throw specError('UNKNOWN_ANSWER_KEY', path, say(`answer key '${quote(key)}' names no id '${quote(id)}' of this problem`, `a chave de resposta '${quote(key)}' cita '${quote(id)}', que não é um id deste problema`));
    }
    return s;
  };
  const compact = key.replace(/\s+/g, '');
  let m: RegExpExecArray | null;
  if ((m = FD.exec(compact))) {
    const wrt = slot(m[2]);
    if (tape.kind[wrt] === NODE) {
      throw specError('UNKNOWN_ANSWER_KEY', path, say(`fd perturbs a leaf (an input or a param), and '${quote(m[2])}' is a node`, `fd perturba uma folha (uma entrada ou um parâmetro), e '${quote(m[2])}' é um nó`));
    }
    return { kind: 'fd', of: slot(m[1]), wrt };
  }
  if ((m = STEP.exec(compact))) {
    const s = slot(m[1]);
    if (tape.kind[s] !== PARAM) {
      throw specError('UNKNOWN_ANSWER_KEY', path, say(`step updates params, and '${quote(m[1])}' is not a param`, `step atualiza parâmetros, e '${quote(m[1])}' não é um parâmetro`));
    }
    return { kind: 'step', slot: s };
  }
  if ((m = DERIVATIVE.exec(compact))) return { kind: 'derivative', of: slot(m[1]), wrt: slot(m[2]) };
  const value = slotOf(tape, compact);
  if (value !== undefined) return { kind: 'value', slot: value };
  throw specError(
    'UNKNOWN_ANSWER_KEY',
    path,
    say(`answer key '${quote(key)}' is not ${KEY_FORMS.en} of this problem's ids`, `a chave de resposta '${quote(key)}' não é ${KEY_FORMS['pt-BR']} escrito com os ids deste problema`),
  );
}
