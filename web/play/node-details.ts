/**
 * What the page says of one id when its box is chosen: its value (a leaf's as given, a node's
 * forward step), its local derivatives (each of its args; for a leaf, those of the nodes that use
 * it, with respect to it) and its gradient (the backward step), each the explanation's own line.
 * A part of a statement (`y_hat − y` in `L = 0.5*(y_hat - y)^2`) has no line of its own: the
 * explanation writes it inside its statement's, so those are shown, under its formula.
 */
import type { Locale } from '../../src/text.js';
import { type Step, typeset } from './explanation.js';
import type { BoxChosen } from './picture.js';
import { writeNumber } from './values.js';
import { PHASES, partOf } from './words.js';

export interface Given {
  id: string;
  kind: string;
  value: unknown;
}

function line(step: Step): HTMLElement {
  const item = document.createElement('li');
  item.dataset.key = step.key;
  item.append(typeset(step.latex, step.text));
  return item;
}

function part(title: string, steps: Step[]): HTMLElement[] {
  if (steps.length === 0) return [];
  const heading = document.createElement('h4');
  heading.textContent = title;
  const list = document.createElement('ul');
  list.append(...steps.map(line));
  return [heading, list];
}

export function showNodeDetails(
  panel: HTMLElement,
  box: BoxChosen,
  steps: Step[],
  given: Given[],
  locale: Locale,
): void {
  const heading = document.createElement('h3');
  heading.textContent = box.label;
  heading.tabIndex = -1;
  const parts: HTMLElement[] = [heading];
  const id = box.partOf ?? box.id;
  if (box.partOf !== undefined) {
    const note = document.createElement('p');
    note.className = 'part-of';
    note.textContent = partOf(box.partOf)[locale];
    parts.push(note);
  }
  const leaf = given.find((g) => g.id === id);
  if (leaf) {
    const value = document.createElement('p');
    value.dataset.key = id;
    value.textContent = `${id} = ${typeof leaf.value === 'number' ? writeNumber(leaf.value, locale) : JSON.stringify(leaf.value)}`;
    parts.push(value);
  }
  const forward = steps.filter((s) => s.phase === 'forward' && s.id === id);
  const ownLocal = steps.filter((s) => s.phase === 'local' && s.of === id);
  const local = ownLocal.length > 0 ? ownLocal : steps.filter((s) => s.phase === 'local' && s.wrt === id);
  const backward = steps.filter((s) => s.phase === 'backward' && s.id === id);
  parts.push(
    ...part(PHASES.forward[locale], forward),
    ...part(PHASES.local[locale], local),
    ...part(PHASES.backward[locale], backward),
  );
  panel.replaceChildren(...parts);
  panel.hidden = false;
  heading.focus();
}
