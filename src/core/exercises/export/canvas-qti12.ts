/**
 * Canvas (classic quizzes) quizzes in QTI 1.2, one quiz per variant, written as Canvas's own QTI
 * export writes them, since that is what its importer round-trips (canvas-lms
 * lib/cc/qti/qti_generator.rb, qti_items.rb, qti_manifest.rb and lib/cc/cc_helper.rb): a zip of
 * `imsmanifest.xml`, whose resources of type `imsqti_xmlv1p2` each hold one file `<id>/<id>.xml`,
 * and that `<questestinterop>`: one `<assessment>` (the quiz) with one `<section ident="root_section">`.
 *
 * Canvas imports each such resource as a quiz of its own. One quiz per variant, because a student
 * answers one variant: a single quiz of every variant would ask each student every variant's
 * numbers, and a question group would pick items at random across variants. The instructor gives
 * each quiz to the student (or section) whose seed it is, with the quiz's "Assign to"; the quiz is
 * titled with the variant's name, which holds the seed (often a student id).
 *
 * A Canvas numerical_question takes ONE number, so every number a variant asks for is an item of
 * its own, in the order of the keys and then of the elements. Each item holds the whole statement
 * and names the number it asks for, so that it still reads on its own when Canvas shows one
 * question at a time or draws it from the question bank.
 *
 * An answer is Canvas's "exact answer with a margin", as numerical_resprocessing writes it:
 * `<or><varequal>value</varequal><and><vargte>value - width</vargte><varlte>value + width</varlte></and></or>`,
 * from which the importer (gems/plugins/qti_exporter lib/qti/numeric_interaction.rb) reads the value
 * back and the margin as the upper bound minus the value. The worked solution is the item's general
 * feedback (`itemfeedback ident="general_fb"`, Canvas's neutral comments).
 */
import { createHash } from 'node:crypto';
import { type Localized, say } from '../../../text.js';
import type { Locale } from '../format.js';
import {
  type AnswerElement,
  type Bank,
  type ExportedVariant,
  answerElements,
  escapeXml,
  htmlOf,
  numberText,
  titleOf,
  variantName,
  zipOf,
} from './common.js';

const ASKED: Localized = say('This question asks for one number:', 'Esta questão pede um número:');
const INDICES: Localized = say('(indices count from 0)', '(os índices começam em 0)');

/** The namespace and schema Canvas's generate_assessment writes on a QTI-only export. */
const QTI_NAMESPACE = 'http://www.imsglobal.org/xsd/ims_qtiasiv1p2';
const QTI_SCHEMA = `${QTI_NAMESPACE} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd`;

/**
 * An identifier as Canvas's create_key makes one: `g` and 32 hex digits of a hash. Canvas matches a
 * re-imported question to an earlier one by this identifier, so it is drawn from what the question
 * is (the exercise, the language, the seed and the number asked), never from its place in the file:
 * the same variant exported twice updates its questions, another exercise never overwrites them.
 */
