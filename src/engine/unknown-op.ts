/** The one message for an op the catalogue lacks, with its nearest names: compile and the expr parser both raise it. */
import { type Localized, quote, say } from '../text.js';
import { nearestOpNames } from './suggest.js';

/**
 * `unknown op 'sigmod' at line 1, column 9; nearest: sigmoid`, where `where` is the op's position
 * in each language, or empty where the error's path says it; the suggestions go in the error's
 * `suggestions` member. The engine names no route: the catalogue is the edge's to point to.
 */
export function unknownOp(name: string, where: Localized): { message: Localized; suggestions: string[] } {
  const suggestions = nearestOpNames(name);
  const nearest = suggestions.join(', ');
  return {
    message: say(
      `unknown op '${quote(name)}'${where.en}${nearest ? `; nearest: ${nearest}` : ''}`,
      `operação desconhecida '${quote(name)}'${where['pt-BR']}${nearest ? `; as mais próximas: ${nearest}` : ''}`,
    ),
    suggestions,
  };
}
