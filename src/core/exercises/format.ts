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

export interface Prose {
  /** The language written: text is picked from a `say(en, pt)` with `[p.locale]`. */
  locale: Locale;
  /** A given number as it was drawn (shortest round-trip form: 0.35, 1, 0.001). */
  given(x: number): string;
  /** A computed number rounded to a few figures. */
  n(x: number, sigfigs?: number): string;
  /** Given numbers of a vector or matrix: `[0.5, -1]`, `[[0.1, 0.2], [0.3, -0.4]]`. */
  tensor(t: Tensor, format?: (x: number) => string): string;
  /** Items of a list or args of a function: `, ` or `; `. */
  sep: string;
}

export function prose(locale: Locale): Prose {
  const decimal = (text: string): string => localized(text, locale);
  const given = (x: number): string => decimal(String(x));
  const n = (x: number, sigfigs = PROSE_SIGFIGS): string => decimal(roundedText(x, sigfigs));
  const sep = LIST_SEPARATOR[locale];
  return {
    locale,
    given,
    n,
    tensor(t, format = given) {
      const xs = Array.from(t.data, format);
      if (t.shape.length === 0) return xs[0];
      if (t.shape.length === 1) return `[${xs.join(sep)}]`;
      const cols = t.shape[1];
      const rows: string[] = [];
      for (let i = 0; i < t.shape[0]; i++) rows.push(`[${xs.slice(i * cols, (i + 1) * cols).join(sep)}]`);
      return `[${rows.join(sep)}]`;
    },
    sep,
  };
}
