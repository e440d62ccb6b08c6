/**
 * The service's problems (RFC 9457, docs/api.md §6) shown where they belong: each of `errors[]`
 * at the field its `path` names, and an error in the statements at its line and column (the
 * service writes "line 1, column 7" / "linha 1, coluna 7" in its message), with that line
 * quoted and a caret under the column, and the text selected there.
 */
import type { Problem } from './api.js';
import { jsonPlaces, lineAndColumn } from './json-places.js';

/**
 * The page's fields, by the start of the path the service names, for a graph in the notation and
 * for a spec in JSON; anything else is shown above them.
 */
const FIELDS: Record<'notation' | 'json', [RegExp, string][]> = {
  notation: [
    [/^graph\.expr\b/, 'expr'],
    [/^graph\.inputs\b/, 'inputs'],
    [/^graph\.params\b/, 'params'],
    [/^learningRate\b/, 'learning-rate'],
  ],
  json: [
    [/^(graph|neuron|network)\b/, 'spec'],
    [/^learningRate\b/, 'learning-rate'],
  ],
};
const EVERY_FIELD = ['expr', 'inputs', 'params', 'spec', 'learning-rate'];

/** How the service names an unknown field (docs/api.md §6), in each language. */
const UNKNOWN_FIELD = /(?:unknown field|campo desconhecido) '([^']+)'/;

const POSITION = /\b(?:line|linha) (\d+), (?:column|coluna) (\d+)/;

export interface Place {
  line: number;
  column: number;
}

export function placeIn(message: string): Place | undefined {
  const m = POSITION.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

export function clearProblems(general: HTMLElement): void {
  general.replaceChildren();
  general.hidden = true;
  for (const id of EVERY_FIELD) showAtField(id, undefined);
}

/** A message under a field (none: cleared), tied to it by aria-describedby and aria-invalid. */
export function showAtField(id: string, message: string | undefined, excerpt?: string): void {
  const field = document.getElementById(id);
  const slot = document.getElementById(`${id}-error`);
  if (!field || !slot) return;
  field.toggleAttribute('aria-invalid', message !== undefined);
  slot.hidden = message === undefined;
  slot.replaceChildren();
  if (message === undefined) return;
  const text = document.createElement('span');
  text.textContent = message;
  slot.append(text);
  if (excerpt !== undefined) {
    const pre = document.createElement('pre');
    pre.className = 'excerpt';
    pre.textContent = excerpt;
    slot.append(pre);
  }
}

/** The line the place is on, and a caret under its column. */
function excerptAt(text: string, place: Place): string | undefined {
  const line = text.split('\n')[place.line - 1];
  if (line === undefined) return undefined;
  return `${line}\n${' '.repeat(Math.max(0, place.column - 1))}^`;
}

/** Selects the character at `place` in the textarea (and focuses it when asked). */
export function selectPlace(area: HTMLTextAreaElement, place: Place, focus: boolean): void {
  const lines = area.value.split('\n');
  let offset = 0;
  for (let i = 0; i < place.line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset = Math.min(area.value.length, offset + place.column - 1);
  if (focus) area.focus();
  area.setSelectionRange(offset, Math.min(area.value.length, offset + 1));
}

/** A place in one of the two texts: the statements, or the spec in JSON. */
export interface FieldPlace extends Place {
  field: 'expr' | 'spec';
}

/** Where an error is in its field's text: the line and column the service wrote, or the path's place in the JSON. */
function placeOf(field: string, error: { path: string; message: string }): FieldPlace | undefined {
  if (field === 'expr') {
    const place = placeIn(error.message);
    return place && { field, ...place };
  }
  if (field !== 'spec') return undefined;
  const text = (document.getElementById('spec') as HTMLTextAreaElement).value;
  let places: Map<string, number>;
  try {
    places = jsonPlaces(text);
  } catch {
    return undefined;
  }
  // An unknown field is named in the message, its object by the path: the field's own place first.
  const unknown = UNKNOWN_FIELD.exec(error.message)?.[1];
  const own = unknown !== undefined ? places.get(error.path === '' ? unknown : `${error.path}.${unknown}`) : undefined;
  if (own !== undefined) return { field, ...lineAndColumn(text, own) };
  // The path itself, or the nearest of its parents the text has (a missing field: its object).
  for (let path = error.path; path !== ''; path = path.replace(/(\.[^.[]*|\[\d+\])$/, '')) {
    const offset = places.get(path);
    if (offset !== undefined) return { field, ...lineAndColumn(text, offset) };
    if (!/[.[]/.test(path)) break;
  }
  return undefined;
}

/**
 * Shows a problem at its fields, each error under the field its path names (with the path, for
 * a spec in JSON) and quoted at its place; what names no field goes into `general`. Returns the
 * first place found, to select in its text.
 */
export function showProblem(
  problem: Problem,
  mode: 'notation' | 'json',
  general: HTMLElement,
  fallback: string,
): FieldPlace | undefined {
  const errors = problem.errors?.length ? problem.errors : [{ path: '', message: problem.detail ?? fallback }];
  let first: FieldPlace | undefined;
  const unplaced: string[] = [];
  const byField = new Map<string, { messages: string[]; excerpt?: string }>();
  for (const error of errors) {
    const field = FIELDS[mode].find(([path]) => path.test(error.path))?.[1];
    if (!field) {
      unplaced.push(error.path ? `${error.path}: ${error.message}` : error.message);
      continue;
    }
    const place = placeOf(field, error);
    const shown = byField.get(field) ?? { messages: [] };
    shown.messages.push(field === 'spec' ? `${error.path}: ${error.message}` : error.message);
    if (place && shown.excerpt === undefined) {
      shown.excerpt = excerptAt((document.getElementById(field) as HTMLTextAreaElement).value, place);
    }
    byField.set(field, shown);
    first ??= place;
  }
  for (const [field, shown] of byField) showAtField(field, shown.messages.join('\n'), shown.excerpt);
  if (unplaced.length > 0) {
    const title = document.createElement('strong');
    title.textContent = problem.title ?? '';
    const list = document.createElement('ul');
    for (const message of unplaced) {
      const item = document.createElement('li');
      item.textContent = message;
      list.append(item);
    }
    general.replaceChildren(...(problem.title ? [title] : []), list);
    general.hidden = false;
  }
  return first;
}