const keyOf = (...parts: unknown[]): string =>
  `g${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;

/** A QTI metadata field as Canvas's meta_field writes it. */
const field = (label: string, entry: string): string =>
  `<qtimetadatafield><fieldlabel>${label}</fieldlabel><fieldentry>${escapeXml(entry)}</fieldentry></qtimetadatafield>`;

/**
 * HTML in a mattext, escaped as text as Canvas's XML builder writes it. The caller escapes it (with
 * escapeXml), so that a variant's statement and solution are escaped once, not once per number.
 */
const mattext = (escapedHtml: string): string => `<mattext texttype="text/html">${escapedHtml}</mattext>`;

/** The question's text, escaped: the statement's (`<div>` and its HTML, escaped), then the one number asked, by its label. */
function questionText(escapedStatement: string, element: AnswerElement, locale: Locale): string {
  const indexed = element.label !== element.key ? ` ${INDICES[locale]}` : '';
  const asked = `<p><strong>${ASKED[locale]}</strong> <code>${escapeXml(element.label)}</code>${indexed}</p></div>`;
  return escapedStatement + escapeXml(asked);
}

/** Canvas's exact answer with a margin: the value itself, or anything within its width. */
function answerCondition({ value, tolerance }: AnswerElement): string[] {
  return [
    '          <respcondition continue="No">',
    '            <conditionvar>',
    '              <or>',
    `                <varequal respident="response1">${numberText(value)}</varequal>`,
    '                <and>',
    `                  <vargte respident="response1">${numberText(value - tolerance)}</vargte>`,
    `                  <varlte respident="response1">${numberText(value + tolerance)}</varlte>`,
    '                </and>',
    '              </or>',
    '            </conditionvar>',
    '            <setvar action="Set" varname="SCORE">100</setvar>',
    '          </respcondition>',
  ];
}

interface ItemIds {
  ident: string;
  /** The question's own identifier in the bank, which Canvas writes beside a quiz question. */
  bankRef: string;
}

/** One numerical_question: metadata, the text and a decimal blank, the answer, the worked solution (both escaped). */
function item(title: string, ids: ItemIds, text: string, element: AnswerElement, solution: string): string {
  return [
    `      <item ident="${ids.ident}" title="${escapeXml(title)}">`,
    '        <itemmetadata>',
    '          <qtimetadata>',
    `            ${field('question_type', 'numerical_question')}`,
    `            ${field('points_possible', '1.0')}`,
    `            ${field('assessment_question_identifierref', ids.bankRef)}`,
    '          </qtimetadata>',
    '        </itemmetadata>',
    '        <presentation>',
    `          <material>${mattext(text)}</material>`,
    '          <response_str ident="response1" rcardinality="Single">',
    '            <render_fib fibtype="Decimal"><response_label ident="answer1"/></render_fib>',
    '          </response_str>',
    '        </presentation>',
    '        <resprocessing>',
    '          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>',
    // Canvas shows the neutral comments whatever the answer, before it scores it.
    '          <respcondition continue="Yes">',
    '            <conditionvar><other/></conditionvar>',
    '            <displayfeedback feedbacktype="Response" linkrefid="general_fb"/>',
    '          </respcondition>',
    ...answerCondition(element),
    '        </resprocessing>',
    '        <itemfeedback ident="general_fb">',
    `          <flow_mat><material>${mattext(solution)}</material></flow_mat>`,
    '        </itemfeedback>',
    '      </item>',
  ].join('\n');
}

/** One variant's items, their identifiers drawn from the quiz's. */
function items(quizId: string, variant: ExportedVariant, locale: Locale): string[] {
  const statement = escapeXml(`<div>${htmlOf(variant.statement)}`);
  const solution = escapeXml(htmlOf(variant.solution));
  const name = variantName(variant, locale);
  return answerElements(variant).map((element) => {
    const ident = keyOf(quizId, element.label);
    const ids = { ident, bankRef: keyOf(ident, 'assessment_question') };
    return item(`${name}: ${element.label}`, ids, questionText(statement, element, locale), element, solution);
  });
}

/** A quiz: one assessment of one section holding the items. */
function assessment(id: string, title: string, body: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<questestinterop xmlns="${QTI_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${QTI_SCHEMA}">`,
    `  <assessment ident="${id}" title="${escapeXml(title)}">`,
    '    <section ident="root_section">',
    ...body,
    '    </section>',
    '  </assessment>',
    '</questestinterop>',
    '',
  ].join('\n');
}

/** Where Canvas lays a quiz out: in a folder named by its identifier. */
const hrefOf = (quizId: string): string => `${quizId}/${quizId}.xml`;

/** The package's manifest, as Canvas's QtiManifest writes it: its title, and each quiz as a resource. */
function manifest(id: string, title: string, quizIds: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<manifest identifier="${id}" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_v1p2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1 http://www.imsglobal.org/xsd/imscp_v1p1.xsd http://www.imsglobal.org/xsd/imsmd_v1p2 http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd">`,
    '  <metadata>',
    '    <schema>IMS Content</schema>',
    '    <schemaversion>1.1.3</schemaversion>',
    '    <imsmd:lom>',
    '      <imsmd:general>',
    `        <imsmd:title><imsmd:string>${escapeXml(title)}</imsmd:string></imsmd:title>`,
    '      </imsmd:general>',
    '    </imsmd:lom>',
    '  </metadata>',
    '  <organizations/>',
    '  <resources>',
    ...quizIds.flatMap((quizId) => [
      `    <resource identifier="${quizId}" type="imsqti_xmlv1p2">`,
      `      <file href="${hrefOf(quizId)}"/>`,
      '    </resource>',
    ]),
    '  </resources>',
    '</manifest>',
    '',
  ].join('\n');
}

/**
 * The zip: the manifest, then one quiz per variant in the order of the seeds. A quiz's identifier
 * is drawn from the exercise, the language and the seed (and, for a seed given again, how many
 * times it came before), so re-importing the same variant updates its quiz.
 */
export function canvasQti12(variants: readonly ExportedVariant[], bank: Bank): Uint8Array {
  const bankKey = keyOf(bank.exercise, bank.locale);
  const files: Record<string, string> = {};
  const quizIds = new Set<string>();
  for (const variant of variants) {
    let quizId = keyOf(bankKey, variant.seed);
    for (let again = 1; quizIds.has(quizId); again++) quizId = keyOf(bankKey, variant.seed, again);
    quizIds.add(quizId);
    files[hrefOf(quizId)] = assessment(quizId, variantName(variant, bank.locale), items(quizId, variant, bank.locale));
  }
  const id = keyOf(
    bankKey,
    variants.map((v) => v.seed),
    'manifest',
  );
  return zipOf({ 'imsmanifest.xml': manifest(id, titleOf(variants[0].statement), [...quizIds]), ...files });
}
