/**
 * Practice: the answers hidden, each step's formula shown with a field for the student's own
 * number (a decimal comma in pt-BR is read by the service), graded by POST /v1/grade with every
 * answer typed so far, so that follow-through and diagnoses work as they do for an LMS. A step's
 * worked line is shown only when the student asks for it.
 */
import type { Locale } from '../../src/text.js';
import { type Step, typeset } from './explanation.js';
import { word } from './language.js';

/** One result of POST /v1/grade (docs/api.md §5), the fields the page shows. */
export interface GradedAnswer {
  key: string;
  correct: boolean;
  credit: number;
  feedback: string;
  followThrough: boolean;
  diagnosis: string | null;
}

/** Adds to each step item its formula alone and its answer form (once; they stay hidden outside practice). */
export function addPractice(items: HTMLLIElement[], steps: Step[], locale: Locale): void {
  items.forEach((item, index) => {
    if (item.querySelector('.practice')) return;
    const step = steps[index];
    const formula = typeset(step.formula.latex, step.formula.text);
    formula.classList.add('formula-only');
    const form = document.createElement('form');
    form.className = 'practice';
    const id = `answer-${index}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = `${step.key} =`;
    const input = document.createElement('input');
    input.id = id;
    input.className = 'answer';
    input.inputMode = 'decimal';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.dataset.key = step.key;
    const check = document.createElement('button');
    check.type = 'submit';
    check.textContent = word(locale, 'check');
    const reveal = document.createElement('button');
    reveal.type = 'button';
    reveal.className = 'secondary reveal';
    reveal.textContent = word(locale, 'reveal');
    reveal.setAttribute('aria-describedby', id);
    const feedback = document.createElement('p');
    feedback.className = 'feedback';
    feedback.id = `${id}-feedback`;
    feedback.setAttribute('aria-live', 'polite');
    input.setAttribute('aria-describedby', feedback.id);
    form.append(label, input, check, reveal, feedback);
    item.prepend(formula);
    item.append(form);
  });
}

/**
 * An answer as typed, for the service to read (a decimal comma, a fraction, an exponent: docs/api.md
 * §5); a tensor typed as a JSON list (`[0.1, −0.2]`) is sent as that list.
 */
function answerOf(typed: string): unknown {
  const text = typed.trim();
  if (!text.startsWith('[')) return text;
  try {
    return JSON.parse(text.replace(/\u2212/g, '-'));
  } catch {
    return text;
  }
}

/** Every answer typed, by key; the one just checked wins over another field of the same key. */
export function answersTyped(list: HTMLElement, checked?: HTMLInputElement): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const input of list.querySelectorAll<HTMLInputElement>('input.answer')) {
    if (input.value.trim() !== '' && input !== checked) answers[input.dataset.key!] = answerOf(input.value);
  }
  if (checked && checked.value.trim() !== '') answers[checked.dataset.key!] = answerOf(checked.value);
  return answers;
}

/** The answers as typed, by field, to put back when the same steps are shown again (in another language). */
export function typedByField(list: HTMLElement): Map<string, string> {
  return new Map([...list.querySelectorAll<HTMLInputElement>('input.answer')].map((input) => [input.id, input.value]));
}

export function retype(list: HTMLElement, typed: Map<string, string>): void {
  for (const input of list.querySelectorAll<HTMLInputElement>('input.answer')) input.value = typed.get(input.id) ?? '';
}

/** Shows each result at the fields of its key that hold an answer. */
export function showGrades(list: HTMLElement, results: GradedAnswer[], locale: Locale): void {
  for (const result of results) {
    for (const input of list.querySelectorAll<HTMLInputElement>('input.answer')) {
      if (input.dataset.key !== result.key || input.value.trim() === '') continue;
      const item = input.closest<HTMLElement>('.step')!;
      item.dataset.graded = result.correct ? 'correct' : 'wrong';
      const feedback = item.querySelector<HTMLElement>('.feedback')!;
      feedback.textContent = `${word(locale, result.correct ? 'right' : 'wrong')} ${result.feedback}`;
    }
  }
}
