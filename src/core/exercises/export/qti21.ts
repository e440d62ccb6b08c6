/**
 * A question bank in IMS QTI 2.1 (imsqti_v2p1p2.xsd): a content package (IMS CP 1.1, `imsmanifest.xml`)
 * of one `assessmentItem` per variant, `items/<stem>-<seed>.xml`, each listed in the manifest as a
 * resource of type `imsqti_item_xmlv2p1`.
 *
 * An item asks for every number of every answer key: one `textEntryInteraction` each, labelled with
 * its key (`dL/dW[0, 1]`), bound to a `float` response `RESPONSE_1`, `RESPONSE_2`, … (an answer key
 * such as `dL/dW` is not an identifier) whose `correctResponse` is the variant's number. Response
 * processing is written out (no template: the standard ones compare exactly): a response adds 1 to
 * SCORE when it lies within the element's tolerance, `<equal toleranceMode="absolute">`, the same
 * absolute width grading allows around that value (common.ts); MAXSCORE is the number of responses.
 * The worked solution is a `modalFeedback` shown once the item is answered.
 */
import { type Localized, say } from '../../../text.js';
import type { Locale } from '../format.js';
import {
  ANSWERS_HEADING,
  type AnswerElement,
  type Bank,
  type ExportedVariant,
  answerElements,
  escapeXml,
  numberText,
  slug,
  variantName,
  zipOf,
} from './common.js';
import { qtiXhtmlOf, xmlChars } from './qti-xhtml.js';

const QTI_NAMESPACE = 'http://www.imsglobal.org/xsd/imsqti_v2p1';
const QTI_SCHEMA = `${QTI_NAMESPACE} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd`;
const CP_NAMESPACE = 'http://www.imsglobal.org/xsd/imscp_v1p1';
const CP_SCHEMA = `${CP_NAMESPACE} http://www.imsglobal.org/xsd/imscp_v1p1.xsd`;
const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

const SOLUTION: Localized = say('Solution', 'Solução');
const INDICES: Localized = say('(indices count from 0)', '(os índices começam em 0)');

/** The identifier of the n-th number asked (from 1): answer keys hold `/` and `(`, which no identifier may. */
const responseIdentifier = (n: number): string => `RESPONSE_${n}`;

/** An item's identifier (an XML NCName) from its name, a slug: a slug may begin with a digit, an NCName may not. */
const identifierOf = (name: string): string => (/^[a-z_]/i.test(name) ? name : `item-${name}`);

/** Text in an attribute or element, escaped, with what XML cannot hold dropped. */
const text = (s: string): string => escapeXml(xmlChars(s));

/**
 * Each variant's name in the package, `<stem>-<seed>`, its file `items/<name>.xml`: unique, since two
 * seeds may give the same slug (`A` and `a`, or a seed given twice), the later ones are numbered `-2`,
 * `-3`, …, in the order given, so that the same request names its items the same way.
 */
function itemNames(variants: readonly ExportedVariant[], stem: string): string[] {
  const taken = new Set<string>();
  return variants.map(({ seed }) => {
    const base = `${stem}-${slug(String(seed))}`;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return name;
  });
}

function responseDeclaration({ value }: AnswerElement, n: number): string {
  return [
    `  <responseDeclaration identifier="${responseIdentifier(n)}" cardinality="single" baseType="float">`,
    `    <correctResponse><value>${numberText(value)}</value></correctResponse>`,
    '  </responseDeclaration>',
  ].join('\n');
}

const outcomeDeclarations = (count: number): string =>
  [
    '  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">',
    '    <defaultValue><value>0</value></defaultValue>',
    '  </outcomeDeclaration>',
    '  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">',
    `    <defaultValue><value>${count}</value></defaultValue>`,
    '  </outcomeDeclaration>',
    '  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>',
  ].join('\n');

