/**
 * Answer keys of the contract (docs/api.md §5): `u` (a forward value), `dL/dw` (the derivative of one
 * id with respect to another), `step(w)` (w after one update) and `fd(dL/dw)` (the central
 * finite-difference estimate). `∂` reads as `d` (`∂L/∂w`, as the tutorial writes it), and spaces
 * are ignored; results echo the key as sent. A key naming no id gets the nearest keys that do
 * ("did you mean"), by edit distance over the spec's ids.
 */
import { specError } from '../../engine/errors.js';
import { type Localized, quote, say } from '../../text.js';
import { nearestNames } from '../../engine/suggest.js';
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

const KEY_FORMS = say(
  'an id (u), a derivative (dL/dw), step(w) or fd(dL/dw)',
  'um id (u), uma derivada (dL/dw), step(w) nem fd(dL/dw)',
);

/**
 * The problem's ids nearest to one written: by edit distance, or for a one-letter id (one edit
 * away from every other one-letter id) the same letter in the other case (`l` for `L`).
 */
function nearestIds(tape: Tape, id: string): string[] {
  const ids = tape.ids.filter((s): s is string => s !== null);
  return id.length > 1 ? nearestNames(id, ids) : ids.filter((s) => s.toLowerCase() === id.toLowerCase()).slice(0, 3);
}

/** "; did you mean y_hat?" for the nearest keys, or nothing. */
function didYouMean(suggestions: readonly string[]) {
  if (!suggestions.length) return say('', '');
  const or = (word: string) =>
    suggestions.length === 1
      ? suggestions[0]
      : `${suggestions.slice(0, -1).join(', ')} ${word} ${suggestions[suggestions.length - 1]}`;
  return say(`; did you mean ${or('or')}?`, `; você quis dizer ${or('ou')}?`);
}

/** An answer key that names no id; `suggestions` are the nearest keys that do. */
function unknownKey(key: string, message: (hint: Localized) => Localized, suggestions: string[]) {
  return specError('UNKNOWN_ANSWER_KEY', `answers.${quote(key)}`, message(didYouMean(suggestions)), { suggestions });
}

/**
 * The target an answer key names. `suggest` (on for the first keys of a request that name no id,
 * off past them) looks for the nearest keys that do.
 */
export function parseKey(tape: Tape, key: string, suggest = true): Target {
  const path = `answers.${quote(key)}`;
  const compact = key.replace(/\s+/g, '').replace(/\u2202/g, 'd');
  /** The slot of the id written at `at` in the compact key. */
  const slot = (id: string, at: number): number => {
    const s = slotOf(tape, id);
    if (s === undefined) {
      // The key with the id replaced by each of the nearest ids: `dL/dyhat` -> dL/dy_hat.
      const suggestions = suggest
        ? nearestIds(tape, id).map((near) => `${compact.slice(0, at)}${near}${compact.slice(at + id.length)}`)
        : [];
      throw unknownKey(
        key,
        (hint) =>
          say(
            `answer key '${quote(key)}' names no id '${quote(id)}' of this problem${hint.en}`,
            `a chave de resposta '${quote(key)}' cita '${quote(id)}', que não é um id deste problema${hint['pt-BR']}`,
          ),
        suggestions,
      );
    }
    return s;
  };
  let m: RegExpExecArray | null;
  if ((m = FD.exec(compact))) {
    const wrt = slot(m[2], 'fd(d'.length + m[1].length + '/d'.length);
    if (tape.kind[wrt] === NODE) {
      throw specError(
        'UNKNOWN_ANSWER_KEY',
        path,
        say(
          `fd perturbs a leaf (an input or a param), and '${quote(m[2])}' is a node`,
          `fd perturba uma folha (uma entrada ou um parâmetro), e '${quote(m[2])}' é um nó`,
        ),
      );
    }
    return { kind: 'fd', of: slot(m[1], 'fd(d'.length), wrt };
  }
  if ((m = STEP.exec(compact))) {
    const s = slot(m[1], 'step('.length);
    if (tape.kind[s] !== PARAM) {
      throw specError(
        'UNKNOWN_ANSWER_KEY',
        path,
        say(
          `step updates params, and '${quote(m[1])}' is not a param`,
          `step atualiza parâmetros, e '${quote(m[1])}' não é um parâmetro`,
        ),
      );
    }
    return { kind: 'step', slot: s };
  }
  if ((m = DERIVATIVE.exec(compact)))
    return { kind: 'derivative', of: slot(m[1], 1), wrt: slot(m[2], 1 + m[1].length + '/d'.length) };
  const value = slotOf(tape, compact);
  if (value !== undefined) return { kind: 'value', slot: value };
  throw unknownKey(
    key,
    (hint) =>
      say(
        `answer key '${quote(key)}' is not ${KEY_FORMS.en} of this problem's ids${hint.en}`,
        `a chave de resposta '${quote(key)}' não é ${KEY_FORMS['pt-BR']} escrito com os ids deste problema${hint['pt-BR']}`,
      ),
    suggest ? nearestIds(tape, compact) : [],
  );
}
