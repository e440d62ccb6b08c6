/**
 * POST /v1/explain as a specification: the tutorial's worked example explained in both
 * languages reproduces every number of the tutorial's text, in the exact fields and rounded in
 * the text, the LaTeX and the Markdown; the exercise's chain rule reads as the tutorial writes
 * it; a network is explained layer by layer with /v1/gradients' numbers; the steps come in the
 * tutorial's order, in the student's notation (never an op's name), and every LaTeX line parses.
 */
import katex from 'katex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opNames } from '../../../src/engine/ops.js';
import * as library from '../../../src/index.js';
import { buildTestApp } from '../../support/app.js';
import { exampleSpecs } from '../../../src/schemas/examples.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
let app: App;
let onWorker: App;
beforeAll(async () => {
  [app, onWorker] = await Promise.all([buildTestApp({ pool: false }), buildTestApp({ offloadWork: 0 })]);
});
afterAll(() => Promise.all([app.close(), onWorker.close()]));

interface Step {
  phase: string;
  key: string;
  id: string;
  layer?: number;
  formula: { text: string; latex: string };
  text: string;
  latex: string;
  value: unknown;
  note?: string;
  incoming?: { from: string; gradient: unknown; local?: number; contribution: unknown }[];
}
interface Explanation {
  output: string;
  locale: string;
  steps: Step[];
  markdown: string;
  warnings: unknown[];
}

const post = (url: string, payload: object, language = 'en', on = app) =>
  on.inject({ method: 'POST', url, payload, headers: { 'accept-language': language } });

