/**
 * The worked solution of an exercise: the explanation of its problem (src/core/explain), the
 * same one POST /v1/explain gives, with the update of the params its `step(...)` keys ask for
 * and the finite-difference check of those its `fd(...)` keys ask for.
 */
import { say } from '../../text.js';
import { explain } from '../explain/index.js';
import { parseKey } from '../grading/keys.js';
import type { Prose } from './format.js';
import type { Solved } from './solve.js';
import type { Template } from './template.js';
import { roundingNote } from './words.js';

/** The explainer writes plain SGD steps: another optimizer's update is left to the answers. */
const plainSgd = (s: Solved): boolean =>
  !s.problem.optimizer || (s.problem.optimizer.name === 'sgd' && !s.problem.optimizer.momentum);

export function workedSolution(template: Pick<Template, 'answerKeys'>, s: Solved, p: Prose): string {
  const targets = template.answerKeys.map((key) => parseKey(s.graph, key));
  const idOf = (slot: number): string => s.graph.ids[slot]!;
  // The params of the `step(w)` keys, and the leaves the `fd(dL/dw)` keys nudge.
  const update = plainSgd(s) ? targets.flatMap((t) => (t.kind === 'step' ? [idOf(t.slot)] : [])) : [];
  const checked = targets.flatMap((t) => (t.kind === 'fd' ? [idOf(t.wrt)] : []));
  const explanation = explain(s.graph, p.locale, {
    learningRate: update.length ? s.problem.learningRate : undefined,
    update,
    gradcheck: checked.length ? { epsilon: s.problem.epsilon!, wrt: checked } : undefined,
    markdown: { heading: 4, closing: roundingNote(p) },
  });
  return `### ${say('Solution', 'Solução')[p.locale]}\n\n${explanation.markdown}`;
}
