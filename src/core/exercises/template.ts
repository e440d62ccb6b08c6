/** What a layer template provides (the others are authored exercises: catalog/), and the limits of drawing numbers. */
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

/** Draws before a layer template's fallback, or an authored exercise's 422 (catalog/index.ts estimates the chance for the templates). */
export const MAX_DRAWS = 200;

/** The learning rates exercises use: round numbers a student can multiply by hand. */
export const LEARNING_RATES = [0.1, 0.5, 0.05] as const;
