/**
 * A question bank as a PrairieLearn question folder (https://prairielearn.readthedocs.io/en/latest/question/overview/),
 * zipped: `<stem>/info.json`, `<stem>/question.html` and `<stem>/server.py`, to unzip into a course's
 * `questions/` directory. One folder holds every variant: server.py's generate() picks one from
 * PrairieLearn's `variant_seed` and puts its statement, worked solution and expected answers in
 * `data`; question.html shows them and asks each number with a `pl-number-input` whose comparison is
 * the exercise's own tolerance.
 */
import { createHash } from 'node:crypto';
import { say } from '../../../text.js';
import { DEFAULT_TOLERANCE } from '../../defaults.js';
import type { Tolerance } from '../../grading/tolerance.js';
import {
  ANSWERS_HEADING,
  type Bank,
  type ExportedVariant,
  answerElements,
  escapeXml,
  htmlOf,
  numberText,
  titleOf,
  zipOf,
} from './common.js';
import { type ServerVariant, serverPy } from './prairielearn-server-py.js';

const TOPIC = say('Backpropagation', 'Retropropagação');

/** JSON with every object's keys sorted: the same exercise, however its keys were ordered, hashes the same. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/**
 * The question's UUID, which PrairieLearn keys its records by: v4-shaped (version and variant bits
 * set) from a SHA-256 of the exercise, the seeds and the language, so that exporting the same bank
 * again updates the question instead of adding a second one, and another bank never collides with it.
 */
function questionUuid(variants: readonly ExportedVariant[], bank: Bank): string {
  const request = canonicalJson({ exercise: bank.exercise, seeds: variants.map((v) => v.seed), locale: bank.locale });
  const bytes = createHash('sha256').update(`prairielearn:${request}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function infoJson(variants: readonly ExportedVariant[], bank: Bank): string {
  const info = {
    uuid: questionUuid(variants, bank),
    title: titleOf(variants[0].statement),
    topic: TOPIC[bank.locale],
    tags: ['gradient-service', bank.locale],
    type: 'v3',
    gradingMethod: 'Internal',
    singleVariant: false,
    partialCredit: true,
  };
  return `${JSON.stringify(info, null, 2)}\n`;
}

/**
 * pl-number-input's comparison for the exercise's tolerance, each as PrairieLearn grades it
 * (prairielearn/grading_utils.py): `relabs` is numpy's allclose, |s - e| <= atol + rtol·|e|, as
 * {rtol, atol} (both written: PrairieLearn's own defaults, rtol 1e-2 and atol 1e-8, are not ours);
 * `sigfig` and `decdig` with `digits` are the widths {sigfigs} and {decimals} stand for.
 */
function comparison(tolerance: Tolerance): string {
  if ('sigfigs' in tolerance) return `comparison="sigfig" digits="${tolerance.sigfigs}"`;
  if ('decimals' in tolerance) return `comparison="decdig" digits="${tolerance.decimals}"`;
  const rtol = tolerance.rtol ?? DEFAULT_TOLERANCE.rtol;
  const atol = tolerance.atol ?? DEFAULT_TOLERANCE.atol;
  return `comparison="relabs" rtol="${numberText(rtol)}" atol="${numberText(atol)}"`;
}

/**
 * An attribute whose value PrairieLearn renders as HTML (pl-number-input's `label` goes into its
 * template as `{{{label}}}`): the text escaped for HTML, then that HTML escaped for the attribute,
 * and braces as character references, since question.html passes through Mustache before any
 * element reads it.
 */
const htmlAttribute = (text: string): string =>
  escapeXml(escapeXml(text)).replace(/[{}]/g, (c) => (c === '{' ? '&#123;' : '&#125;'));

/** A variant's answer elements: each input's name (`a1`, `a2`, … valid in any language), label and key. */
const inputsOf = (variant: ExportedVariant) =>
  answerElements(variant).map((element, i) => ({ ...element, name: `a${i + 1}` }));

/** The labels of a variant's inputs, one line: variants with the same line share their inputs. */
const layoutOf = (variant: ExportedVariant): string => JSON.stringify(inputsOf(variant).map((e) => e.label));

function numberInputs(variant: ExportedVariant): string {
  const attributes = comparison(variant.problem.tolerance ?? DEFAULT_TOLERANCE);
  return inputsOf(variant)
    .map(
      ({ name, label }) =>
        `  <pl-number-input answers-name="${name}" label="${htmlAttribute(label)}" ${attributes} display="block"></pl-number-input>`,
    )
    .join('\n');
}

/**
 * The question: the variant's statement (HTML from htmlOf, in `params`, shown raw by the triple
 * Mustache), one input per number, the service's overall feedback when grade() got one, and the
 * worked solution in the answer panel. When variants differ in their inputs (an authored choice of
 * tensors of different shapes), each set of inputs is a Mustache section that only its variants open.
 */
function questionHtml(layouts: readonly ExportedVariant[], bank: Bank): string {
  const inputs =
    layouts.length === 1
      ? numberInputs(layouts[0])
      : layouts.map((v, k) => `{{#params.layout_${k}}}\n${numberInputs(v)}\n{{/params.layout_${k}}}`).join('\n');
  return [
    '<pl-question-panel>',
    '  {{{params.statement}}}',
    `  <p><strong>${ANSWERS_HEADING[bank.locale]}</strong></p>`,
    '</pl-question-panel>',
    '',
    inputs,
    '',
    '{{#feedback.service}}',
    '<pl-submission-panel>',
    '  <p>{{feedback.service}}</p>',
    '</pl-submission-panel>',
    '{{/feedback.service}}',
    '',
    '<pl-answer-panel>',
    '  {{{params.solution}}}',
    '</pl-answer-panel>',
    '',
  ].join('\n');
}

/** The zip: one question folder, named after the bank's stem. */
export function prairieLearn(variants: readonly ExportedVariant[], bank: Bank): Uint8Array {
  const layoutIndex = new Map<string, number>();
  const layouts: ExportedVariant[] = [];
  for (const variant of variants) {
    const layout = layoutOf(variant);
    if (!layoutIndex.has(layout)) layoutIndex.set(layout, layouts.push(variant) - 1);
  }
  const table: ServerVariant[] = variants.map((variant) => ({
    seed: variant.seed,
    statement: htmlOf(variant.statement),
    solution: htmlOf(variant.solution),
    layout: layoutIndex.get(layoutOf(variant))!,
    correctAnswers: Object.fromEntries(inputsOf(variant).map((e) => [e.name, e.value])),
  }));
  const inputKeys = layouts.map((v) => inputsOf(v).map(({ name, key, index }) => ({ name, key, index })));
  return zipOf({
    [`${bank.stem}/info.json`]: infoJson(variants, bank),
    [`${bank.stem}/question.html`]: questionHtml(layouts, bank),
    [`${bank.stem}/server.py`]: serverPy(table, inputKeys, bank),
  });
}
