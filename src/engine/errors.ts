/**
 * Errors of the core are values with a code and the paths of the offending fields; the HTTP layer
 * turns them into RFC 9457 answers in one place (src/http/problem.ts). Messages are written in
 * English and Brazilian Portuguese side by side where they are raised (`say(en, pt)`); the
 * error handler picks the request's language.
 */
import type { Locale, Localized } from '../text.js';

export type ErrorCode =
  | 'INVALID_VALUE' // a number or tensor that is not finite, not rectangular, or of rank > 2
  | 'INVALID_SPEC' // a spec that breaks a rule the schema cannot state
  | 'EXPR_SYNTAX' // expr text that does not parse
  | 'UNKNOWN_ID'
  | 'DUPLICATE_ID'
  | 'CYCLE'
  | 'UNKNOWN_OP'
  | 'ARITY'
  | 'BAD_ATTR'
  | 'SHAPE_MISMATCH'
  | 'NON_SCALAR_OUTPUT'
  | 'DOMAIN' // a value outside an op's domain that PyTorch also refuses (bce of p > 1)
  | 'UNKNOWN_ANSWER_KEY'
  | 'TOO_LARGE'
  | 'VALIDATION'; // a body that does not match its schema

/** An error in one field as the wire and the library write it: its message in one language. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error in one field as it is raised: its message in both languages (`say(en, pt)`). */
export interface LocalizedFieldError {
  path: string;
  message: Localized;
}

export class SpecError extends Error {
  readonly code: ErrorCode;
  /** Every field error with both languages of its message: what crosses to the error handler, or from a worker thread. */
  readonly localized: readonly LocalizedFieldError[];
  /** The field errors in `locale` (English unless the library was asked for another). */
  readonly errors: FieldError[];
  /** Extra machine-readable members for the problem document (e.g. `cycle`, `suggestions`). */
  readonly extra: Record<string, unknown>;
  readonly locale: Locale;

  constructor(code: ErrorCode, localized: readonly LocalizedFieldError[], extra: Record<string, unknown> = {}, locale: Locale = 'en') {
    const errors = localized.map((p) => ({ path: p.path, message: p.message[locale] }));
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    this.name = 'SpecError';
    this.code = code;
    this.localized = localized;
    this.errors = errors;
    this.extra = extra;
    this.locale = locale;
  }

  /** The field errors in one language, as a problem document writes them. */
  errorsIn(locale: Locale): FieldError[] {
    return locale === this.locale ? this.errors : this.localized.map((p) => ({ path: p.path, message: p.message[locale] }));
  }

  /** The same error with its message and errors in another language (the library's `locale`). */
  inLocale(locale: Locale): SpecError {
    return locale === this.locale ? this : new SpecError(this.code, this.localized, this.extra, locale);
  }
}

/** One field error, its message written in both languages: `specError(code, path, say(en, pt))`. */
export function specError(code: ErrorCode, path: string, message: Localized, extra?: Record<string, unknown>): SpecError {
  return new SpecError(code, [{ path, message }], extra);
}
