/**
 * The explanation of POST /v1/explain, step by step or all at once: each step's LaTeX typeset by
 * KaTeX (into DOM nodes, so that the page's Content-Security-Policy needs no inline style), its
 * note in words, and for a backward step with several uses, each incoming contribution.
 */
import katex from 'katex';
import type { Locale } from '../../src/text.js';
import type { Given } from './node-details.js';
import { roundNumber } from './values.js';
import { PHASES, WORDS } from './words.js';

/** A step as docs/api.md describes POST /v1/explain's `steps` (the fields the page shows). */
export interface Step {
  phase: string;
  key: string;
  id: string;
  formula: { text: string; latex: string };
  latex: string;
  text: string;
  value: unknown;
  note?: string;
  /** A local step's node and the arg it is taken with respect to. */
  of?: string;
  wrt?: string;
  incoming?: { from: string; gradient: unknown; local?: unknown; contribution: unknown }[];
}

export interface Explanation {
  locale: Locale;
  given: Given[];
  steps: Step[];
}

/** Typesets one formula; a formula KaTeX cannot read is shown as its text, never as an error. */
export function typeset(latex: string, fallback: string): HTMLElement {
  const span = document.createElement('span');
  span.className = 'formula';
  try {
    katex.render(latex, span, { throwOnError: true, output: 'htmlAndMathml' });
  } catch {
    span.textContent = fallback;
  }
  return span;
}

/**
 * A gradient summed over several uses, one line per use: the gradient arriving from that node
 * times its local derivative, and the contribution (tensors: their exact numbers are in `value`).
 */
function contributions(step: Step, locale: Locale): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'incoming';
  list.setAttribute('aria-label', WORDS.contributions[locale]);
  const number = (n: unknown) => (typeof n === 'number' ? roundNumber(n, locale) : '…');
  for (const use of step.incoming!) {
    const entry = document.createElement('li');
    entry.dataset.from = use.from;
    entry.dataset.contribution = JSON.stringify(use.contribution);
    const product = use.local === undefined ? '' : `${number(use.gradient)} · ${number(use.local)} = `;
    entry.textContent = `${WORDS.from[locale]} ${use.from}: ${product}${number(use.contribution)}`;
    list.append(entry);
  }
  return list;
}

function stepItem(step: Step, index: number, locale: Locale): HTMLLIElement {
  const item = document.createElement('li');
  item.className = `step step-${step.phase}`;
  item.dataset.index = String(index);
  item.dataset.key = step.key;
  item.dataset.id = step.id;
  item.dataset.value = JSON.stringify(step.value);
  const worked = typeset(step.latex, step.text);
  worked.classList.add('worked');
  item.append(worked);
  if (step.incoming && step.incoming.length > 1) item.append(contributions(step, locale));
  if (step.note) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = step.note;
    item.append(note);
  }
  return item;
}

/** Writes the steps into `list`, under a heading per phase; returns the step items in order. */
export function showExplanation(list: HTMLElement, explanation: Explanation): HTMLLIElement[] {
  const items: HTMLLIElement[] = [];
  const fragment = document.createDocumentFragment();
  let phase = '';
  let group: HTMLOListElement | undefined;
  explanation.steps.forEach((step, index) => {
    if (step.phase !== phase || !group) {
      phase = step.phase;
      const section = document.createElement('li');
      section.className = 'phase';
      section.dataset.phase = phase;
      const heading = document.createElement('h3');
      heading.textContent = PHASES[phase]?.[explanation.locale] ?? phase;
      group = document.createElement('ol');
      group.className = 'steps';
      section.append(heading, group);
      fragment.append(section);
    }
    const item = stepItem(step, index, explanation.locale);
    group.append(item);
    items.push(item);
  });
  list.replaceChildren(fragment);
  return items;
}

/** Shows the steps up to `last` (all of them: steps.length - 1) and the phases that hold them. */
export function revealUpTo(items: HTMLLIElement[], last: number): void {
  items.forEach((item, index) => {
    item.hidden = index > last;
  });
  for (const phase of new Set(items.map((item) => item.closest<HTMLElement>('.phase')!))) {
    phase.hidden = [...phase.querySelectorAll<HTMLElement>('.step')].every((item) => item.hidden);
  }
}
