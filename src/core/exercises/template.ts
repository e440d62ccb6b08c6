/** What every exercise template provides, and the limits of drawing its numbers. */
import type { Localized, Prose } from './format.js';
import type { Rng } from './random.js';
import type { ExerciseSpec, Solved } from './solve.js';

export interface Template {
  /** kebab-case, stable: clients store (template, seed) pairs. */
  id: string;
  title: Localized;
  description: Localized;
  answerKeys: readonly string[];
  /** Fresh numbers: one draw, which `readable` may refuse. */
  draw(rng: Rng): ExerciseSpec;
  /** Whether the numbers make a fair exercise: nothing saturated, nothing on a kink, a loss that is not ~0. */
  readable(solved: Solved): boolean;
  /** A draw known to be readable, used when the bounded redraws all fail. */
  fallback: ExerciseSpec;
  /** Markdown: the numbers and each key to compute. (The worked solution is the explainer's: solution.ts.) */
  statement(solved: Solved, p: Prose): string;
}

/** Draws before the fallback. The strictest rules (relu's active side) refuse about 3 draws in 5, so all 200 fail with probability below 1e-40. */
export const MAX_DRAWS = 200;

/** The learning rates exercises use: round numbers a student can multiply by hand. */
export const LEARNING_RATES = [0.1, 0.5, 0.05] as const;

/** The scalar value of an id (neuron templates are scalar throughout). */
export const num = (s: Solved, id: string): number => s.value(id).data[0];
