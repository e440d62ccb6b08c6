/**
 * What every property test of the HTTP app shares: one seed per run, printed so that a failure
 * can be replayed (`FC_SEED=<seed> npx vitest run test/property`), a bound on each request's time
 * (app.inject has no socket timeout), and the contract check of each answer against the served
 * OpenAPI document (test/contract/document.ts: Ajv, not the project's zod schemas).
 * `FC_SCALE=10` multiplies every property's runs, for a longer search on demand.
 */
import type { Parameters as FcParameters } from 'fast-check';
import type { WireResponse } from '../contract/document.js';
import { DocumentValidators, servedDocument } from '../contract/document.js';

export const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
console.log(`fast-check seed ${SEED} (replay: FC_SEED=${SEED} npx vitest run test/property)`);

const SCALE = Number(process.env.FC_SCALE ?? 1);

/** fast-check's settings for a property of `numRuns` runs, with the run's seed. */
export const runs = (numRuns: number): FcParameters<unknown> => ({ seed: SEED, numRuns: Math.round(numRuns * SCALE) });

/** A request that has not been answered in this long is a hang. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The promise's value, or an error once `ms` have passed without one. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Injectable {
  inject(options: {
    method: 'GET' | 'POST';
    url: string;
    headers?: Record<string, string>;
    payload?: string;
  }): PromiseLike<WireResponse & { statusCode: number }>;
}

/** The app under test and its served document, compiled by Ajv. */
export class Contract {
  private constructor(
    readonly app: Injectable,
    readonly validators: DocumentValidators,
  ) {}

  static async of(app: Injectable & Parameters<typeof servedDocument>[0]): Promise<Contract> {
    return new Contract(app, new DocumentValidators(await servedDocument(app)));
  }

  /**
   * Sends a body (as text) and returns the answer once it is checked: answered within
   * REQUEST_TIMEOUT_MS, no 5xx, and as the document says (status, content type, headers, body).
   */
  async post(url: string, text: string, headers: Record<string, string> = {}): Promise<WireResponse> {
    const path = url.split('?')[0];
    const res = await within(
      Promise.resolve(
        this.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', ...headers },
          payload: text,
        }),
      ),
      REQUEST_TIMEOUT_MS,
      `POST ${url} ${text.slice(0, 200)}`,
    );
    if (res.statusCode >= 500)
      throw new Error(
        `POST ${url} answered ${res.statusCode}: ${res.body.slice(0, 500)}\nbody sent: ${text.slice(0, 500)}`,
      );
    const problems = this.validators.check('POST', path, res);
    if (problems.length) throw new Error(`${problems.join('\n')}\nbody sent: ${text.slice(0, 500)}`);
    return res;
  }
}
