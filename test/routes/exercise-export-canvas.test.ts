/**
 * POST /v1/exercises/export, format canvas-qti12: the zip read back with fflate, its XML parsed by
 * an XML parser of its own (saxes), checked against what Canvas writes and reads and against the
 * numbers of each variant. Each variant is a quiz of its own (the instructor assigns it to the
 * student whose seed it is, with "Assign to"): the manifest lists exactly the assessment files in
 * the zip, one per variant in the order of the seeds, and each assessment, titled with its
 * variant's name, holds exactly that variant's numbers, as `exercise()` gives them.
 *
 * What Canvas's own QTI-only export writes (instructure/canvas-lms), which its importer round-trips:
 * - lib/cc/qti/qti_manifest.rb, create_document: `imsmanifest.xml`, a `<manifest identifier>` in the
 *   namespace http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1 holding `metadata` (`schema`
 *   "IMS Content", `schemaversion` 1.1.3, `imsmd:lom/imsmd:general/imsmd:title/imsmd:string`),
 *   `organizations` and `resources`;
 * - lib/cc/qti/qti_generator.rb, generate_quiz with for_cc false, once per quiz: a
 *   `<resource identifier type>` of type `imsqti_xmlv1p2` (lib/cc/cc_helper.rb, QTI_ASSESSMENT_TYPE) whose `<file href>` is
 *   `<id>/<id>.xml`; generate_assessment: `<questestinterop>` (xmlns
 *   http://www.imsglobal.org/xsd/ims_qtiasiv1p2, `xsi:schemaLocation`), `<assessment ident title>`,
 *   `<section ident="root_section">` and its `<item>`s;
 * - lib/cc/qti/qti_items.rb, add_question for a numerical_question: `<item ident title>`;
 *   `itemmetadata/qtimetadata/qtimetadatafield` (`fieldlabel`, `fieldentry`) for `question_type`,
 *   `points_possible` and `assessment_question_identifierref`; `presentation/material/mattext`
 *   with texttype="text/html" (html_mat_text); calculated_response_str:
 *   `response_str ident="response1" rcardinality="Single"` holding
 *   `render_fib fibtype="Decimal"` and `response_label ident="answer1"`; `resprocessing`:
 *   `outcomes/decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"`, then, with
 *   neutral comments, other_respcondition: `respcondition continue="Yes"` of `conditionvar/other`
 *   and `displayfeedback feedbacktype="Response" linkrefid="general_fb"`, then
 *   numerical_resprocessing of an exact answer with a margin: `respcondition continue="No"`,
 *   `conditionvar/or` of `varequal respident="response1"` (the value) and `and` of
 *   `vargte respident="response1"` (value - margin) and `varlte respident="response1"`
 *   (value + margin), and `setvar action="Set" varname="SCORE"` 100; item_feedback:
 *   `itemfeedback ident="general_fb"` of `flow_mat/material/mattext` texttype="text/html".
 * - What the importer reads back (gems/plugins/qti_exporter lib/qti/numeric_interaction.rb,
 *   get_canvas_answers): under `or`, the exact value and, from the upper bound, the margin; and
 *   (lib/qti/converter.rb) a quiz of each assessment the package holds.
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE } from '../../src/core/defaults.js';
import { allowance } from '../../src/core/grading/tolerance.js';
import { exercise, exportExercises } from '../../src/index.js';
import { buildTestApp } from '../support/app.js';
import {
  ESCAPED_STATEMENT,
  ESCAPED_TITLE,
  elements,
  escapingExercise,
  htmlText,
  neuronGradients,
} from '../support/export.js';
import { type XmlNode, child, parseXml } from '../support/xml.js';

/** An element and its descendants, one line each: its name and attributes, the item's own ident and title left out. */
function outline(node: XmlNode, depth = 0): string[] {
  const attributes = Object.entries(node.attributes)
    .filter(([name]) => !(node.name === 'item' && (name === 'ident' || name === 'title')))
    .map(([name, value]) => ` ${name}="${value}"`)
    .join('');
  return [`${'  '.repeat(depth)}${node.name}${attributes}`, ...node.children.flatMap((c) => outline(c, depth + 1))];
}

