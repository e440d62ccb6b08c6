import { quote, say } from '../text.js';
import { specError } from '../engine/errors.js';
import { type Tape, reportOrder, slotOf } from '../engine/tape.js';

/** The slots a response reports: every leaf and node, or only the ids of `include`. */
export function reportedSlots(tape: Tape, include: readonly string[] | undefined): number[] {
  if (!include) return reportOrder(tape);
  return include.map((id, i) => {
    const slot = slotOf(tape, id);
    if (slot === undefined) {
      throw specError(
        'UNKNOWN_ID',
        `include[${i}]`,
        say(
          `unknown id '${quote(id)}': not an input, a param or a node`,
          `id desconhecido '${quote(id)}': não é uma entrada, um parâmetro nem um nó`,
        ),
      );
    }
    return slot;
  });
}

export const ASK_FOR_LESS_VALUES = say(
  'list the ids you need in `include` (for example the output and the params), or send a smaller graph',
  'liste em `include` os ids de que precisa (por exemplo a saída e os parâmetros), ou envie um grafo menor',
);

export const ASK_FOR_SMALLER_GRAPH = say('send a smaller graph', 'envie um grafo menor');
