import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../support/app.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
const s = 1 / (1 + Math.exp(0.2));
const answers = { y_hat: s, 'dL/dw': -3 * s * s * (1 - s) }; // one right, one with its sign flipped

const grade = (body: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/grade', payload: { neuron, ...body }, headers });

describe('POST /v1/grade', () => {
  it('speaks Portuguese with Accept-Language: pt-BR', async () => {
    const body = (await grade({ answers }, { 'accept-language': 'pt-BR,pt;q=0.9,en;q=0.8' })).json();
    expect(body.locale).toBe('pt-BR');
    expect(body.results[0].feedback).toMatch(/correto/);
    expect(body.results[1].feedback).toMatch(/sinal/);
    expect(body.feedback).toBe('1 de 2 respostas corretas.');
  });

  it('speaks English by default', async () => {
    const body = (await grade({ answers })).json();
    expect(body.results[1]).toMatchObject({ diagnosis: 'sign_error', feedback: expect.stringMatching(/sign/) });
  });

  it('takes a tolerance per answer over the request tolerance', async () => {
    const body = (
      await grade({
        answers: { y_hat: { value: 0.45, tolerance: { decimals: 2 } }, L: 0.1 },
        tolerance: { rtol: 1e-6 },
      })
    ).json();
    expect(body.results.map((r: { correct: boolean }) => r.correct)).toEqual([true, false]);
  });

  it('answers 422 naming every unknown key', async () => {
    const res = await grade({ answers: { banana: 1, 'dL/dq': 2, y_hat: 0.45 } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['answers.banana', 'answers.dL/dq']);
  });

  it('answers 422 when a step answer has no learningRate', async () => {
    const res = await grade({ answers: { 'step(w)': -0.23 } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].path).toBe('learningRate');
  });

  it('writes Gradescope results.json', async () => {
    const body = (await grade({ answers, format: 'gradescope' })).json();
    expect(Object.keys(body).sort()).toEqual(['max_score', 'output', 'output_format', 'score', 'tests']);
    expect(body).toMatchObject({ score: 1, max_score: 2, output_format: 'text' });
    expect(body.tests[1]).toEqual({
      name: 'dL/dw',
      score: 0,
      max_score: 1,
      status: 'failed',
      output: expect.any(String),
      output_format: 'text',
    });
  });

  it("tells Gradescope to show every output as text, since it quotes the student's text as typed", async () => {
    // Gradescope renders an output as HTML, Markdown or ANSI when told to; as text it escapes it.
    const typed = '<img src=x onerror=alert(1)> **bold**';
    const body = (await grade({ answers: { ...answers, u: typed }, format: 'gradescope' })).json();
    expect(body.output_format).toBe('text');
    expect(body.tests.map((t: { output_format: string }) => t.output_format)).toEqual(['text', 'text', 'text']);
    expect(body.tests[2].output).toContain(`'${typed}'`);
  });

  it('writes a PrairieLearn external grader result', async () => {
    const body = (await grade({ answers, format: 'prairielearn' })).json();
    expect(body).toMatchObject({ gradable: true, score: 0.5, message: expect.any(String) });
    expect(body.tests[0]).toEqual({ name: 'y_hat', points: 1, max_points: 1, message: expect.any(String) });
  });

  it("writes a CodeRunner combinator grader result: the student's text goes in its cells as typed, for CodeRunner to escape", async () => {
    // CodeRunner shows a testresults cell as text (Moodle's s() into <pre>) unless `columnformats`
    // marks its column '%h'; only prologuehtml is HTML. Escaping a cell here would put &lt;b&gt; on
    // the page. examples.test.ts renders the page as CodeRunner does.
    const typed = `<b>x</b>"&'`;
    const body = (await grade({ answers: { ...answers, u: typed }, format: 'coderunner' })).json();
    expect(Object.keys(body).sort()).toEqual(['fraction', 'prologuehtml', 'testresults']);
    expect(body.fraction).toBeCloseTo(1 / 3, 12);
    expect(body.testresults[0]).toEqual(['iscorrect', 'Answer', 'Expected', 'Got', 'Feedback']);
    expect(body.testresults.slice(1).map((row: unknown[]) => [row[0], row[1]])).toEqual([
      [true, 'y_hat'],
      [false, 'dL/dw'],
      [false, 'u'],
    ]);
    const [, , , got, feedback] = body.testresults[3];
    expect(got).toBe(JSON.stringify(typed));
    expect(feedback).toContain(`'${typed}'`);
    expect(body.prologuehtml).toBe('<p>1 of 3 answers correct.</p>');
  });
});

describe('POST /v1/grade: feedback of the conformance case grade-pt-br-feedback', () => {
  // The case is PyTorch's data and checks only that feedback is a string; here it must be Portuguese.
  const conformance = JSON.parse(
    readFileSync(fileURLToPath(new URL('../../conformance/grade-pt-br-feedback.json', import.meta.url)), 'utf8'),
  );
  const send = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/v1/grade', payload: conformance.request, headers }).then((res) => res.json());
  /** The words of a sentence that are words of a language, not ids or formulas. */
  const words = (text: string) =>
    new Set((text.match(/(?<![\p{L}\w/])\p{L}{3,}(?![\p{L}\w/(])/gu) ?? []).map((w) => w.toLowerCase()));

  it('writes every sentence in Portuguese, with no English word in it', async () => {
    const [pt, en] = await Promise.all([send(conformance.headers), send({ 'Accept-Language': 'en' })]);
    expect(pt.locale).toBe('pt-BR');
    expect(pt.feedback).toBe('1 de 2 respostas corretas.');
    expect(pt.results.map((r: { feedback: string }) => r.feedback)).toEqual([
      'y_hat: correto.',
      expect.stringMatching(/^dL\/dw: incorreto\. Refaça /),
    ]);
    // The English words of the same answers' English feedback, none of which may appear in the Portuguese.
    const english = new Set(
      [en.feedback, ...en.results.map((r: { feedback: string }) => r.feedback)].flatMap((t) => [...words(t)]),
    );
    expect(english.size).toBeGreaterThan(3);
    for (const sentence of [pt.feedback, ...pt.results.map((r: { feedback: string }) => r.feedback)]) {
      expect(
        [...words(sentence)].filter((w) => english.has(w)),
        sentence,
      ).toEqual([]);
    }
  });
});
