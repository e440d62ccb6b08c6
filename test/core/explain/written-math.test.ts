/**
 * What a student reads in written math: negative numbers with the minus sign − (U+2212), as the
 * operators are written, in explanations, feedback and pictures (LaTeX keeps `-`, JSON numbers
 * stay numbers), and a number pasted back from the feedback is still an answer; pictures name
 * the args of an op by the statement's own names (`½(y_hat − y)²`), never by made-up ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, escapeMermaid } from '../../../src/core/render/index.js';
import { buildTestApp } from '../../support/app.js';
import { layoutErrors, mermaidType, svgTexts } from '../../support/pictures.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

const post = (url: string, payload: object, language = 'en') =>
  app.inject({ method: 'POST', url, payload, headers: { 'accept-language': language } });

/** The practice exercise: u = w·x = −0.6, z = −0.2, dL/dx = dL/du · w = 0.111424 · (−0.2) = −0.0222847. */
const neuron = { x: 3, w: -0.2, b: 0.4, y: 0 };
/** An ASCII hyphen-minus just before a digit: a negative number written with `-`. */
const ASCII_NEGATIVE = /-\d/;

describe('negative numbers in written math', () => {
  it.each(['en', 'pt-BR'])(
    'are written with − in every step of an explanation in %s, and with - in its LaTeX',
    async (language) => {
      const res = await post('/v1/explain', { neuron, learningRate: 0.1, gradcheck: true }, language);
      expect(res.statusCode, res.body).toBe(200);
      const { steps, markdown } = res.json() as {
        steps: { key: string; text: string; latex: string; note?: string; value: unknown }[];
        markdown: string;
      };
      const decimal = language === 'en' ? '.' : ',';
      const dx = steps.find((s) => s.key === 'dL/dx')!;
      expect(dx.text).toBe(`dL/dx = dL/du · du/dx = 0${decimal}111424 · (−0${decimal}2) = −0${decimal}0222847`);
      expect(dx.latex.endsWith(`= -0${decimal === ',' ? '{,}' : '.'}0222847`), dx.latex).toBe(true);
      // dL/dx = (y_hat − y) · y_hat (1 − y_hat) · w, y_hat = σ(w x + b), by hand.
      const yHat = 1 / (1 + Math.exp(-(neuron.w * neuron.x + neuron.b)));
      expect(dx.value).toBeCloseTo((yHat - neuron.y) * yHat * (1 - yHat) * neuron.w, 15);
      for (const s of steps) {
        expect(s.text, s.text).not.toMatch(ASCII_NEGATIVE);
        expect(s.note ?? '', s.note).not.toMatch(ASCII_NEGATIVE);
        expect(s.latex, s.latex).not.toContain('−');
      }
      expect(markdown).not.toMatch(ASCII_NEGATIVE);
    },
  );

  it('are written with − in feedback, and the number copied from it is graded as an answer', async () => {
    // dL/dx = −0.0222847…: −0.02 is rounded too early for 4 significant figures.
    const problem = { neuron, tolerance: { sigfigs: 4 } };
    const res = await post('/v1/grade', { ...problem, answers: { 'dL/dx': -0.02 } });
    expect(res.statusCode, res.body).toBe(200);
    const [result] = res.json().results as { diagnosis: string; feedback: string }[];
    expect(result.diagnosis).toBe('rounding');
    expect(result.feedback).toContain('−0.0222847');
    expect(result.feedback).toContain('(−0.02)');
    expect(result.feedback).not.toMatch(ASCII_NEGATIVE);
    const pasted = /−0\.0222847/.exec(result.feedback)![0];
    const again = await post('/v1/grade', { ...problem, answers: { 'dL/dx': pasted } });
    expect(again.json().results[0]).toMatchObject({ correct: true, submitted: -0.0222847 });

    const pt = await post('/v1/grade', { ...problem, answers: { 'dL/dx': '-0,02' } }, 'pt-BR');
    expect(pt.json().results[0].feedback).toContain('−0,0222847');
    expect(pt.json().results[0].feedback).not.toMatch(ASCII_NEGATIVE);
  });

  it('are written with − in the labels of a picture', async () => {
    for (const format of ['dot', 'mermaid']) {
      const res = await post(`/v1/render?format=${format}`, { neuron }, 'pt-BR');
      expect(res.statusCode, res.body).toBe(200);
      // w = −0,2 and u = w·x = −0,6; dL/dx = −0,02228 (4 significant figures).
      expect(res.body).toContain('valor −0,2');
      expect(res.body).toContain('valor −0,6');
      expect(res.body).toContain('gradiente −0,02228');
      expect(res.body).not.toMatch(/(valor|gradiente) -/);
    }
  });
});

describe("POST /v1/render: the statement's own names", () => {
  /** The op labels of a picture in each format. */
  async function opLabels(payload: object): Promise<Record<'svg' | 'dot' | 'mermaid', string>> {
    const [svg, dot, mermaid] = await Promise.all(
      ['svg', 'dot', 'mermaid'].map((f) => post(`/v1/render?format=${f}`, payload)),
    );
    for (const res of [svg, dot, mermaid]) expect(res.statusCode, res.body).toBe(200);
    expect(await layoutErrors(dot.body)).toEqual([]);
    expect(await mermaidType(mermaid.body)).toBe('flowchart-v2');
    return { svg: svgTexts(svg.body).join('\n'), dot: dot.body, mermaid: mermaid.body };
  }

  /** `label` as the op ellipse of each format writes it. */
  const expectOp = (labels: Record<'svg' | 'dot' | 'mermaid', string>, label: string) => {
    expect(labels.svg.split('\n')).toContain(label);
    expect(labels.dot).toContain(
      `shape=ellipse, ordering=in, style=filled, fillcolor="#eeeeee", width=0.3, height=0.3, margin="0.04,0.02", label=<${escapeHtml(label)}>`,
    );
    expect(labels.mermaid).toContain(`(("${escapeMermaid(label)}"))`);
  };

  it("draws the neuron's loss as ½(y_hat − y)², as the statement writes it", async () => {
    const labels = await opLabels({ neuron });
    expectOp(labels, '½(y_hat − y)²');
    for (const text of Object.values(labels)) expect(text).not.toMatch(/p−y|\(p/);
  });

  it("draws the tutorial's expr with its own names, literals and operators", async () => {
    const labels = await opLabels({
      graph: {
        inputs: { x: 3, y: 0 },
        params: { w: -0.2, b: 0.4 },
        expr: 'u = w·x; z = u + b; y_hat = σ(z); L = ½·(y_hat − y)²',
      },
    });
    for (const symbol of ['×', '+', 'σ', '−', '^']) expectOp(labels, symbol);
    for (const text of Object.values(labels)) expect(text).not.toMatch(/p−y|\(p/);
  });

  it("writes an op whose symbol would need made-up names with its args' names: −w, n², |s|, ½(m − y)²", async () => {
    const graph = {
      inputs: { y: 1 },
      params: { w: 0.5 },
      nodes: [
        { id: 'n', op: 'neg', args: ['w'] },
        { id: 's', op: 'square', args: ['n'] },
        { id: 'm', op: 'abs', args: ['s'] },
        { id: 'L', op: 'half_squared_error', args: ['m', 'y'] },
      ],
    };
    const labels = await opLabels({ graph });
    for (const label of ['−w', 'n²', '|s|', '½(m − y)²']) expectOp(labels, label);
    for (const text of Object.values(labels)) expect(text).not.toMatch(/[−|(]x\b|x²|p−y/);
  });
});