async function explain(payload: object, language = 'en'): Promise<Explanation> {
  const res = await post('/v1/explain', payload, language);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const step = (e: Explanation, phase: string, key: string): Step => {
  const found = e.steps.find((s) => s.phase === phase && s.key === key);
  if (!found) throw new Error(`no ${phase} step ${key} in ${e.steps.map((s) => `${s.phase}:${s.key}`).join(', ')}`);
  return found;
};

// ---------------------------------------------------------------------------------------------
// The tutorial's worked example in its three forms.

const worked = { x: 2, w: 0.5, b: -1, y: 1 };
const forms: Record<string, object> = {
  neuron: { neuron: { ...worked, activation: 'sigmoid', loss: 'half_squared_error' } },
  'graph nodes': {
    graph: {
      inputs: { x: 2, y: 1 },
      params: { w: 0.5, b: -1 },
      nodes: [
        { id: 'u', op: 'mul', args: ['w', 'x'] },
        { id: 'z', op: 'add', args: ['u', 'b'] },
        { id: 'y_hat', op: 'sigmoid', args: ['z'] },
        { id: 'L', op: 'half_squared_error', args: ['y_hat', 'y'] },
      ],
    },
  },
  expr: {
    graph: {
      inputs: { x: 2, y: 1 },
      params: { w: 0.5, b: -1 },
      expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
    },
  },
};

/** Every number of the tutorial's text, worked by hand: the step that computes it and its value. */
const tutorial: [phase: string, key: string, value: number, en: string, pt: string][] = [
  ['forward', 'u', 1, '1', '1'], // u = w·x = 0.5 · 2
  ['forward', 'z', 0, '0', '0'], // z = u + b = 1 + (-1)
  ['forward', 'y_hat', 0.5, '0.5', '0,5'], // σ(0) = 1 / (1 + e^0)
  ['forward', 'L', 0.125, '0.125', '0,125'], // ½(0.5 − 1)²
  ['backward', 'dL/dy_hat', -0.5, '−0.5', '−0,5'], // y_hat − y
  ['local', 'dy_hat/dz', 0.25, '0.25', '0,25'], // σ'(0) = 0.5 · (1 − 0.5)
  ['backward', 'dL/dz', -0.125, '−0.125', '−0,125'], // -0.5 · 0.25
  ['backward', 'dL/dw', -0.25, '−0.25', '−0,25'], // -0.125 · x
  ['backward', 'dL/db', -0.125, '−0.125', '−0,125'], // -0.125 · 1
  ['update', 'step(w)', 0.525, '0.525', '0,525'], // 0.5 − 0.1 · (-0.25)
  ['update', 'step(b)', -0.9875, '−0.9875', '−0,9875'], // -1 − 0.1 · (-0.125)
];

describe("POST /v1/explain: the tutorial's worked example (x=2, w=0.5, b=-1, y=1, learningRate 0.1)", () => {
  describe.each(Object.keys(forms))('as %s', (form) => {
    it.each(['en', 'pt-BR'])(
      'reproduces every number of the tutorial in %s: exact in the fields, rounded in text, LaTeX and Markdown',
      async (language) => {
        const e = await explain({ ...forms[form], learningRate: 0.1 }, language);
        expect(e.locale).toBe(language);
        for (const [phase, key, value, en, pt] of tutorial) {
          const s = step(e, phase, key);
          expect(s.value, key).toBeCloseTo(value, 14);
          const written = language === 'en' ? en : pt;
          expect(s.text.endsWith(`= ${written}`), `${key}: ${s.text}`).toBe(true);
          // The text's minus sign is U+2212 (written math); LaTeX writes `-`.
          expect(s.latex.endsWith(`= ${written.replace('−', '-').replace(',', '{,}')}`), `${key}: ${s.latex}`).toBe(
            true,
          );
          expect(e.markdown).toContain(`\`${s.text}\``);
        }
        if (language === 'pt-BR') for (const s of e.steps) expect(s.text, s.text).not.toMatch(/\d\.\d/);
      },
    );

    it('has the exact numbers of /v1/gradients and /v1/step', async () => {
      const e = await explain({ ...forms[form], learningRate: 0.1 });
      const gradients = (await post('/v1/gradients', forms[form])).json();
      const stepped = (await post('/v1/step', { ...forms[form], learningRate: 0.1 })).json();
      for (const id of ['u', 'z', 'y_hat', 'L']) expect(step(e, 'forward', id).value).toBe(gradients.values[id]);
      for (const id of ['y_hat', 'z', 'w', 'b'])
        expect(step(e, 'backward', `dL/d${id}`).value).toBe(gradients.gradients[id]);
      for (const id of ['w', 'b']) expect(step(e, 'update', `step(${id})`).value).toBe(stepped.params[id]);
      const sigmoidLocal = gradients.local.find(
        (l: { of: string; wrt: string }) => l.of === 'y_hat' && l.wrt === 'z',
      ).value;
      expect(step(e, 'local', 'dy_hat/dz').value).toBe(sigmoidLocal);
    });
  });

  it('writes the chain rule as the gradient from above times the local derivative', async () => {
    const e = await explain({ ...forms.neuron, learningRate: 0.1 });
    expect(step(e, 'forward', 'u').text).toBe('u = w · x = 0.5 · 2 = 1');
    expect(step(e, 'forward', 'z').text).toBe('z = u + b = 1 + (−1) = 0');
    expect(step(e, 'forward', 'y_hat').text).toBe('y_hat = σ(z) = σ(0) = 0.5');
    expect(step(e, 'forward', 'L').text).toBe('L = ½(y_hat − y)² = ½(0.5 − 1)² = 0.125');
    expect(step(e, 'local', 'dy_hat/dz').text).toBe("dy_hat/dz = σ'(z) = y_hat · (1 − y_hat) = 0.5 · (1 − 0.5) = 0.25");
    expect(step(e, 'backward', 'dL/dy_hat').text).toBe('dL/dy_hat = y_hat − y = 0.5 − 1 = −0.5');
    const dz = step(e, 'backward', 'dL/dz');
    expect(dz.text).toBe('dL/dz = dL/dy_hat · dy_hat/dz = −0.5 · 0.25 = −0.125');
    expect(dz.formula.text).toBe('dL/dz = dL/dy_hat · dy_hat/dz');
    expect(dz.incoming).toEqual([{ from: 'y_hat', gradient: -0.5, local: 0.25, contribution: -0.125 }]);
    expect(step(e, 'backward', 'dL/dw').text).toBe('dL/dw = dL/du · du/dw = −0.125 · 2 = −0.25');
    expect(step(e, 'backward', 'dL/db').text).toBe('dL/db = dL/dz · dz/db = −0.125 · 1 = −0.125');
    const w = step(e, 'update', 'step(w)');
    expect(w.text).toBe('w ← w − η · dL/dw = 0.5 − 0.1 · (−0.25) = 0.525');
    expect(w).toMatchObject({ before: 0.5, gradient: -0.25, learningRate: 0.1 });
  });

  it("composes an expr statement's local derivative through its parts: dL/dy_hat = 0.5 · 2 · (y_hat − y)", async () => {
    const e = await explain(forms.expr);
    expect(step(e, 'forward', 'L').text).toBe('L = 0.5 · (y_hat − y)² = 0.5 · (0.5 − 1)² = 0.125');
    expect(step(e, 'local', 'dL/dy_hat').text).toBe('dL/dy_hat = 0.5 · 2 · (y_hat − y) = 0.5 · 2 · (0.5 − 1) = −0.5');
    // The generated ids of the parts are not steps of their own.
    expect(e.steps.filter((s) => s.id.startsWith('_t') || s.text.includes('_t'))).toEqual([]);
  });

  it('adds the finite-difference check when asked, (L(w + ε) − L(w − ε)) / 2ε against backpropagation', async () => {
    const e = await explain({ ...forms.neuron, gradcheck: true });
    const fd = step(e, 'gradcheck', 'fd(dL/dw)') as Step & {
      lossPlus: number;
      lossMinus: number;
      epsilon: number;
      analytic: number;
      pass: boolean;
    };
    // L(w ± ε) = ½(σ(2(w ± ε) − 1) − 1)², by hand.
    const loss = (w: number) => 0.5 * (1 / (1 + Math.exp(-(w * 2 - 1))) - 1) ** 2;
    expect(fd).toMatchObject({ epsilon: 1e-4, analytic: -0.25, pass: true });
    expect(fd.lossPlus).toBeCloseTo(loss(0.5001), 15);
    expect(fd.lossMinus).toBeCloseTo(loss(0.4999), 15);
    expect(fd.value).toBeCloseTo(-0.25, 8);
    expect(fd.text).toMatch(
      /^fd\(dL\/dw\) = \(L\(w \+ ε\) − L\(w − ε\)\) \/ 2ε = \(0\.124975\d* − 0\.125025\d*\) \/ \(2 · 0\.0001\) = −0\.25$/,
    );
    expect(fd.note).toContain('backpropagation gave −0.25');
  });
});

// ---------------------------------------------------------------------------------------------

describe('POST /v1/explain: the practice exercise (x=3, w=-0.2, b=0.4, y=0)', () => {
  const exercise = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };

  // Each number is the exact value rounded to 6 significant figures: dL/dz = 0.11142354613661343
  // (README, /v1/gradients' dL/db) reads 0.111424. (0.111423 is the product of the two rounded
  // factors, 0.1114227, which no rounding of the exact values gives.)
  it('shows dL/dz = dL/dy_hat · dy_hat/dz = 0.450166 · 0.247517 = 0.111424', async () => {
    const e = await explain(exercise);
    const dz = step(e, 'backward', 'dL/dz');
    expect(dz.text).toBe('dL/dz = dL/dy_hat · dy_hat/dz = 0.450166 · 0.247517 = 0.111424');
    expect(dz.value).toBe(0.11142354613661343);
    expect(step(await explain(exercise, 'pt-BR'), 'backward', 'dL/dz').text).toBe(
      'dL/dz = dL/dy_hat · dy_hat/dz = 0,450166 · 0,247517 = 0,111424',
    );
    expect(step(e, 'backward', 'dL/dw').text).toBe('dL/dw = dL/du · du/dw = 0.111424 · 3 = 0.334271');
  });

  it('adds the contributions of an id that feeds several nodes', async () => {
    const e = await explain({ graph: { inputs: { x: 3 }, params: { a: 2 }, expr: 'u = a*x; v = x*x; L = u + v' } });
    const dx = step(e, 'backward', 'dL/dx');
    expect(dx.formula.text).toBe('dL/dx = dL/du · du/dx + dL/dv · dv/dx');
    expect(dx.text).toBe('dL/dx = dL/du · du/dx + dL/dv · dv/dx = 1 · 2 + 1 · 6 = 8');
    expect(dx.incoming).toEqual([
      { from: 'u', gradient: 1, local: 2, contribution: 2 },
      { from: 'v', gradient: 1, local: 6, contribution: 6 },
    ]);
    expect(step(e, 'local', 'dv/dx').text).toBe('dv/dx = x + x = 3 + 3 = 6');
  });
});

