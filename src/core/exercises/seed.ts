/** The seed of an exercise as a request gives it: checked, then the number that stands for it. */
import { specError } from '../../engine/errors.js';
import { say } from '../../text.js';
import { MAX_SEED_LENGTH, seedNumber } from './random.js';

/** A safe integer >= 0, or a string of 1 to MAX_SEED_LENGTH characters (a student id) that stands for seedNumber(seed). */
export function checkedSeed(seed: number | string, path = 'seed'): number {
  if (
    typeof seed === 'string'
      ? seed.length === 0 || seed.length > MAX_SEED_LENGTH
      : !Number.isSafeInteger(seed) || seed < 0
  ) {
    throw specError(
      'INVALID_VALUE',
      path,
      say(
        `must be an integer >= 0 (and at most 2^53 - 1), or a string of 1 to ${MAX_SEED_LENGTH} characters`,
        `deve ser um número inteiro >= 0 (e no máximo 2^53 - 1), ou um texto de 1 a ${MAX_SEED_LENGTH} caracteres`,
      ),
    );
  }
  return seedNumber(seed);
}
