/**
 * The graph form's fields: the graph written in the tutorial's notation (statements, inputs,
 * params) or as a JSON spec, and the learning rate. Filled from a preset, an exercise's problem
 * or a shared URL; read into the spec the service is sent, each slip named at its field.
 */
import type { Locale } from '../../src/text.js';
import { word } from './language.js';
import { WORKED_EXAMPLE, writeSpec } from './presets.js';
import { showAtField } from './problems.js';
import type { Shared } from './share.js';
import { readLeaves, readNumber, writeLeaves, writeNumber } from './values.js';

export type Mode = 'notation' | 'json';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const expr = byId<HTMLTextAreaElement>('expr');
const inputs = byId<HTMLInputElement>('inputs');
const params = byId<HTMLInputElement>('params');
const spec = byId<HTMLTextAreaElement>('spec');
const learningRate = byId<HTMLInputElement>('learning-rate');
const modes = () => document.querySelectorAll<HTMLInputElement>('input[name="mode"]');

export const mode = (): Mode => ([...modes()].find((radio) => radio.checked)?.value as Mode) ?? 'notation';

export function setMode(next: Mode): void {
  for (const radio of modes()) radio.checked = radio.value === next;
  byId('notation-fields').hidden = next !== 'notation';
  byId('json-fields').hidden = next !== 'json';
}

export function fillExample(locale: Locale): void {
  setMode('notation');
  expr.value = WORKED_EXAMPLE.expr;
  inputs.value = writeLeaves(WORKED_EXAMPLE.inputs, locale);
  params.value = writeLeaves(WORKED_EXAMPLE.params, locale);
  learningRate.value = writeNumber(WORKED_EXAMPLE.learningRate, locale);
}

export const fillJson = (given: object): void => {
  setMode('json');
  spec.value = writeSpec(given);
};

/** A spec into the fields: a graph in the notation with scalar leaves into the notation's, any other as JSON. */
export function fillSpec(given: Record<string, unknown>, locale: Locale): void {
  const graph = given.graph as Record<string, unknown> | undefined;
  const scalars = (leaves: unknown) => Object.values((leaves ?? {}) as object).every((v) => typeof v === 'number');
  if (!graph || typeof graph.expr !== 'string' || !scalars(graph.inputs) || !scalars(graph.params)) {
    fillJson(given);
    return;
  }
  setMode('notation');
  expr.value = graph.expr.replace(/;\s*/g, '\n');
  inputs.value = writeLeaves((graph.inputs ?? {}) as Record<string, number>, locale);
  params.value = writeLeaves((graph.params ?? {}) as Record<string, number>, locale);
}

export const fillLearningRate = (rate: number, locale: Locale): void => {
  learningRate.value = writeNumber(rate, locale);
};

/** The fields as a shared URL holds them (an exercise is opened by its seed instead). */
export function fillShared(shared: Exclude<Shared, { kind: 'exercise' }>, locale: Locale): void {
  setMode(shared.kind);
  if (shared.kind === 'notation') {
    expr.value = shared.expr;
    inputs.value = shared.inputs;
    params.value = shared.params;
  } else spec.value = shared.spec;
  learningRate.value = shared.lr || writeNumber(WORKED_EXAMPLE.learningRate, locale);
}

/** The fields as a URL shares them. */
export function sharedFields(): Shared {
  if (mode() === 'json') return { kind: 'json', spec: spec.value, lr: learningRate.value };
  return { kind: 'notation', expr: expr.value, inputs: inputs.value, params: params.value, lr: learningRate.value };
}

/** The spec from the fields, or the first field in error named there. */
function readSpec(locale: Locale): object | undefined {
  if (mode() === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(spec.value);
    } catch (error) {
      showAtField('spec', word(locale, 'specInvalid') + (error as Error).message);
      return undefined;
    }
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
    showAtField('spec', word(locale, 'specNotObject'));
    return undefined;
  }
  const readInputs = readLeaves(inputs.value);
  const readParams = readLeaves(params.value);
  if (!readInputs.ok) showAtField('inputs', readInputs.message[locale]);
  if (!readParams.ok) showAtField('params', readParams.message[locale]);
  if (!readInputs.ok || !readParams.ok) return undefined;
  return { graph: { inputs: readInputs.leaves, params: readParams.leaves, expr: expr.value } };
}

export interface Fields {
  spec: object;
  learningRate: number;
}

export function readFields(locale: Locale): Fields | undefined {
  const given = readSpec(locale);
  const rate = readNumber(learningRate.value);
  if (!(rate > 0)) showAtField('learning-rate', word(locale, 'learningRateInvalid'));
  return given && rate > 0 ? { spec: given, learningRate: rate } : undefined;
}

/** The numbers typed, written again in another language's way (a decimal comma in pt-BR). */
export function rewriteNumbers(locale: Locale): void {
  const readInputs = readLeaves(inputs.value);
  const readParams = readLeaves(params.value);
  const rate = readNumber(learningRate.value);
  if (readInputs.ok) inputs.value = writeLeaves(readInputs.leaves, locale);
  if (readParams.ok) params.value = writeLeaves(readParams.leaves, locale);
  if (rate > 0) learningRate.value = writeNumber(rate, locale);
}