// ---------------------------------------------------------------------------------------------

const network = { network: exampleSpecs.network };

describe('POST /v1/explain: a 2-2-1 network, layer by layer', () => {
  it("writes dL/dz = dL/da ⊙ f'(z), dL/dW = (dL/dz)ᵀ a_prev, dL/db = Σ dL/dz, dL/da_prev = dL/dz W with /v1/gradients' numbers", async () => {
    const e = await explain(network);
    const { layers } = (await post('/v1/gradients', network)).json();
    const backward = e.steps.filter((s) => s.phase === 'backward');
    expect(backward.map((s) => [s.key, s.layer])).toEqual([
      ['dL/da2', 2],
      ['dL/dz2', 2],
      ['dL/dW2', 2],
      ['dL/db2', 2],
      ['dL/da1', 1],
      ['dL/dz1', 1],
      ['dL/dW1', 1],
      ['dL/db1', 1],
    ]);
    const formula = (key: string) => step(e, 'backward', key).formula.text;
    expect(formula('dL/dz2')).toBe("dL/dz2 = dL/da2 ⊙ σ'(z2)");
    expect(formula('dL/dW2')).toBe('dL/dW2 = (dL/dz2)ᵀ a1');
    expect(formula('dL/db2')).toBe('dL/db2 = Σ dL/dz2');
    expect(formula('dL/da1')).toBe('dL/da1 = dL/dz2 W2');
    expect(formula('dL/dz1')).toBe("dL/dz1 = dL/da1 ⊙ relu'(z1)");
    expect(formula('dL/dW1')).toBe('dL/dW1 = (dL/dz1)ᵀ x');
    expect(formula('dL/db1')).toBe('dL/db1 = Σ dL/dz1');
    layers.forEach((layer: Record<string, unknown>, i: number) => {
      for (const id of ['a', 'z', 'W', 'b'])
        expect(step(e, 'backward', `dL/d${id}${i + 1}`).value).toEqual(layer[`dL/d${id}`]);
      expect(step(e, 'forward', `z${i + 1}`).value).toEqual(layer.z);
      expect(step(e, 'forward', `a${i + 1}`).value).toEqual(layer.a);
    });
    // relu'(z1) at z1 = [[-0.15, 0.65]] is [[0, 1]]: the unit that is off passes nothing back.
    expect(step(e, 'backward', 'dL/dz1').text).toBe(
      "dL/dz1 = dL/da1 ⊙ relu'(z1) = [[−0.132285, 0.132285]] ⊙ [[0, 1]] = [[0, 0.132285]]",
    );
    expect(step(e, 'forward', 'a1').text).toBe('a1 = relu(z1) = relu([[−0.15, 0.65]]) = [[0, 0.65]]');
    const md = e.markdown.slice(e.markdown.indexOf('### Backward pass'));
    expect(md.indexOf('**Layer 2**')).toBeLessThan(md.indexOf('**Layer 1**'));
  });

  it('writes matrices with ; between elements in Portuguese', async () => {
    const e = await explain(network, 'pt-BR');
    expect(step(e, 'backward', 'dL/dW1').text).toBe(
      'dL/dW1 = (dL/dz1)ᵀ x = [[0; 0,132285]]ᵀ [[0,5; −1]] = [[0; 0]; [0,0661425; −0,132285]]',
    );
    expect(e.markdown).toContain('**Camada 1**');
  });
});

