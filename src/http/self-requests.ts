/**
 * Requests the app sends to itself: the OpenAPI document computes its examples by injecting them
 * (src/http/openapi.ts). They are not a client's, so they pass the API keys, the rate limit and
 * load shedding. Each carries a secret drawn when the app is built; it exists only in this
 * process's memory and never crosses the network, so a client cannot pass for one.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The header that carries the secret (redacted from logs like a key). */
export const SELF_HEADER = 'x-gradient-self';

export class SelfRequests {
  private readonly secret = randomBytes(32);
  private readonly text = this.secret.toString('base64url');

  /** The headers that mark a request as the app's own. */
  headers(): Record<string, string> {
    return { [SELF_HEADER]: this.text };
  }

  isSelf(request: FastifyRequest): boolean {
    const given = request.headers[SELF_HEADER];
    if (typeof given !== 'string') return false;
    const bytes = Buffer.from(given, 'base64url');
    return bytes.length === this.secret.length && timingSafeEqual(bytes, this.secret);
  }
}
