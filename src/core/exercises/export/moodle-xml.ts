/**
 * A question bank in Moodle XML (https://docs.moodle.org/en/Moodle_XML_format): a `<quiz>` of one
 * cloze (multianswer) question per variant, every answer key embedded in the question text as
 * `{1:NUMERICAL:=value:tolerance}`, the worked solution as general feedback. The elements written
 * are the ones Moodle's importer reads for a cloze question (question/format/xml/format.php,
 * readquestions and import_multianswer): `question@type`, `name/text`, `questiontext@format` and
 * its `text`, `generalfeedback@format` and its `text`, `penalty`, `hidden`.
 */
import type { Locale } from '../format.js';
import {
  ANSWERS_HEADING,
  type ExportedVariant,
  answerElements,
  cdata,
  escapeXml,
  htmlOf,
  numberText,
  variantName,
} from './common.js';

/**
 * HTML with its braces as character references: Moodle reads every `{...}` of a cloze question's
 * text as a possible embedded answer, so no brace of the statement may be taken for one.
 */
const bracesEscaped = (html: string): string => html.replace(/[{}]/g, (c) => (c === '{' ? '&#123;' : '&#125;'));

/**
 * An embedded numerical answer. Moodle accepts a response r when |r - value| <= tolerance, an
 * absolute tolerance: the element's own width (common.ts), so the same answers pass.
 */
const embedded = (value: number, tolerance: number): string =>
  `{1:NUMERICAL:=${numberText(value)}:${numberText(tolerance)}}`;

function questionText(variant: ExportedVariant, locale: Locale): string {
  const items = answerElements(variant).map(
    ({ label, value, tolerance }) => `<li><code>${escapeXml(label)}</code> = ${embedded(value, tolerance)}</li>`,
  );
  const statement = bracesEscaped(htmlOf(variant.statement));
  return `${statement}<p><strong>${ANSWERS_HEADING[locale]}</strong></p>\n<ul>\n${items.join('\n')}\n</ul>\n`;
}

function question(variant: ExportedVariant, locale: Locale): string {
  const solution = bracesEscaped(htmlOf(variant.solution));
  return [
    '  <question type="cloze">',
    `    <name><text>${escapeXml(variantName(variant, locale))}</text></name>`,
    `    <questiontext format="html"><text>${cdata(questionText(variant, locale))}</text></questiontext>`,
    `    <generalfeedback format="html"><text>${cdata(solution)}</text></generalfeedback>`,
    '    <penalty>0.3333333</penalty>',
    '    <hidden>0</hidden>',
    '  </question>',
  ].join('\n');
}

/** The file: one cloze question per variant, in the order given. */
export const moodleXml = (variants: readonly ExportedVariant[], locale: Locale): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n${variants.map((v) => question(v, locale)).join('\n')}\n</quiz>\n`;