// ---------------------------------------------------------------------------------------------

const examples: Record<string, object> = {
  ...forms,
  exercise: { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } },
  network,
  'a batch with tanh and bce': {
    network: {
      x: [
        [0.5, 1],
        [-1, 2],
      ],
      y: [[1], [0]],
      loss: 'bce',
      layers: [
        {
          W: [
            [0.2, -0.1],
            [0.4, 0.3],
          ],
          b: [0.1, 0],
          activation: 'tanh',
        },
        { W: [[0.7, -0.3]], b: [0], activation: 'sigmoid' },
      ],
    },
  },
  'tensors through expr': {
    graph: {
      inputs: {
        x: [
          [1, 2],
          [3, 4],
        ],
        y: [[1], [0]],
      },
      params: { W: [[0.1, 0.2]], c: 0.5 },
      expr: 'h = matmul(x, transpose(W)); p = sigmoid(h) * c; L = mean((p - y)^2)',
    },
  },
  'every scalar op': {
    graph: {
      inputs: { x: 0.3, y: 2 },
      expr: 'a = x / y - exp(x) + log(y) + sqrt(y) + abs(x) + x^y + tanh(x) + sin(x) * cos(y); b = relu(a) + leaky_relu(-a) + softplus(x) - x; L = bce(sigmoid(b), 0.25) + mse(b, 1) + half_squared_error(x, y) + bce_with_logits(x, 1)',
    },
  },
  softmax: {
    graph: {
      inputs: { l: [[1, 2, 0.5]], y: [[0, 1, 0]] },
      nodes: [
        { id: 's', op: 'log_softmax', args: ['l'] },
        { id: 'L', op: 'softmax_cross_entropy', args: ['s', 'y'] },
      ],
    },
  },
};