/** A numerical_question with a neutral comment, as qti_items.rb writes it (see the header). */
const CANVAS_NUMERICAL_ITEM = `
item
  itemmetadata
    qtimetadata
      qtimetadatafield
        fieldlabel
        fieldentry
      qtimetadatafield
        fieldlabel
        fieldentry
      qtimetadatafield
        fieldlabel
        fieldentry
  presentation
    material
      mattext texttype="text/html"
    response_str ident="response1" rcardinality="Single"
      render_fib fibtype="Decimal"
        response_label ident="answer1"
  resprocessing
    outcomes
      decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"
    respcondition continue="Yes"
      conditionvar
        other
      displayfeedback feedbacktype="Response" linkrefid="general_fb"
    respcondition continue="No"
      conditionvar
        or
          varequal respident="response1"
          and
            vargte respident="response1"
            varlte respident="response1"
      setvar action="Set" varname="SCORE"
  itemfeedback ident="general_fb"
    flow_mat
      material
        mattext texttype="text/html"`;

const path = (node: XmlNode, ...names: string[]): XmlNode => names.reduce(child, node);

/** What one item says: its title, text, metadata fields, answer as written, and feedback. */
function readItem(item: XmlNode) {
  const fields = Object.fromEntries(
    path(item, 'itemmetadata', 'qtimetadata').children.map((f) => [
      child(f, 'fieldlabel').text,
      child(f, 'fieldentry').text,
    ]),
  );
  const scored = path(item, 'resprocessing').children.filter((c) => c.attributes.continue === 'No');
  expect(scored).toHaveLength(1);
  const or = path(scored[0], 'conditionvar', 'or');
  return {
    ident: item.attributes.ident,
    title: item.attributes.title,
    fields,
    text: path(item, 'presentation', 'material', 'mattext').text,
    exact: child(or, 'varequal').text,
    low: path(or, 'and', 'vargte').text,
    high: path(or, 'and', 'varlte').text,
    score: child(scored[0], 'setvar').text,
    feedback: path(item, 'itemfeedback', 'flow_mat', 'material', 'mattext').text,
  };
}

/** The zip's files as text, the manifest parsed, and for each of its resources the quiz it names and its items. */
function readPackage(zip: Uint8Array) {
  const files = Object.fromEntries(
    Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, Buffer.from(bytes).toString('utf8')]),
  );
  const manifest = parseXml(files['imsmanifest.xml']);
  const quizzes = child(manifest, 'resources').children.map((resource) => {
    const href = child(resource, 'file').attributes.href;
    const qti = parseXml(files[href]);
    const assessment = child(qti, 'assessment');
    const section = child(assessment, 'section');
    return { resource, href, qti, assessment, section, items: section.children.map(readItem) };
  });
  return { files, manifest, quizzes, items: quizzes.flatMap((q) => q.items) };
}

/** A variant's numbers as `exercise()` gives them, labelled as the export labels them. */
function numbersOf(variant: { answerKeys: readonly string[]; answers: Record<string, unknown> }) {
  return variant.answerKeys.flatMap((key) => elements(key, variant.answers[key]));
}

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const post = (payload: object, on = app) => on.inject({ method: 'POST', url: '/v1/exercises/export', payload });
const bytes = (res: { rawPayload: Buffer }): Uint8Array => new Uint8Array(res.rawPayload);

