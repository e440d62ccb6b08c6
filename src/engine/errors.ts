/**
 * Errors of the core are values with a code and the paths of the offending fields; the HTTP layer
 * turns them into RFC 9457 answers in one place (src/http/problem.ts). Messages are written in
 * English and Brazilian Portuguese side by side where they are raised (`say(en, pt)`); the
 * error handler picks the request's language.
 */
import type { Locale, Localized } from '../text.js';

/**
 * The engine's codes. The layers above raise SpecErrors with codes of their own (grading's
 * UNKNOWN_ANSWER_KEY, the schemas' VALIDATION) and say which; the library's `ErrorCode` is the union of all.
 */
export type EngineErrorCode =
  | 'INVALID_VALUE' // a number or tensor that is not finite, not rectangular, or of rank > 4
  | 'INVALID_SPEC' // a spec that breaks a rule the schema cannot state
  | 'EXPR_SYNTAX' // expr text that does not parse
  | 'UNKNOWN_ID'
  | 'DUPLICATE_ID'
  | 'CYCLE'
  | 'UNKNOWN_OP'
  | 'ARITY'
  | 'BAD_ATTR' // an attr the op does not have, or not a finite number
  | 'INVALID_ATTR' // an attr of the wrong kind (not an integer, out of range) or a required one missing: a 400
  | 'SHAPE_MISMATCH'
  | 'NON_SCALAR_OUTPUT'
  | 'DOMAIN' // a value outside an op's domain that PyTorch also refuses (bce of p > 1)
  | 'TOO_LARGE';

/**
 * Which limit a request went over, by how much: the data of a TOO_LARGE field error. The engine's
 * message names the maximum, not the setting behind it; the edge adds the setting's name.
 */
export interface ExceededLimit {
  /** Its member of `Limits` (src/engine/limits.ts): `maxNodes`, `maxWork`... */
  name: string;
  count: number;
  max: number;
}

/** An error in one field as the wire and the library write it: its message in one language. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error in one field as it is raised: its message in both languages (`say(en, pt)`). */
export interface LocalizedFieldError {
  path: string;
  message: Localized;
  /** Set when the field went over a limit (code TOO_LARGE). */
  limit?: ExceededLimit;
}

/** An error of the request, its code one of the engine's or of the layer that raised it. */
export class SpecError<Code extends string = string> extends Error {
  readonly code: Code;
  /** Every field error with both languages of its message: what crosses to the error handler, or from a worker thread. */
  readonly localized: readonly LocalizedFieldError[];
  /** The field errors in `locale` (English unless the library was asked for another). */
  readonly errors: FieldError[];
  /** Extra machine-readable members for the problem document (e.g. `cycle`, `suggestions`). */
  readonly extra: Record<string, unknown>;
  readonly locale: Locale;

  constructor(
    code: Code,
    localized: readonly LocalizedFieldError[],
    extra: Record<string, unknown> = {},
    locale: Locale = 'en',
  ) {
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
    return locale === this.locale
      ? this.errors
      : this.localized.map((p) => ({ path: p.path, message: p.message[locale] }));
  }

  /** The same error with its message and errors in another language (the library's `locale`). */
  inLocale(locale: Locale): SpecError<Code> {
    return locale === this.locale ? this : new SpecError(this.code, this.localized, this.extra, locale);
  }
}

/** One field error, its message written in both languages: `specError(code, path, say(en, pt))`. */
export function specError<Code extends string>(
  code: Code,
  path: string,
  message: Localized,
  extra?: Record<string, unknown>,
): SpecError<Code> {
  return new SpecError(code, [{ path, message }], extra);
}
