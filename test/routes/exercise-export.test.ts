/**
 * POST /v1/exercises/export, format moodle-xml: the file parsed back by an XML parser of its own
 * (saxes), checked against what Moodle's importer reads and against the numbers of each variant.
 *
 * Moodle's importer (moodle/moodle question/format/xml/format.php) reads, for a cloze question:
 * - readquestions: the `<quiz>` root's `<question>` elements, each by its `type` attribute
 *   (`cloze` goes to import_multianswer);
 * - import_multianswer: `name/text` (the question's name; a default one from the text without it),
 *   `questiontext` (its `format` attribute and its `text`, by import_text_with_files), whose
 *   `{1:NUMERICAL:=value:tolerance}` parts qtype_multianswer_extract_question turns into
 *   sub-questions, `generalfeedback` (its `format` and `text`), `penalty`, `idnumber`, hints and tags.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdata, escapeXml } from '../../src/core/exercises/export/common.js';
import { allowance } from '../../src/core/grading/tolerance.js';
import { DEFAULT_TOLERANCE } from '../../src/core/defaults.js';
import { DEFAULT_LIMITS } from '../../src/engine/limits.js';
import { exercise, exportExercises } from '../../src/index.js';
import { tutorialActivity } from '../../src/schemas/examples.js';
import { buildTestApp } from '../support/app.js';
import {
  ESCAPED_STATEMENT,
  ESCAPED_TITLE,
  elements,
  escapingExercise,
  htmlText,
  neuronGradients,
} from '../support/export.js';
import { type XmlNode, child, parseXml, textOf } from '../support/xml.js';

/** The embedded answers of a cloze question's text: each label (`<code>`) with its value and tolerance as written. */
const embeddedAnswers = (html: string) =>
  [...html.matchAll(/<code>([^<]*)<\/code> = \{1:NUMERICAL:=([^:}]+):([^}]+)\}/g)].map((m) => ({
    label: m[1].replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>'),
    value: m[2],
    tolerance: m[3],
  }));

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const post = (payload: object, on = app) => on.inject({ method: 'POST', url: '/v1/exercises/export', payload });