describe('POST /v1/exercises/export, canvas-qti12', () => {
  it('answers a zip of a manifest and one quiz per variant, with one numerical_question per number asked', async () => {
    const res = await post({ template: 'network-2-2-1', count: 2, locale: 'en', format: 'canvas-qti12' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe('attachment; filename="network-2-2-1-canvas-qti.zip"');
    const bank = readPackage(bytes(res));

    // The manifest lists exactly the assessment files in the zip, one per variant, each in its folder.
    expect(bank.quizzes).toHaveLength(2);
    expect(Object.keys(bank.files)).toEqual(['imsmanifest.xml', ...bank.quizzes.map((q) => q.href)]);
    expect(bank.manifest.name).toBe('manifest');
    expect(bank.manifest.attributes.xmlns).toBe('http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1');
    expect(child(child(bank.manifest, 'metadata'), 'schema').text).toBe('IMS Content');
    const lom = path(bank.manifest, 'metadata', 'imsmd:lom', 'imsmd:general', 'imsmd:title', 'imsmd:string');
    expect(lom.text).toBe('A 2-2-1 network');

    for (const [q, seed] of [1, 2].entries()) {
      const quiz = bank.quizzes[q];
      expect(quiz.resource.attributes.type).toBe('imsqti_xmlv1p2');
      const id = quiz.resource.attributes.identifier;
      expect(id).toMatch(/^g[0-9a-f]{32}$/);
      expect(quiz.href).toBe(`${id}/${id}.xml`);
      expect(quiz.qti.name).toBe('questestinterop');
      expect(quiz.qti.attributes.xmlns).toBe('http://www.imsglobal.org/xsd/ims_qtiasiv1p2');
      expect(quiz.assessment.attributes).toEqual({ ident: id, title: `A 2-2-1 network (seed ${seed})` });
      expect(quiz.section.attributes).toEqual({ ident: 'root_section' });
      for (const item of quiz.section.children) expect(outline(item).join('\n')).toBe(CANVAS_NUMERICAL_ITEM.trim());

      // Exactly this variant's numbers, in the order of its keys and then of their elements.
      const expected = numbersOf(exercise({ template: 'network-2-2-1', seed, locale: 'en' }));
      expect(expected.length).toBeGreaterThan(20);
      expect(quiz.items).toHaveLength(expected.length);
      for (const [i, item] of quiz.items.entries()) {
        const { label, value } = expected[i];
        const width = allowance(DEFAULT_TOLERANCE, value);
        expect(item.title).toBe(`A 2-2-1 network (seed ${seed}): ${label}`);
        expect(item.fields).toEqual({
          question_type: 'numerical_question',
          points_possible: '1.0',
          assessment_question_identifierref: expect.stringMatching(/^g[0-9a-f]{32}$/),
        });
        // Exactly the number, in JSON's shortest round-trip form, and the range grading accepts.
        expect(item.exact).toBe(JSON.stringify(value));
        expect(Number(item.low)).toBe(value - width);
        expect(Number(item.high)).toBe(value + width);
        expect(width).toBeGreaterThan(0);
        expect(item.score).toBe('100');
        expect(item.text).toMatch(/^<div><h3>A 2-2-1 network<\/h3>/);
        expect(item.text).toContain(`<p><strong>This question asks for one number:</strong> <code>${label}</code>`);
        expect(item.text.includes('(indices count from 0)')).toBe(label.includes('['));
        expect(item.feedback).toContain('<h3>Solution</h3>');
      }
      // A matrix's elements, row-major, each its own question.
      expect(quiz.items.filter((i) => i.title.includes(': dL/dW1')).map((i) => i.title)).toEqual(
        ['[0, 0]', '[0, 1]', '[1, 0]', '[1, 1]'].map((i) => `A 2-2-1 network (seed ${seed}): dL/dW1${i}`),
      );
    }

    // Identifiers are unique in the package: Canvas matches a re-imported quiz or question by them.
    const idents = [
      bank.manifest.attributes.identifier,
      ...bank.quizzes.map((q) => q.assessment.attributes.ident),
      ...bank.items.flatMap((i) => [i.ident, i.fields.assessment_question_identifierref]),
    ];
    expect(new Set(idents).size).toBe(idents.length);
  });

  it('writes the numbers POST /v1/gradients gives for the variant', async () => {
    const res = await post({ template: 'neuron-sigmoid', seeds: [5], format: 'canvas-qti12' });
    const { items } = readPackage(bytes(res));
    const byLabel = new Map(items.map((q) => [q.title.split(': ').at(-1), Number(q.exact)]));
    const direct = neuronGradients('neuron-sigmoid', 5);
    expect(byLabel.get('dL/dw')).toBe(direct.w);
    expect(byLabel.get('dL/db')).toBe(direct.b);
  });

  it('escapes a title and a statement holding <, & and quotes: parsed back, they are the text written', async () => {
    const [title, statement, authored] = [ESCAPED_TITLE, ESCAPED_STATEMENT, escapingExercise];
    const res = await post({ exercise: authored, seeds: ['s-1', 7], locale: 'en', format: 'canvas-qti12' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="neuron-tanh-quotes-too-canvas-qti.zip"');
    const bank = readPackage(bytes(res));
    const lom = path(bank.manifest, 'metadata', 'imsmd:lom', 'imsmd:general', 'imsmd:title', 'imsmd:string');
    expect(lom.text).toBe(title);

    // The library's types want the literal unions the JSON example does not keep.
    const variants = (['s-1', 7] as const).map((seed) => exercise({ exercise: authored, seed, locale: 'en' } as never));
    expect(bank.quizzes).toHaveLength(variants.length);
    for (const [q, variant] of variants.entries()) {
      const quiz = bank.quizzes[q];
      const name = `${title} (seed ${variant.seed})`;
      expect(quiz.assessment.attributes.title).toBe(name);
      const expected = numbersOf(variant);
      expect(quiz.items.map((i) => i.title)).toEqual(expected.map((e) => `${name}: ${e.label}`));
      expect(quiz.items.map((i) => Number(i.exact))).toEqual(expected.map((e) => e.value));
    }
    for (const item of bank.items) {
      const text = htmlText(item.text);
      expect(text).toContain(title);
      expect(text).toContain(statement);
      // The author's markup is shown, never run: no element of the statement's comes through.
      expect(item.text).not.toContain('<tanh>');
    }
  });

  it('answers the same bytes from the library, in pt-BR, and again for the same request', async () => {
    const body = { template: 'neuron-relu', count: 2, locale: 'pt-BR', format: 'canvas-qti12' } as const;
    const [res, again] = [await post(body), await post(body)];
    const answer = exportExercises(body);
    expect(answer.headers).toEqual({ 'content-disposition': 'attachment; filename="neuron-relu-canvas-qti.zip"' });
    expect(answer.body).toEqual(bytes(res));
    expect(bytes(again)).toEqual(bytes(res));
    const { quizzes } = readPackage(bytes(res));
    expect(quizzes).toHaveLength(2);
    for (const [q, seed] of [1, 2].entries()) {
      const { items, assessment } = quizzes[q];
      const variant = exercise({ template: 'neuron-relu', seed, locale: 'pt-BR' });
      const name = `${variant.statement.match(/^### (.+)$/m)![1]} (semente ${seed})`;
      expect(assessment.attributes.title).toBe(name);
      const expected = numbersOf(variant);
      expect(items.map((i) => i.title)).toEqual(expected.map((e) => `${name}: ${e.label}`));
      expect(items.map((i) => Number(i.exact))).toEqual(expected.map((e) => e.value));
      expect(items[0].text).toContain('<strong>Esta questão pede um número:</strong>');
      expect(items[0].feedback).toContain('<h3>Solução</h3>');
    }
  });

  it('keeps identifiers unique when a seed is given twice, and tells languages and exercises apart', async () => {
    const read = async (payload: object) => readPackage(bytes(await post({ format: 'canvas-qti12', ...payload })));
    const identsOf = (bank: ReturnType<typeof readPackage>) => [
      ...bank.quizzes.flatMap((q) => [q.resource.attributes.identifier, q.assessment.attributes.ident]),
      ...bank.items.flatMap((i) => [i.ident, i.fields.assessment_question_identifierref]),
    ];
    const twice = await read({ template: 'neuron-sigmoid', seeds: [3, '3', 3] });
    expect(twice.quizzes).toHaveLength(3);
    expect(Object.keys(twice.files)).toHaveLength(4);
    const quizIds = twice.quizzes.map((q) => q.assessment.attributes.ident);
    expect(new Set(quizIds).size).toBe(3);
    const items = twice.items.flatMap((i) => [i.ident, i.fields.assessment_question_identifierref]);
    expect(new Set(items).size).toBe(items.length);
    const en = await read({ template: 'neuron-sigmoid', seeds: [3], locale: 'en' });
    const pt = await read({ template: 'neuron-sigmoid', seeds: [3], locale: 'pt-BR' });
    const tanh = await read({ template: 'neuron-tanh', seeds: [3], locale: 'en' });
    // The first variant keeps the quiz and identifiers it has alone; another language or exercise has others.
    const first = { ...twice, quizzes: twice.quizzes.slice(0, 1), items: twice.quizzes[0].items };
    expect(identsOf(first)).toEqual(identsOf(en));
    const others = new Set([...identsOf(pt), ...identsOf(tanh)]);
    expect(identsOf(en).some((id) => others.has(id))).toBe(false);
  });

  it('makes a large bank on a worker thread, with the same bytes and headers', async () => {
    const offloaded = await buildTestApp({ offloadWork: 0 });
    try {
      const body = { template: 'neuron-sigmoid', count: 2, format: 'canvas-qti12' };
      const [there, here] = await Promise.all([post(body, offloaded), post(body)]);
      expect(there.statusCode, there.body).toBe(200);
      expect(there.headers['content-type']).toBe('application/zip');
      expect(there.headers['content-disposition']).toBe(here.headers['content-disposition']);
      expect(bytes(there)).toEqual(bytes(here));
    } finally {
      await offloaded.close();
    }
  });
});
