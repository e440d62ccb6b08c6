/**
 * Bounds on what one request may ask for, so that no request can hang the service, exhaust its
 * memory or flood its client: the number of nodes, the size of any one tensor and of all of them
 * together, the total work (element operations summed over the tape, from each op's cost, times
 * the passes an operation makes) and the number of values a response would carry. All of them are
 * known from shapes alone, before computing.
 */
import { type Localized, inEach, say } from '../text.js';
import { type ExceededLimit, SpecError, specError } from './errors.js';
import type { Tape } from './tape.js';

export interface Limits {
  maxNodes: number;
  /** Elements of any one tensor. */
  maxElements: number;
  /** Elements of all the graph's tensors together: the size of one evaluation's arena, so its memory. */
  maxTotalElements: number;
  /** Element operations, summed over all passes. */
  maxWork: number;
  /** Numbers in one response (values, gradients, local derivatives, results...). */
  maxResponseValues: number;
  /** Bytes of one response body, estimated before computing wherever the spec decides it. */
  maxResponseBytes: number;
  /**
   * Variants in one question-bank export (POST /v1/exercises/export). Optional so that a caller's
   * limits written before it still type-check; absent, DEFAULT_LIMITS' applies.
   */
  maxExportVariants?: number;
}

export const DEFAULT_LIMITS: Required<Limits> = {
  maxNodes: 200_000,
  maxElements: 1_000_000,
  // 160 MB of float64 per arena; an evaluation holds a values arena and a gradients arena.
  maxTotalElements: 20_000_000,
  maxWork: 200_000_000,
  maxResponseValues: 1_000_000,
  maxResponseBytes: 8 * 1024 * 1024,
  maxExportVariants: 200,
};

export const tooLarge = (path: string, message: Localized): SpecError<'TOO_LARGE'> =>
  specError('TOO_LARGE', path, message);

/** Which of `Limits` a request went over, with the count and the maximum: the data the edge names the setting from. */
export interface OverLimit extends ExceededLimit {
  name: keyof Limits;
}

/** A field over one of `Limits`: its message names the maximum, and the error carries which limit it is. */
export const overLimit = (path: string, limit: OverLimit, message: Localized): SpecError<'TOO_LARGE'> =>
  new SpecError('TOO_LARGE', [{ path, message, limit }]);

/**
 * `the limit of 6`, in each language: how every message of `overLimit` names the maximum. The
 * engine names no setting (a library caller passes `limits`); the edge adds the one it reads the
 * limit from right after the maximum, with `namingSetting`.
 */
const theLimitOf = (max: number, setting = ''): Localized => {
  const named = setting && ` (${setting})`;
  return say(`the limit of ${max}${named}`, `o limite de ${max}${named}`);
};

/** A limit's message with the name of its setting after the maximum: `... more than the limit of 6 (MAX_NODES)`. */
export function namingSetting(message: Localized, limit: ExceededLimit, setting: string): Localized {
  const plain = theLimitOf(limit.max),
    named = theLimitOf(limit.max, setting);
  return inEach((l) => message[l].replace(plain[l], () => named[l]));
}

/** The spec's own path (`graph`, `neuron`, `network`) from a path inside it, for errors about the whole of it. */
export const specPath = (outputPath: string): string => outputPath.split('.')[0];

/** Refuses an operation that makes `passes` forward or backward passes over the tape, and says how to ask for less. */
export function checkWork(tape: Tape, passes: number, limits: Limits, howToAskForLess: Localized): void {
  const work = tape.passWork * passes;
  if (work > limits.maxWork) {
    throw overLimit(
      specPath(tape.outputPath),
      { name: 'maxWork', count: work, max: limits.maxWork },
      say(
        `this request needs about ${work} element operations, more than the limit of ${limits.maxWork}: ${howToAskForLess.en}`,
        `esta requisição precisa de cerca de ${work} operações com elementos, mais que o limite de ${limits.maxWork}: ${howToAskForLess['pt-BR']}`,
      ),
    );
  }
}

/** Refuses a response that would carry more than `maxResponseValues` numbers, before computing it. */
export function checkResponseSize(tape: Tape, values: number, limits: Limits, howToAskForLess: Localized): void {
  if (values > limits.maxResponseValues) {
    throw overLimit(
      specPath(tape.outputPath),
      { name: 'maxResponseValues', count: values, max: limits.maxResponseValues },
      say(
        `the response would carry ${values} numbers, more than the limit of ${limits.maxResponseValues}: ${howToAskForLess.en}`,
        `a resposta teria ${values} números, mais que o limite de ${limits.maxResponseValues}: ${howToAskForLess['pt-BR']}`,
      ),
    );
  }
}

/**
 * Bytes of one number as JSON with the comma after it, at most: a float64 is at most 25
 * characters (`-0.0000012345678901234567`, `-2.2250738585072014e-308`), a non-finite one a string
 * (`"-Infinity"`).
 */
export const NUMBER_BYTES = 26;

/** The message of a response over `maxResponseBytes`, estimated (`about`) or measured. */
export const responseBytesMessage = (
  bytes: number,
  limit: number,
  howToAskForLess: Localized,
  about = true,
): Localized =>
  say(
    `the response would be ${about ? 'about ' : ''}${bytes} bytes, more than the limit of ${limit}: ${howToAskForLess.en}`,
    `a resposta teria ${about ? 'cerca de ' : ''}${bytes} bytes, mais que o limite de ${limit}: ${howToAskForLess['pt-BR']}`,
  );

/** Refuses a response estimated at more than `maxResponseBytes` bytes, before computing it, and says how to ask for less. */
export function checkResponseBytes(tape: Tape, bytes: number, limits: Limits, howToAskForLess: Localized): void {
  if (bytes > limits.maxResponseBytes) {
    const limit: OverLimit = { name: 'maxResponseBytes', count: bytes, max: limits.maxResponseBytes };
    throw overLimit(
      specPath(tape.outputPath),
      limit,
      responseBytesMessage(bytes, limits.maxResponseBytes, howToAskForLess),
    );
  }
}