/** Every LaTeX string of an explanation, with where it came from. */
const latexOf = (e: Explanation): [string, string][] =>
  e.steps.flatMap(
    (s) =>
      [
        [`${s.key} (line)`, s.latex],
        [`${s.key} (formula)`, s.formula.latex],
      ] as [string, string][],
  );

describe('POST /v1/explain: a summed loss of tensors', () => {
  it('writes the gradient of each prediction element as one term (y − T), summed only where the target was broadcast', async () => {
    const lib = (graph: object) => library.explain({ graph } as Parameters<typeof library.explain>[0]);
    const keyed = (e: Awaited<ReturnType<typeof lib>>, key: string) => e.steps.find((s) => s.key === key)!;
    const same = lib({ inputs: { T: [1, 2] }, params: { y: [0.5, 0.25] }, expr: 'L = half_squared_error(y, T)' });
    expect(keyed(same, 'dL/dy').formula.text).toBe('dL/dy = y − T');
    expect(keyed(same, 'dL/dT').formula.text).toBe('dL/dT = −(y − T)');
    expect(keyed(same, 'dL/dy').value).toEqual(
      library.gradients({
        graph: { inputs: { T: [1, 2] }, params: { y: [0.5, 0.25] }, expr: 'L = half_squared_error(y, T)' },
      }).gradients.y,
    );
    const broadcast = lib({
      inputs: { T: [1, 2] },
      params: {
        y: [
          [0.5, 0.25],
          [1, 3],
        ],
      },
      expr: 'L = half_squared_error(y, T)',
    });
    expect(keyed(broadcast, 'dL/dy').formula.text).toBe('dL/dy = y − T');
    expect(keyed(broadcast, 'dL/dT').formula.text).toMatch(/^dL\/dT = Σ/);
  });
});

