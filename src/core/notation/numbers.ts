/**
 * Numbers as a reader sees them: rounded to a few significant figures, `.` as the decimal
 * separator in English and `,` in Brazilian Portuguese, `−` (U+2212) as the minus sign. Formatted
 * by hand (no toLocaleString, whose output depends on the ICU data of the machine); toPrecision is
 * exactly specified by ECMA-262, so the text is the same everywhere.
 */
import { type Locale, say } from '../../text.js';

/** Significant figures of the numbers in an explanation (`0.450166 · 0.247517 = 0.111423`). */
export const READING_SIGFIGS = 6;

/** x to `sigfigs` significant figures, trailing zeros dropped (0.2500 -> 0.25, 1.0e-7 -> 1e-7). */
export function roundedText(x: number, sigfigs: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  const text = x.toPrecision(sigfigs);
  const [mantissa, exponent] = text.split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent.replace('+', '')}`;
}

/** Between the items of a list or the args of a call: `; ` in Portuguese, whose decimals take the `,` (`[0,5; −1]`). */
export const LIST_SEPARATOR = say(', ', '; ');

/** U+2212, the minus sign of written math (`−0.6`, as in `y_hat − y`); LaTeX and JSON keep `-`. */
export const MINUS = '\u2212';

/**
 * A number's ASCII text (`-0.25`, `1e-7`) as written math in `locale`: the language's decimal
 * separator, and U+2212 for each minus sign (`−0,25`, `1e−7`). The answer parser reads both
 * signs back (src/core/grading/numbers.ts), so a number pasted from feedback is still an answer.
 */
export function localized(text: string, locale: Locale): string {
  return (locale === 'pt-BR' ? text.replace('.', ',') : text).replaceAll('-', MINUS);
}

/** A number for reading in `locale`: rounded, with the language's decimal separator and minus sign. */
export function readable(x: number, locale: Locale, sigfigs = READING_SIGFIGS): string {
  return localized(roundedText(x, sigfigs), locale);
}
