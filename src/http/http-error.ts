/**
 * A request refused at the HTTP edge, before anything is computed: no key or a wrong one, over
 * the rate limit, an overloaded process, a method the route does not have, a body in an encoding
 * or charset the service does not read. Raised where the decision is made, with its message in
 * both languages; src/http/problem.ts writes it as a problem document, with its headers.
 */
import type { Localized } from '../text.js';

export type HttpErrorCode =
  | 'UNAUTHORIZED'
  | 'RATE_LIMITED'
  | 'OVERLOADED'
  | 'METHOD_NOT_ALLOWED'
  | 'HEADERS_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    readonly detail: Localized,
    /** Headers that are part of the answer: WWW-Authenticate, Allow. */
    readonly headers: Record<string, string> = {},
    /** Extra members of the problem document; `retryAfterSeconds` is also sent as Retry-After. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail.en);
    this.name = 'HttpError';
  }
}