describe('POST /v1/explain: order, notation and LaTeX', () => {
  it('gives the forward pass in evaluation order, then the local derivatives and the backward pass from the output down, then the update and the check', async () => {
    const e = await explain({ ...forms.neuron, learningRate: 0.1, gradcheck: true });
    const phases = e.steps.map((s) => s.phase);
    expect(phases.filter((p, i) => p !== phases[i - 1])).toEqual([
      'forward',
      'local',
      'backward',
      'update',
      'gradcheck',
    ]);
    expect(e.steps.filter((s) => s.phase === 'forward').map((s) => s.key)).toEqual(['u', 'z', 'y_hat', 'L']);
    expect(e.steps.filter((s) => s.phase === 'local').map((s) => s.key)).toEqual([
      'dL/dy_hat',
      'dL/dy',
      'dy_hat/dz',
      'dz/du',
      'dz/db',
      'du/dw',
      'du/dx',
    ]);
    const backward = e.steps.filter((s) => s.phase === 'backward').map((s) => s.key);
    expect(backward.slice(0, 2)).toEqual(['dL/dy_hat', 'dL/dz']);
    expect(backward.indexOf('dL/du')).toBeLessThan(backward.indexOf('dL/dw'));
    expect(e.steps.filter((s) => s.phase === 'update').map((s) => s.key)).toEqual(['step(w)', 'step(b)']);
    expect(e.steps.filter((s) => s.phase === 'gradcheck').map((s) => s.key)).toEqual(['fd(dL/dw)', 'fd(dL/db)']);
    const md = e.markdown;
    const headings = [
      '### Forward pass',
      '### Local derivatives',
      '### Backward pass (chain rule)',
      '### Update',
      '### Finite-difference check',
    ].map((h) => md.indexOf(h));
    expect(headings.every((at, i) => at >= 0 && (i === 0 || at > headings[i - 1]))).toBe(true);
  });

  const opCalls = new RegExp(
    `\\b(${opNames.filter((n) => !['relu', 'leaky_relu', 'softplus', 'tanh', 'sin', 'cos', 'softmax', 'log_softmax', 'mean'].includes(n)).join('|')})\\(`,
  );

  it.each(Object.keys(examples))(
    '%s: names no op in any text (the notation the student wrote), and every LaTeX line parses with KaTeX',
    async (name) => {
      for (const language of ['en', 'pt-BR']) {
        const e = await explain({ ...examples[name], learningRate: 0.1, gradcheck: true }, language);
        for (const s of e.steps) {
          expect(s.text, s.text).not.toMatch(opCalls);
          expect(s.formula.text, s.formula.text).not.toMatch(opCalls);
        }
        expect(e.markdown).not.toMatch(opCalls);
        for (const [where, latex] of latexOf(e)) {
          let open = 0;
          for (const c of latex) {
            open += c === '{' ? 1 : c === '}' ? -1 : 0;
            expect(open, `${where}: ${latex}`).toBeGreaterThanOrEqual(0);
          }
          expect(open, `${where}: ${latex}`).toBe(0);
          expect((latex.match(/\\left\b/g) ?? []).length, `${where}: ${latex}`).toBe(
            (latex.match(/\\right\b/g) ?? []).length,
          );
          expect(() => katex.renderToString(latex, { throwOnError: true }), `${where}: ${latex}`).not.toThrow();
        }
      }
    },
  );

  it("writes Portuguese with the tutorial's terms", async () => {
    const e = await explain({ ...forms.neuron, learningRate: 0.1, gradcheck: true }, 'pt-BR');
    for (const term of [
      'Passo para frente',
      'Derivadas locais',
      'derivada local',
      'Passo para trás',
      'regra da cadeia',
      'gradiente',
      'perda',
      'Atualização',
      'taxa de aprendizado',
      'diferenças finitas',
    ]) {
      expect(e.markdown).toContain(term);
    }
    expect(e.markdown).not.toContain('Forward pass');
    expect(step(e, 'backward', 'dL/dy_hat').note).toContain('saída');
  });
});

// ---------------------------------------------------------------------------------------------

describe('POST /v1/explain: limits and where it runs', () => {
  it('refuses a graph of more than 300 nodes with 413, naming the limit', async () => {
    const nodes = Array.from({ length: 301 }, (_, i) => ({
      id: `t${i + 1}`,
      op: 'add',
      args: [i === 0 ? 'x' : `t${i}`, 1],
    }));
    const res = await post('/v1/explain', { graph: { inputs: { x: 1 }, nodes } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({
      code: 'TOO_LARGE',
      errors: [{ path: 'graph', message: expect.stringContaining('300') }],
    });
    expect((await post('/v1/explain', { graph: { inputs: { x: 1 }, nodes: nodes.slice(0, 300) } })).statusCode).toBe(
      200,
    );
  });

  it('refuses tensors of more numbers than an explanation writes out with 413', async () => {
    const res = await post('/v1/explain', {
      graph: {
        inputs: { x: Array.from({ length: 6000 }, (_, i) => i / 6000) },
        nodes: [{ id: 'L', op: 'sum', args: ['x'] }],
      },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().errors[0].message).toContain('5000');
  });

  it('refuses an output that is not a scalar, as /v1/gradients does', async () => {
    const res = await post('/v1/explain', {
      graph: { inputs: { x: [1, 2] }, nodes: [{ id: 'y', op: 'exp', args: ['x'] }] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('NON_SCALAR_OUTPUT');
  });

  it('gives the same explanation from a worker thread and from the library', async () => {
    const payload = { ...network, learningRate: 0.1, gradcheck: true };
    const here = await post('/v1/explain', payload, 'pt-BR');
    const there = await post('/v1/explain', payload, 'pt-BR', onWorker);
    expect(there.statusCode, there.body).toBe(200);
    expect(there.json()).toEqual(here.json());
    expect(library.explain(payload as library.ExplainRequest, { locale: 'pt-BR' })).toEqual(here.json());
  });

  it('is documented with examples that include a learning rate', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const post = doc.paths['/v1/explain'].post;
    expect(post.summary).toBeTruthy();
    const examples = post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples)).toEqual(expect.arrayContaining(['neuron', 'graph', 'expr', 'network']));
    expect(examples.neuron.value.learningRate).toBe(0.1);
  });
});
