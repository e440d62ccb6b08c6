/**
 * Given numbers and text in an exercise's two languages, formatted by hand (no toLocaleString,
 * whose output depends on the ICU data of the machine): `.` as the decimal separator in English,
 * `,` in Brazilian Portuguese, where lists then take `;` so that `[0,5; −1]` stays unambiguous;
 * `−` (U+2212) as the minus sign, as in the rest of the written math.
 * An exercise's worked numbers are written by the explainer (src/core/notation); `n` rounds a
 * computed number for other short texts (the graph pictures of src/core/render).
 */
import type { Tensor } from '../../engine/tensor.js';

import type { Locale } from '../../text.js';
import { LIST_SEPARATOR, localized, roundedText } from '../notation/numbers.js';

export type { Locale, Localized } from '../../text.js';

/** Significant figures of `n`. */
export const PROSE_SIGFIGS = 4;

/**
 * How a student answers: each key's value sent under the key (to POST /v1/grade, by an LMS that
 * calls it), or one number per field of an LMS quiz (a question bank), where a tensor's elements
 * are fields of their own.
 */
export type Answering = 'keys' | 'fields';

export interface Prose {
  /** The language written: text is picked from a `say(en, pt)` with `[p.locale]`. */
  locale: Locale;
  answering: Answering;
  /** A given number as it was drawn (shortest round-trip form: 0.35, 1, 0.001). */
  given(x: number): string;
  /** A computed number rounded to a few figures. */
  n(x: number, sigfigs?: number): string;
  /** Given numbers of a tensor: `[0.5, -1]`, `[[0.1, 0.2], [0.3, -0.4]]`, nested as deep as its rank. */
  tensor(t: Tensor, format?: (x: number) => string): string;
  /** Items of a list or args of a function: `, ` or `; `. */
  sep: string;
}

export function prose(locale: Locale, answering: Answering = 'keys'): Prose {
  const decimal = (text: string): string => localized(text, locale);
  const given = (x: number): string => decimal(String(x));
  const n = (x: number, sigfigs = PROSE_SIGFIGS): string => decimal(roundedText(x, sigfigs));
  const sep = LIST_SEPARATOR[locale];
  return {
    locale,
    answering,
    given,
    n,
    tensor(t, format = given) {
      const xs = Array.from(t.data, format);
      // Row-major, nested as deep as the rank: a conv kernel [1, 1, 2, 2] is `[[[[a, b], [c, d]]]]`.
      const nest = (axis: number, at: number): string => {
        if (axis === t.shape.length) return xs[at];
        const stride = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
        const items = Array.from({ length: t.shape[axis] }, (_, i) => nest(axis + 1, at + i * stride));
        return `[${items.join(sep)}]`;
      };
      return nest(0, 0);
    },
    sep,
  };
}
