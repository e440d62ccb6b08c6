/**
 * Numbers and text in an exercise's two languages, formatted by hand (no toLocaleString, whose
 * output depends on the ICU data of the machine): `.` as the decimal separator in English, `,` in
 * Brazilian Portuguese, where lists then take `;` so that `[0,5; -1]` stays unambiguous.
 */
import type { Tensor } from '../../engine/tensor.js';

import type { Locale } from '../locale.js';

export { type Locale, type Localized, locales } from '../locale.js';

/** Significant figures of the worked numbers in prose; answers are graded on exact values. */
export const PROSE_SIGFIGS = 4;

/**
 * x to `sigfigs` significant figures, trailing zeros dropped (0.2500 -> 0.25). toPrecision is
 * exactly specified by ECMA-262, so this text is the same everywhere.
 */
export function roundedText(x: number, sigfigs: number): string {
  if (x === 0) return '0';
  const text = x.toPrecision(sigfigs);
  const [mantissa, exponent] = text.split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent.replace('+', '')}`;
}

export interface Prose {
  locale: Locale;
  /** The English or the Portuguese text. */
  t(en: string, pt: string): string;
  /** A given number as it was drawn (shortest round-trip form: 0.35, 1, 0.001). */
  given(x: number): string;
  /** A computed number rounded for prose. */
  n(x: number, sigfigs?: number): string;
  /** As `n`, in parentheses when negative: the operand after an operator (`0.1 · (-0.2)`). */
  p(x: number, sigfigs?: number): string;
  /** Given or computed numbers of a vector or matrix: `[0.5, -1]`, `[[0.1, 0.2], [0.3, -0.4]]`. */
  tensor(t: Tensor, format?: (x: number) => string): string;
  /** Items of a list or args of a function: `, ` or `; `. */
  sep: string;
}

export function prose(locale: Locale): Prose {
  const decimal = (text: string): string => (locale === 'pt-BR' ? text.replace('.', ',') : text);
  const n = (x: number, sigfigs = PROSE_SIGFIGS) => decimal(roundedText(x, sigfigs));
  const sep = locale === 'pt-BR' ? '; ' : ', ';
  return {
    locale,
    t: (en, pt) => (locale === 'pt-BR' ? pt : en),
    given: (x) => decimal(String(x)),
    n,
    p: (x, sigfigs) => (x < 0 ? `(${n(x, sigfigs)})` : n(x, sigfigs)),
    tensor(t, format = (x) => n(x)) {
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