function itemBody(variant: ExportedVariant, elements: readonly AnswerElement[], locale: Locale): string {
  const entries = elements.map(
    ({ label }, i) =>
      `      <li><code>${text(label)}</code> = <textEntryInteraction responseIdentifier="${responseIdentifier(i + 1)}" label="${text(label)}"/></li>`,
  );
  const indexed = elements.some(({ key, label }) => key !== label);
  const heading = `<strong>${ANSWERS_HEADING[locale]}</strong>${indexed ? ` ${INDICES[locale]}` : ''}`;
  return [
    '  <itemBody>',
    qtiXhtmlOf(variant.statement),
    `    <p>${heading}</p>`,
    '    <ul>',
    ...entries,
    '    </ul>',
    '  </itemBody>',
  ].join('\n');
}

/**
 * A response within its tolerance adds 1 to SCORE. `equal` in absolute mode holds when the second
 * value lies in [x − t0, x + t1] around the first: the correct value first, the response second. An
 * unanswered response is NULL, and so is the comparison: it adds nothing.
 */
function scoring({ tolerance }: AnswerElement, n: number): string {
  const id = responseIdentifier(n);
  const t = numberText(tolerance);
  return [
    '    <responseCondition>',
    '      <responseIf>',
    `        <equal toleranceMode="absolute" tolerance="${t} ${t}"><correct identifier="${id}"/><variable identifier="${id}"/></equal>`,
    '        <setOutcomeValue identifier="SCORE">',
    '          <sum><variable identifier="SCORE"/><baseValue baseType="float">1</baseValue></sum>',
    '        </setOutcomeValue>',
    '      </responseIf>',
    '    </responseCondition>',
  ].join('\n');
}

const responseProcessing = (elements: readonly AnswerElement[]): string =>
  [
    '  <responseProcessing>',
    ...elements.map((e, i) => scoring(e, i + 1)),
    // Once answered, the solution is shown whatever the score.
    '    <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">SOLUTION</baseValue></setOutcomeValue>',
    '  </responseProcessing>',
  ].join('\n');

function modalFeedback(variant: ExportedVariant, locale: Locale): string {
  return [
    `  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="SOLUTION" showHide="show" title="${SOLUTION[locale]}">`,
    qtiXhtmlOf(variant.solution),
    '  </modalFeedback>',
  ].join('\n');
}

/** One variant as an assessmentItem: the declarations, the statement with its entries, the scoring, the solution. */
function assessmentItem(variant: ExportedVariant, name: string, locale: Locale): string {
  const elements = answerElements(variant);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<assessmentItem xmlns="${QTI_NAMESPACE}" ${XSI} xsi:schemaLocation="${QTI_SCHEMA}"`,
    `  identifier="${identifierOf(name)}" title="${text(variantName(variant, locale))}" xml:lang="${locale}" adaptive="false" timeDependent="false">`,
    ...elements.map((e, i) => responseDeclaration(e, i + 1)),
    outcomeDeclarations(elements.length),
    itemBody(variant, elements, locale),
    responseProcessing(elements),
    modalFeedback(variant, locale),
    '</assessmentItem>',
    '',
  ].join('\n');
}

/** The package's manifest: one resource per item, its file the item itself. */
function manifest(names: readonly string[], stem: string): string {
  const resources = names.map((name) =>
    [
      `    <resource identifier="resource-${name}" type="imsqti_item_xmlv2p1" href="items/${name}.xml">`,
      `      <file href="items/${name}.xml"/>`,
      '    </resource>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<manifest xmlns="${CP_NAMESPACE}" ${XSI} xsi:schemaLocation="${CP_SCHEMA}" identifier="manifest-${stem}">`,
    '  <metadata>',
    '    <schema>QTIv2.1 Package</schema>',
    '    <schemaversion>1.0.0</schemaversion>',
    '  </metadata>',
    '  <organizations/>',
    '  <resources>',
    ...resources,
    '  </resources>',
    '</manifest>',
    '',
  ].join('\n');
}

/** The zip: the manifest first, then the items in the order of the variants. */
export function qti21(variants: readonly ExportedVariant[], bank: Bank): Uint8Array {
  const names = itemNames(variants, bank.stem);
  return zipOf({
    'imsmanifest.xml': manifest(names, bank.stem),
    ...Object.fromEntries(
      variants.map((variant, i) => [`items/${names[i]}.xml`, assessmentItem(variant, names[i], bank.locale)]),
    ),
  });
}
