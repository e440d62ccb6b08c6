/**
 * POST /v1/explain of the layer ops (issue 17): each op in the student's notation, its local
 * derivative as a course states it, and one element worked out whose numbers are the ones the
 * engine computes (read from /v1/gradients, never written here), in English and Portuguese, with
 * every LaTeX line parsing.
 */
import katex from 'katex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readable } from '../../../src/core/notation/numbers.js';
import { forward } from '../../../src/engine/evaluate.js';
import { compileSpec } from '../../../src/specs/index.js';
import { buildTestApp } from '../../support/app.js';
import { type LayerGraph, layerGraphs } from './layer-graphs.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

interface Step {
  phase: string;
  key: string;
  id: string;
  formula: { text: string; latex: string };
  text: string;
  latex: string;
  note?: string;
}

type Nested = number | Nested[];

const post = async (url: string, payload: object, language: string) => {
  const res = await app.inject({ method: 'POST', url, payload, headers: { 'accept-language': language } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** The op as the course writes it (forward formula), and each backward rule as it states it, by id. */
const expected: Record<keyof typeof layerGraphs, { y: string; rules: Record<string, string> }> = {
  conv2d: {
    y: 'y = conv2d(x, W) + b',
    rules: { W: 'dL/dW = corr(x, dL/dy)', x: 'dL/dx = conv2d_full(dL/dy, rot180(W))', b: 'dL/db = Σ dL/dy' },
  },
  'conv2d (stride 2, padding 1)': {
    y: 'y = conv2d(x, W, stride=2, padding=1) + b',
    rules: {
      W: 'dL/dW = corr(x, dL/dy, stride=2, padding=1)',
      x: 'dL/dx = conv2d_full(dL/dy, rot180(W), stride=2, padding=1)',
      b: 'dL/db = Σ dL/dy',
    },
  },
  max_pool2d: { y: 'y = maxpool(x)', rules: { x: 'dL/dx = route_max(dL/dy)' } },
  avg_pool2d: { y: 'y = avgpool(x)', rules: { x: 'dL/dx = spread(dL/dy) / 2²' } },
  batch_norm: {
    y: 'y = BN_gamma,beta(x)',
    rules: {
      x: 'dL/dx = gamma / (3 · √(σ² + ε)) ⊙ (3 · dL/dy − Σ dL/dy − x̂ ⊙ (Σ (dL/dy ⊙ x̂)))',
      gamma: 'dL/dgamma = Σ (dL/dy ⊙ x̂)',
      beta: 'dL/dbeta = Σ dL/dy',
    },
  },
  layer_norm: {
    y: 'y = LN_gamma,beta(x)',
    rules: {
      x: 'dL/dx = 1 / (3 · √(σ² + ε)) ⊙ (3 · (dL/dy ⊙ gamma) − Σ (dL/dy ⊙ gamma) − x̂ ⊙ (Σ ((dL/dy ⊙ gamma) ⊙ x̂)))',
      gamma: 'dL/dgamma = Σ (dL/dy ⊙ x̂)',
      beta: 'dL/dbeta = Σ dL/dy',
    },
  },
  dropout: {
    y: 'y = x ⊙ m / (1 − 0.25)',
    rules: { x: 'dL/dx = dL/dy ⊙ m / (1 − 0.25)', m: 'dL/dm = dL/dy ⊙ x / (1 − 0.25)' },
  },
  embedding: { y: 'y = W[idx]', rules: { W: 'dL/dW = scatter_add(dL/dy, idx)', idx: 'dL/didx = 0' } },
  flatten: { y: 'y = flatten(x)', rules: { x: 'dL/dx = reshape(dL/dy, 1×2×2×2)' } },
  slice: { y: 'y = x[:, 1:3]', rules: { x: 'dL/dx = place(dL/dy, [:, 1:3])' } },
  concat: { y: 'y = concat([a, c], axis=1)', rules: { a: 'dL/da = dL/dy[:, 0:1]', c: 'dL/dc = dL/dy[:, 1:3]' } },
  sum: { y: 'y = Σ_{axis=1} x', rules: { x: 'dL/dx = dL/dy' } },
  mean: { y: 'y = mean(x, axis=0)', rules: { x: 'dL/dx = dL/dy / 2' } },
};

/** A phrase of each op's rule in words, per language: what a course says of its derivative. */
const ruleWords: Record<string, [en: string, pt: string]> = {
  'dL/dW = corr': ['correlation of x with dL/dy', 'correlação de x com dL/dy'],
  'dL/dx = conv2d_full': [
    'full convolution of dL/dy with W turned by 180°',
    'convolução completa de dL/dy com W girado',
  ],
  'dL/dx = route_max': ['routes each g to the max of its window', 'leva cada g ao máximo da sua janela'],
  'dL/dx = spread': ['spreads each g / k²', 'espalha cada g / k²'],
  'dL/dx = gamma': ['three-term formula', 'fórmula de três termos'],
  'dL/dx = 1 /': ['three-term formula', 'fórmula de três termos'],
  'dL/dx = dL/dy ⊙ m': ['a dropped unit passes nothing back', 'uma unidade descartada não passa nada'],
  'dL/dW = scatter_add': ['scatter-add', 'scatter-add'],
  'dL/didx': ['its gradient is zeros', 'o seu gradiente é zero'],
  'dL/dx = reshape': ['reshaped back', 'remodelado de volta'],
  'dL/dx = place': ['put in the place of the slice', 'colocado no lugar da fatia'],
};

const at = (value: Nested, index: number[]): number =>
  index.reduce<Nested>((v, i) => (v as Nested[])[i], value) as number;

/** `x[0, 1, 2]` -> ['x', [0, 1, 2]]. */
function parseElement(text: string): [string, number[]] {
  const m = /^(.+)\[([\d, ]+)\]$/.exec(text.trim());
  if (!m) throw new Error(`not an element: ${text}`);
  return [m[1], m[2].split(', ').map(Number)];
}

/**
 * The English worked element of a note, `lhs = symbols = numbers = value` split at ` = `; an
 * element only moved (`dL/dx[0, 1] = dL/dy[0, 0] = 2`) has no numbers of its own: the value's.
 */
function workedIn(note: string | undefined): [lhs: string, symbols: string, numbers: string, value: string] {
  const m = /one element: ([^;]*)/.exec(note ?? '');
  if (!m) throw new Error(`no worked element in ${note}`);
  const parts = m[1].split(' = ');
  const value = parts[parts.length - 1];
  return [parts[0], parts[1], parts.length > 3 ? parts[2] : value, value];
}

/** The numbers of a worked element evaluated by the service's own expr parser. */
function evaluate(numbers: string): number {
  const expr = numbers.replaceAll('·', '*').replaceAll('−', '-').replaceAll('√(', 'sqrt(');
  const tape = compileSpec({ graph: { expr: `d = ${expr}` } });
  return forward(tape)[tape.offset[tape.output]];
}

/** Equal up to the rounding of the numbers written (6 significant figures each) in `numbers`. */
const close = (a: number, b: number, numbers: string) => {
  const written = (numbers.match(/\d+(\.\d+)?(e−?\d+)?/g) ?? []).map((n) => Math.abs(Number(n.replace('−', '-'))));
  return Math.abs(a - b) <= 1e-9 + 1e-5 * written.reduce((x, y) => x + y, Math.abs(b));
};

describe.each(Object.keys(layerGraphs) as (keyof typeof layerGraphs)[])('POST /v1/explain: %s', (name) => {
  const graph: LayerGraph = layerGraphs[name];

  it('writes the op in notation and its rule, with one element worked out with the engine numbers (en)', async () => {
    const e = await post('/v1/explain', { graph }, 'en');
    const g = await post('/v1/gradients', { graph }, 'en');
    const steps: Step[] = e.steps;
    const y = steps.find((s) => s.phase === 'forward' && s.id === 'y')!;
    expect(y.formula.text).toBe(expected[name].y);
    // The forward element: the result's element, and its numbers adding up to it.
    const [lhs, , numbers, value] = workedIn(y.note);
    const [, index] = parseElement(lhs);
    const engine = at(g.values.y, index);
    expect(value).toBe(readable(engine, 'en'));
    // An embedding's element is a row of W named by idx: no numbers to add up.
    if (!/[…[]|max\(/.test(numbers)) expect(close(evaluate(numbers), engine, numbers), numbers).toBe(true);
    if (numbers.startsWith('max('))
      expect(
        Math.max(
          ...numbers
            .slice(4, -1)
            .split(', ')
            .map((n) => Number(n.replace('−', '-'))),
        ),
      ).toBe(Number(value));

    for (const [id, rule] of Object.entries(expected[name].rules)) {
      const s = steps.find((s) => s.phase === 'backward' && s.id === id)!;
      expect(s.formula.text).toBe(rule);
      const words = Object.entries(ruleWords).find(([prefix]) => rule.startsWith(prefix));
      if (words) expect(s.note).toContain(words[1][0]);
      if (id === 'idx') continue;
      const [lhs, , numbers, value] = workedIn(s.note);
      const [of, index] = parseElement(lhs);
      expect(of).toBe(`dL/d${id}`);
      const engine = at(g.gradients[id], index);
      expect(value, s.note).toBe(readable(engine, 'en'));
      if (!numbers.includes('…'))
        expect(close(evaluate(numbers), engine, numbers), `${numbers} = ${engine}`).toBe(true);
    }
  });

  it('says the same in Portuguese, with the engine numbers written with a decimal comma', async () => {
    const e = await post('/v1/explain', { graph }, 'pt-BR');
    const g = await post('/v1/gradients', { graph }, 'pt-BR');
    const steps: Step[] = e.steps;
    for (const [id, rule] of Object.entries(expected[name].rules)) {
      const s = steps.find((s) => s.phase === 'backward' && s.id === id)!;
      const words = Object.entries(ruleWords).find(([prefix]) => rule.startsWith(prefix));
      if (words) expect(s.note).toContain(words[1][1]);
      if (id === 'idx') continue;
      const m = /um elemento: (dL\/d\w+\[[\d, ]+\]) = /.exec(s.note ?? '');
      expect(m, s.note).not.toBeNull();
      const [, index] = parseElement(m![1]);
      expect(s.note).toContain(` = ${readable(at(g.gradients[id], index), 'pt-BR')}`);
      expect(s.note).not.toContain('one element');
    }
    expect(e.markdown).toContain('um elemento: ');
    expect(e.markdown).toContain('### Passo para trás (regra da cadeia)');
  });

  it('writes LaTeX that KaTeX parses and text with the minus sign −, in both languages', async () => {
    for (const language of ['en', 'pt-BR']) {
      const e = await post('/v1/explain', { graph, learningRate: 0.1, gradcheck: true }, language);
      for (const s of e.steps as Step[]) {
        for (const latex of [s.latex, s.formula.latex])
          expect(() => katex.renderToString(latex, { throwOnError: true }), latex).not.toThrow();
        expect(s.text).not.toMatch(/-\d/);
        expect(s.note ?? '').not.toMatch(/-\d/);
      }
    }
  });
});

describe('POST /v1/explain: large layer tensors', () => {
  it('summarizes a tensor of more than 100 numbers and bounds a worked sum of many terms', async () => {
    const x = [
      Array.from({ length: 3 }, (_, c) =>
        Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, j) => ((c + i * 12 + j) % 7) / 7 - 0.5)),
      ),
    ];
    const W = [
      Array.from({ length: 3 }, (_, c) =>
        Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => ((c + i + j) % 3) - 1)),
      ),
    ];
    const graph = {
      inputs: { x },
      params: { W, b: [0.1] },
      nodes: [
        { id: 'y', op: 'conv2d', args: ['x', 'W', 'b'] },
        { id: 'L', op: 'mean', args: ['y'] },
      ],
    };
    const e = await post('/v1/explain', { graph }, 'en');
    const g = await post('/v1/gradients', { graph }, 'en');
    const dW = (e.steps as Step[]).find((s) => s.key === 'dL/dW')!;
    // x is 3 x 12 x 12 = 432 numbers: written with its first and last 3 rows and columns.
    expect(dW.text).toContain('…');
    expect(dW.note).toContain('a sum of 64 terms');
    const [lhs, , , value] = workedIn(dW.note);
    expect(value).toBe(readable(at(g.gradients.W, parseElement(lhs)[1]), 'en'));
    const y = (e.steps as Step[]).find((s) => s.key === 'y')!;
    expect(y.note).toContain('a sum of 76 terms');
    expect(y.text.length).toBeLessThan(5_000);
  });
});
