/**
 * A question bank in Moodle XML (https://docs.moodle.org/en/Moodle_XML_format): a `<quiz>` of one
 * cloze (multianswer) question per variant, every answer key embedded in the question text as
 * `{1:NUMERICAL:=value:tolerance}`, the worked solution as general feedback. The elements written
 * are the ones Moodle's importer reads for a cloze question (question/format/xml/format.php,
 * readquestions and import_multianswer): `question@type`, `name/text`, `questiontext@format` and
 * its `text`, `generalfeedback@format` and its `text`, `penalty`, `hidden`.
 */
import { Marked } from 'marked';
import { type Localized, say } from '../../../text.js';
import { DEFAULT_TOLERANCE } from '../../defaults.js';
import { type Tolerance, allowance } from '../../grading/tolerance.js';
import type { Locale } from '../format.js';
import type { AnswerValue } from '../solve.js';

/** One variant as POST /v1/exercises answers it: what the question is written from. */
export interface ExportedVariant {
  seed: number | string;
  statement: string;
  answerKeys: readonly string[];
  answers: Record<string, AnswerValue>;
  solution: string;
  problem: { tolerance?: Tolerance };
}

/** Text in an XML element or attribute: `&`, `<`, `>` and both quotes as entities. */
export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

/** HTML kept as it is in a CDATA section; a `]]>` inside it is split across two sections, as it cannot occur in one. */
export const cdata = (html: string): string => `<![CDATA[${html.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/**
 * Markdown to HTML, HTML written in the Markdown included: an author's `<tanh>` or `a<b` is text to
 * show, not markup for the LMS to run.
 */
const markdown = new Marked({
  renderer: {
    html: ({ text }) => escapeXml(text),
  },
});

/**
 * Markdown as HTML, with its braces as character references: Moodle reads every `{...}` of a cloze
 * question's text as a possible embedded answer, so no brace of the statement may be taken for one.
 */
const htmlOf = (text: string): string =>
  (markdown.parse(text, { async: false }) as string).replace(/[{}]/g, (c) => (c === '{' ? '&#123;' : '&#125;'));

/** A number as /v1/gradients writes it: JSON's shortest form that reads back as the same float64. */
const numberText = (x: number): string => JSON.stringify(x);

/** Each element of an answer with its label: `dL/dw`, or `dL/dW[0, 1]` for an element of a tensor. */
function elementsOf(key: string, value: AnswerValue): { label: string; value: number }[] {
  if (typeof value === 'number') return [{ label: key, value }];
  const out: { label: string; value: number }[] = [];
  const walk = (v: unknown, index: number[]): void => {
    if (typeof v === 'number') out.push({ label: `${key}[${index.join(', ')}]`, value: v });
    else (v as unknown[]).forEach((item, i) => walk(item, [...index, i]));
  };
  walk(value, []);
  return out;
}

/**
 * An embedded numerical answer. Moodle accepts a response r when |r - value| <= tolerance (an
 * absolute tolerance); grading accepts it when |r - value| <= allowance(tolerance, value), which for
 * {rtol, atol} is atol + rtol·|value| (sigfigs and decimals: their own width). So each key's
 * Moodle tolerance is that allowance, worked out for its own value: the same answers pass.
 */
const embedded = (value: number, tolerance: Tolerance): string =>
  `{1:NUMERICAL:=${numberText(value)}:${numberText(allowance(tolerance, value))}}`;

const ANSWERS_HEADING: Localized = say('Your answers', 'Suas respostas');
const SEED: Localized = say('seed', 'semente');

/** The statement's `### title` line, the question's name in the bank. */
export const titleOf = (statement: string): string => /^#+\s*(.+)$/m.exec(statement)?.[1].trim() ?? 'exercise';

function questionText(variant: ExportedVariant, locale: Locale): string {
  const tolerance = variant.problem.tolerance ?? DEFAULT_TOLERANCE;
  const items = variant.answerKeys.flatMap((key) =>
    elementsOf(key, variant.answers[key]).map(
      ({ label, value }) => `<li><code>${escapeXml(label)}</code> = ${embedded(value, tolerance)}</li>`,
    ),
  );
  return `${htmlOf(variant.statement)}<p><strong>${ANSWERS_HEADING[locale]}</strong></p>\n<ul>\n${items.join('\n')}\n</ul>\n`;
}

function question(variant: ExportedVariant, locale: Locale): string {
  const name = `${titleOf(variant.statement)} (${SEED[locale]} ${variant.seed})`;
  return [
    '  <question type="cloze">',
    `    <name><text>${escapeXml(name)}</text></name>`,
    `    <questiontext format="html"><text>${cdata(questionText(variant, locale))}</text></questiontext>`,
    `    <generalfeedback format="html"><text>${cdata(htmlOf(variant.solution))}</text></generalfeedback>`,
    '    <penalty>0.3333333</penalty>',
    '    <hidden>0</hidden>',
    '  </question>',
  ].join('\n');
}

/** The file: one cloze question per variant, in the order given. */
export const moodleXml = (variants: readonly ExportedVariant[], locale: Locale): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n${variants.map((v) => question(v, locale)).join('\n')}\n</quiz>\n`;

/** A file name's stem from a title: lower-case ASCII letters and digits between hyphens. */
export const slug = (title: string): string =>
  title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '') || 'exercise';
