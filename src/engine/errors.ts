/**
 * Errors of the core are values with a code and the paths of the offending fields; the HTTP layer
 * turns them into RFC 9457 answers in one place (src/http/problem.ts).
 */
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

export interface FieldProblem {
  path: string;
  message: string;
}

export class SpecError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldProblem[];
  /** Extra machine-readable members for the problem document (e.g. `cycle`, `suggestions`). */
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, errors: FieldProblem[], extra: Record<string, unknown> = {}) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    this.name = 'SpecError';
    this.code = code;
    this.errors = errors;
    this.extra = extra;
  }
}

export function specError(code: ErrorCode, path: string, message: string, extra?: Record<string, unknown>): SpecError {
  return new SpecError(code, [{ path, message }], extra);
}