describe('POST /v1/exercises/export, moodle-xml', () => {
  it('answers a file of one cloze question per variant, each embedded number the variant’s own', async () => {
    const res = await post({ template: 'network-2-2-1', count: 3, locale: 'en', format: 'moodle-xml' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="network-2-2-1-moodle.xml"');
    const quiz = parseXml(res.body);
    expect(quiz.name).toBe('quiz');
    const questions = quiz.children.filter((c) => c.name === 'question');
    expect(questions).toHaveLength(3);
    for (const [i, question] of questions.entries()) {
      const seed = i + 1;
      const variant = exercise({ template: 'network-2-2-1', seed, locale: 'en' });
      expect(question.attributes.type).toBe('cloze');
      expect(textOf(question, 'name')).toMatch(new RegExp(`\\(seed ${seed}\\)$`));
      expect(child(question, 'questiontext').attributes.format).toBe('html');
      expect(child(question, 'generalfeedback').attributes.format).toBe('html');
      expect(textOf(question, 'generalfeedback')).toContain('<h3>Solution</h3>');
      // Each number is a field of its own: the statement does not say how to send answers to the API.
      const text = textOf(question, 'questiontext');
      expect(text).toContain('Compute the following:');
      expect(text).toContain('round only the final answers');
      expect(text).not.toMatch(/under its key|JSON array|decimal separator/);
      const embedded = embeddedAnswers(textOf(question, 'questiontext'));
      const expected = variant.answerKeys.flatMap((key) => elements(key, variant.answers[key]));
      expect(embedded.map((e) => e.label)).toEqual(expected.map((e) => e.label));
      for (const [j, e] of embedded.entries()) {
        // Exactly the number, in JSON's shortest round-trip form, and the allowance grading gives it.
        expect(e.value).toBe(JSON.stringify(expected[j].value));
        expect(Number(e.tolerance)).toBe(allowance(DEFAULT_TOLERANCE, expected[j].value));
      }
    }
  });

  it('writes each element of a question as Moodle itself exports them (a numerical question as reference)', async () => {
    // What Moodle's exporter writes for a numerical question (test/fixtures/moodle): every element
    // our questions share with it has the same attributes, children and form of text.
    const reference = child(parseXml(readFileSync('test/fixtures/moodle/numerical-export.xml', 'utf8')), 'question');
    const shape = (node: XmlNode): unknown => ({
      attributes: Object.keys(node.attributes).sort(),
      children: node.children.map(shape),
    });
    const res = await post({ template: 'neuron-tanh', seeds: [3], format: 'moodle-xml' });
    const ours = child(parseXml(res.body), 'question');
    expect(Object.keys(ours.attributes)).toEqual(Object.keys(reference.attributes));
    for (const element of ours.children) {
      const theirs = child(reference, element.name);
      expect(shape(element), element.name).toEqual(shape(theirs));
      for (const [name, value] of Object.entries(theirs.attributes)) expect(element.attributes[name]).toBe(value);
    }
    expect(ours.children.map((c) => c.name)).toEqual(['name', 'questiontext', 'generalfeedback', 'penalty', 'hidden']);
    // Numbers as Moodle writes them: a decimal fraction for the penalty, 0 or 1 for hidden.
    expect(child(ours, 'penalty').text).toMatch(/^0\.\d+$/);
    expect(child(ours, 'hidden').text).toBe(child(reference, 'hidden').text.trim());
  });

  it('embeds the numbers POST /v1/gradients gives for the variant', async () => {
    const res = await post({ template: 'neuron-sigmoid', seeds: [5], format: 'moodle-xml' });
    const question = child(parseXml(res.body), 'question');
    const byLabel = new Map(embeddedAnswers(textOf(question, 'questiontext')).map((e) => [e.label, Number(e.value)]));
    const direct = neuronGradients('neuron-sigmoid', 5);
    expect(byLabel.get('dL/dw')).toBe(direct.w);
    expect(byLabel.get('dL/db')).toBe(direct.b);
  });

  it('escapes a title and a statement holding <, & and quotes: parsed back, they are the text written', async () => {
    const [title, statement, authored] = [ESCAPED_TITLE, ESCAPED_STATEMENT, escapingExercise];
    const res = await post({ exercise: authored, seeds: ['s-1', 7], locale: 'en', format: 'moodle-xml' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="neuron-tanh-quotes-too-moodle.xml"');
    const questions = parseXml(res.body).children;
    expect(questions.map((q) => textOf(q, 'name'))).toEqual([`${title} (seed s-1)`, `${title} (seed 7)`]);
    const text = htmlText(textOf(questions[0], 'questiontext'));
    expect(text).toContain(title);
    expect(text).toContain(statement);
    // The library's types want the literal unions the JSON example does not keep.
    const variant = exercise({ exercise: authored, seed: 's-1', locale: 'en' } as never);
    expect(embeddedAnswers(textOf(questions[0], 'questiontext')).map((e) => Number(e.value))).toEqual(
      variant.answerKeys.map((k) => variant.answers[k]),
    );
  });

  it('splits a ]]> inside HTML across CDATA sections, and escapes text for XML', () => {
    const html = '<p>a]]>b</p>]]>';
    const xml = `<t>${cdata(html)}<u>${escapeXml(`<&>"'`)}</u></t>`;
    const t = parseXml(xml);
    expect(t.text).toBe(html);
    expect(child(t, 'u').text).toBe(`<&>"'`);
  });

  it('answers the same file from the library, in pt-BR', async () => {
    const body = { template: 'neuron-relu', count: 2, locale: 'pt-BR', format: 'moodle-xml' } as const;
    const res = await post(body);
    const answer = exportExercises(body);
    expect(answer.body).toBe(res.body);
    expect(answer.headers).toEqual({ 'content-disposition': 'attachment; filename="neuron-relu-moodle.xml"' });
    expect(textOf(parseXml(res.body).children[0], 'name')).toMatch(/\(semente 1\)$/);
  });

  it('makes a large bank on a worker thread, with the same file and headers', async () => {
    const offloaded = await buildTestApp({ offloadWork: 0 });
    try {
      const body = { template: 'neuron-sigmoid', count: 2, format: 'moodle-xml' };
      const [there, here] = await Promise.all([post(body, offloaded), post(body)]);
      expect(there.statusCode, there.body).toBe(200);
      expect(there.headers['content-type']).toBe('application/xml; charset=utf-8');
      expect(there.headers['content-disposition']).toBe(here.headers['content-disposition']);
      expect(there.body).toBe(here.body);
    } finally {
      await offloaded.close();
    }
  });

  it('refuses more variants than MAX_EXPORT_VARIANTS with a 413 naming it, before drawing any', async () => {
    const small = await buildTestApp({ pool: false, limits: { ...DEFAULT_LIMITS, maxExportVariants: 2 } });
    try {
      const res = await post({ template: 'neuron-sigmoid', count: 3, format: 'moodle-xml' }, small);
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'TOO_LARGE', errors: [{ path: 'count' }] });
      expect(res.json().detail).toContain('3 variants, more than the limit of 2 (MAX_EXPORT_VARIANTS)');
      const seeds = await post({ template: 'neuron-sigmoid', seeds: [1, 2, 3], format: 'moodle-xml' }, small);
      expect(seeds.statusCode).toBe(413);
      expect(seeds.json()).toMatchObject({ errors: [{ path: 'seeds' }] });
      expect((await post({ template: 'neuron-sigmoid', count: 2, format: 'moodle-xml' }, small)).statusCode).toBe(200);
    } finally {
      await small.close();
    }
    const byDefault = await post({ template: 'neuron-sigmoid', count: 201, format: 'moodle-xml' });
    expect(byDefault.statusCode).toBe(413);
    expect(byDefault.json().detail).toContain('limit of 200 (MAX_EXPORT_VARIANTS)');
  });

  it('refuses a body without exactly one of template and exercise, or of seeds and count, or of an unknown format', async () => {
    for (const body of [
      { template: 'neuron-sigmoid', seeds: [1], count: 1, format: 'moodle-xml' },
      { template: 'neuron-sigmoid', format: 'moodle-xml' },
      { template: 'neuron-sigmoid', exercise: tutorialActivity, count: 1, format: 'moodle-xml' },
      { template: 'neuron-sigmoid', count: 1, format: 'qti' },
      { template: 'neuron-sigmoid', count: 0, format: 'moodle-xml' },
    ]) {
      expect((await post(body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    const unknown = await post({ template: 'no-such', count: 1, format: 'moodle-xml' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ errors: [{ path: 'template' }] });
  });
});
