/**
 * The catalogue: the templates that are authored exercises kept as data, drawn by the one
 * generator (authored/index.ts) with seededRng(id, seed), in the order GET /v1/exercises/templates
 * lists them (the layer templates of ../templates.ts follow).
 *
 * There is no fallback: a draw is refused with probability about 0.60 at most (neuron-relu's
 * active side, the strictest, measured over 5,000 seeds; network-2-2-1 0.45, the others 0.06 to
 * 0.23), so all MAX_DRAWS = 200 fail, a 422 instead of an exercise, with probability below
 * 0.61^200 ≈ 1e-43 per seed.
 */
import type { CatalogueEntry } from './entry.js';
import { finiteDifferenceEntry } from './finite-difference.js';
import { networkEntry } from './network.js';
import { neuronEntries } from './neurons.js';

export type { CatalogueEntry } from './entry.js';

export const catalogue: readonly CatalogueEntry[] = [...neuronEntries, networkEntry, finiteDifferenceEntry];
