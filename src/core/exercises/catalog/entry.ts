/** A template of the catalogue: an authored exercise kept as data, with the id, title and description it is listed by. */
import type { z } from 'zod';
import type { AuthoredExercise } from '../../../schemas/authored.js';
import type { Localized } from '../../../text.js';
import { LEARNING_RATES as TEMPLATE_RATES } from '../template.js';

export interface CatalogueEntry {
  /** kebab-case, stable: clients store (template, seed) pairs, and the id names the generator (seededRng(id, seed)). */
  id: string;
  title: Localized;
  description: Localized;
  /** Written as an instructor would send it to POST /v1/exercises; the catalogue test parses it with the schema. */
  exercise: z.input<typeof AuthoredExercise>;
}

/** The learning rates every template draws from (template.ts), as a value source. */
export const LEARNING_RATES = { choices: [...TEMPLATE_RATES] };
