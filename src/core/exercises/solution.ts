/**
 * The worked solution of an exercise: the explanation of its problem (src/core/explain), the
 * same one POST /v1/explain gives, with the update of the params its `step(...)` keys ask for
 * and the finite-difference check of those its `fd(...)` keys ask for.
 */
import { explain } from '../explain/index.js';
import type { Prose } from './format.js';
import type { Solved } from './solve.js';
import type { Template } from './template.js';
import { roundingNote } from './words.js';

/** The ids of the keys written `name(dL/dID)` or `name(ID)`: `step(w)` -> w, `fd(dL/db)` -> b. */
const idsOf = (keys: readonly string[], name: string): string[] =>
  keys.flatMap((key) => {
    const m = new RegExp(`^${name}\\((?:d\\w+/d)?(\\w+)\\)$`).exec(key);
    return m ? [m[1]] : [];
  });

export function workedSolution(template: Template, s: Solved, p: Prose): string {
  const update = idsOf(template.answerKeys, 'step');
  const checked = idsOf(template.answerKeys, 'fd');
  const explanation = explain(s.graph, p.locale, {
    learningRate: update.length ? s.problem.learningRate : undefined,
    update,
    gradcheck: checked.length ? { epsilon: s.problem.epsilon!, wrt: checked } : undefined,
    markdown: { heading: 4, closing: roundingNote(p) },
  });
  return `### ${p.t('Solution', 'Solução')}\n\n${explanation.markdown}`;
}
