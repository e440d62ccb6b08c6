/**
 * The notation as a specification: every op's written form, and its local derivative written
 * with the numbers put in, evaluate to the engine's own numbers. The written text is turned into
 * the expr grammar (`·` -> `*`, `σ(` -> `sigmoid(`, ...) and evaluated by the service's own
 * parser and forward pass; the few derivatives expr has no function for (`sign`, `relu'`) are
 * checked against their text and value. Ops on tensors are checked by the rule they write.
 */
import { describe, expect, it } from 'vitest';
import katex from 'katex';
import { EDGE_ELEMENTS, MAX_WRITTEN_ELEMENTS, Notation } from '../../../src/core/notation/node.js';
import { READING_SIGFIGS, readable } from '../../../src/core/notation/numbers.js';
import { derivativeName } from '../../../src/core/notation/written.js';
import { contributions, forward, localDerivatives } from '../../../src/engine/evaluate.js';
import type { OpName } from '../../../src/engine/ops.js';
import { argsOf, positionOf, slotOf, view } from '../../../src/engine/tape.js';
import { compileSpec } from '../../../src/specs/index.js';
import type { ValueSpec } from '../../../src/specs/spec.js';

/** Plain text of the notation in the expr grammar, so the service's parser and forward pass evaluate it. */
function asExpr(text: string): string {
  return text
    .replaceAll('·', '*')
    .replaceAll('−', '-')
    .replaceAll('²', '^2')
    .replaceAll('³', '^3')
    .replaceAll('½', '0.5*')
    .replaceAll('σ(', 'sigmoid(')
    .replaceAll('ln(', 'log(')
    .replaceAll('[', '(')
    .replaceAll(']', ')')
    .replace(/√(\d+(?:\.\d+)?)/g, 'sqrt($1)')
    .replaceAll('√(', 'sqrt(')
    .replace(/\be\^(-?\d+(?:\.\d+)?)/g, 'exp($1)')
    .replaceAll('e^(', 'exp(')
    .replace(/\|([^|]+)\|/g, 'abs($1)')
    .replace(/Σ ?(-?\d+(?:\.\d+)?)/g, 'sum($1)')
    .replace(/Σ ?\(/g, 'sum(');
}

function evaluateText(text: string): number {
  const tape = compileSpec({ graph: { expr: `d = ${asExpr(text)}` } });
  return forward(tape)[tape.offset[tape.output]];
}

const close = (actual: number, expected: number, rtol: number) =>
  Math.abs(actual - expected) <= 1e-12 + rtol * Math.abs(expected);

interface ScalarCase {
  args: number[];
  attrs?: Record<string, number>;
  /** A local derivative's text where expr has no function for it, by arg. */
  localText?: string[];
}

interface TensorCase {
  inputs: Record<string, ValueSpec>;
  args: string[];
  attrs?: Record<string, number>;
  /** What the op passes back to each arg, given the gradient `dL/dy` of its result. */
  rule: string[];
  /** How the op reads, where it is not the rule's business (the layer ops): `conv2d(x, W) + b`. */
  written?: string;
}

const cases: Record<OpName, ScalarCase | TensorCase> = {
  add: { args: [1.5, -2] },
  sub: { args: [1.5, -2] },
  mul: { args: [1.5, -2] },
  div: { args: [1.5, -2] },
  pow: { args: [1.5, 2.5] },
  neg: { args: [1.5] },
  exp: { args: [0.5] },
  log: { args: [2.5] },
  sqrt: { args: [2.25] },
  abs: { args: [-1.5], localText: ['sign(−1.5)'] },
  square: { args: [-1.5] },
  sin: { args: [0.5] },
  cos: { args: [0.5] },
  tanh: { args: [0.5] },
  sigmoid: { args: [0.5] },
  relu: { args: [0.5], localText: ["relu'(0.5)"] },
  leaky_relu: { args: [-2], attrs: { alpha: 0.1 }, localText: ["leaky_relu'(−2)"] },
  softplus: { args: [0.5] },
  identity: { args: [0.5] },
  sum: { args: [0.5] },
  mean: { args: [0.5] },
  half_squared_error: { args: [0.8, 1] },
  mse: { args: [0.8, 1] },
  bce: { args: [0.8, 0.3] },
  bce_with_logits: { args: [0.3, 0.6] },
  matmul: {
    inputs: {
      a: [
        [1, 2],
        [3, 4],
      ],
      b: [[0.5], [-1]],
    },
    args: ['a', 'b'],
    rule: ['dL/dy bᵀ', 'aᵀ dL/dy'],
  },
  transpose: { inputs: { a: [[1, 2, 3]] }, args: ['a'], rule: ['(dL/dy)ᵀ'] },
  linear: {
    inputs: {
      x: [
        [1, 2],
        [3, 4],
      ],
      W: [
        [0.5, -1],
        [2, 0],
      ],
      b: [0.1, 0.2],
    },
    args: ['x', 'W', 'b'],
    rule: ['dL/dy W', '(dL/dy)ᵀ x', 'Σ dL/dy'],
  },
  softmax: { inputs: { a: [1, 2, 0.5] }, args: ['a'], rule: ['y ⊙ (dL/dy − Σ (dL/dy ⊙ y))'] },
  log_softmax: { inputs: { a: [1, 2, 0.5] }, args: ['a'], rule: ['dL/dy − softmax(a) ⊙ (Σ dL/dy)'] },
  softmax_cross_entropy: {
    inputs: {
      l: [
        [1, 2, 0.5],
        [0, 1, 0],
      ],
      t: [
        [0, 1, 0],
        [1, 0, 0],
      ],
    },
    args: ['l', 't'],
    rule: ['dL/dy ⊙ ((softmax(l) ⊙ (Σ t) − t) / 2)', '−(dL/dy ⊙ (log_softmax(l) / 2))'],
  },
  // The layer ops as a course writes them, and their rules as it states them.
  conv2d: {
    inputs: {
      x: [
        [
          [
            [1, 2, 0],
            [0, 1, 2],
            [2, 0, 1],
          ],
        ],
      ],
      W: [
        [
          [
            [1, 0],
            [0, -1],
          ],
        ],
      ],
      b: [0.5],
    },
    args: ['x', 'W', 'b'],
    rule: ['conv2d_full(dL/dy, rot180(W))', 'corr(x, dL/dy)', 'Σ dL/dy'],
    written: 'conv2d(x, W) + b',
  },
  max_pool2d: {
    inputs: {
      x: [
        [
          [
            [1, 2],
            [4, 3],
          ],
        ],
      ],
    },
    args: ['x'],
    rule: ['route_max(dL/dy)'],
    written: 'maxpool(x)',
  },
  avg_pool2d: {
    inputs: {
      x: [
        [
          [
            [1, 2],
            [4, 3],
          ],
        ],
      ],
    },
    args: ['x'],
    rule: ['spread(dL/dy) / 2²'],
    written: 'avgpool(x)',
  },
  batch_norm: {
    inputs: {
      x: [
        [1, 2],
        [3, 5],
      ],
      g: [1, 2],
      c: [0, 1],
    },
    args: ['x', 'g', 'c'],
    rule: ['g / (2 · √(σ² + ε)) ⊙ (2 · dL/dy − Σ dL/dy − x̂ ⊙ (Σ (dL/dy ⊙ x̂)))', 'Σ (dL/dy ⊙ x̂)', 'Σ dL/dy'],
    written: 'BN_g,c(x)',
  },
  layer_norm: {
    inputs: {
      x: [
        [1, 2],
        [3, 5],
      ],
      g: [1, 2],
      c: [0, 1],
    },
    args: ['x', 'g', 'c'],
    rule: [
      '1 / (2 · √(σ² + ε)) ⊙ (2 · (dL/dy ⊙ g) − Σ (dL/dy ⊙ g) − x̂ ⊙ (Σ ((dL/dy ⊙ g) ⊙ x̂)))',
      'Σ (dL/dy ⊙ x̂)',
      'Σ dL/dy',
    ],
    written: 'LN_g,c(x)',
  },
  dropout: {
    inputs: { x: [1, 2], m: [1, 0] },
    args: ['x', 'm'],
    rule: ['dL/dy ⊙ m / (1 − 0.5)', 'dL/dy ⊙ x / (1 − 0.5)'],
    written: 'x ⊙ m / (1 − 0.5)',
  },
  embedding: {
    inputs: {
      W: [
        [1, 2],
        [3, 4],
      ],
      i: [1, 0],
    },
    args: ['W', 'i'],
    rule: ['scatter_add(dL/dy, i)', '0'],
    written: 'W[i]',
  },
  flatten: { inputs: { x: [[[1, 2]]] }, args: ['x'], rule: ['reshape(dL/dy, 1×1×2)'], written: 'flatten(x)' },
  slice: {
    inputs: { x: [1, 2, 3] },
    args: ['x'],
    attrs: { axis: 0, start: 0, end: 2 },
    rule: ['place(dL/dy, [0:2])'],
    written: 'x[0:2]',
  },
  concat: {
    inputs: { a: [1], c: [2, 3] },
    args: ['a', 'c'],
    rule: ['dL/dy[0:1]', 'dL/dy[1:3]'],
    written: 'concat([a, c])',
  },
};

const NAMES = ['a', 'b'];
const FUNCTIONS_ON_PAPER = new Set(['relu', 'leaky_relu', 'softplus', 'tanh', 'sin', 'cos', 'mean', 'sum']);

describe('the notation of each op', () => {
  describe.each(Object.keys(cases) as OpName[])('%s', (op) => {
    const c = cases[op];
    if ('rule' in c) {
      it('writes the rule that passes the gradient back to each arg', () => {
        const tape = compileSpec({
          graph: { inputs: c.inputs, nodes: [{ id: 'y', op, args: c.args, attrs: c.attrs }] },
        });
        const notation = new Notation(tape, 'en', forward(tape));
        expect(c.args.map((_, j) => notation.gradientTo(0, j, derivativeName('L', 'y')).text)).toEqual(c.rule);
        if (c.written) expect(notation.expression(0).text).toBe(c.written);
      });
      return;
    }
    const inputs = Object.fromEntries(c.args.map((x, i) => [NAMES[i], x]));
    const tape = compileSpec({
      graph: { inputs, nodes: [{ id: 'y', op, args: NAMES.slice(0, c.args.length), attrs: c.attrs }] },
    });
    const values = forward(tape);
    const notation = new Notation(tape, 'en', values);
    const { da, db } = localDerivatives(tape, values);

    it('writes its value with the numbers put in as the engine computes it', () => {
      const written = notation.substituted(0).text;
      expect(close(evaluateText(written), values[tape.offset[tape.output]], 1e-12), `${written}`).toBe(true);
      // In the student's notation, not as an op call (but relu(z), tanh(z), ... are how they are written on paper too).
      if (!FUNCTIONS_ON_PAPER.has(op)) expect(notation.expression(0).text).not.toContain(`${op}(`);
    });

    it.each(c.args.map((_, j) => j))(
      'writes its local derivative with respect to arg %i as the engine computes it',
      (j) => {
        const engine = j === 0 ? da[0] : db[0];
        const symbols = notation.local(0, j)!;
        const numbers = notation.localSubstituted(0, j)!;
        expect(symbols, 'a template in symbols').toBeDefined();
        expect(symbols.text).not.toMatch(/\d{7}/);
        const text = c.localText?.[j];
        if (text !== undefined) expect(numbers.text).toBe(text);
        // The numbers put in are rounded to 6 significant figures: the result agrees to about that.
        else
          expect(
            close(evaluateText(numbers.text), engine, 1e-5),
            `${symbols.text} = ${numbers.text} vs ${engine}`,
          ).toBe(true);
      },
    );
  });

  it('reads the kinked derivatives off at the numbers as the engine does', () => {
    const at = (op: string, x: number, attrs?: Record<string, number>) => {
      const tape = compileSpec({ graph: { inputs: { a: x }, nodes: [{ id: 'y', op, args: ['a'], attrs }] } });
      return localDerivatives(tape, forward(tape)).da[0];
    };
    expect([at('abs', -1.5), at('relu', 0.5), at('leaky_relu', -2, { alpha: 0.1 })]).toEqual([-1, 1, 0.1]);
  });
});

describe('Notation', () => {
  const tutorial = compileSpec({
    graph: {
      inputs: { x: 2, y: 1 },
      params: { w: 0.5, b: -1 },
      expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
    },
  });

  it('writes an expr statement with its parts inside it, as the student wrote it', () => {
    const notation = new Notation(tutorial, 'en', forward(tutorial));
    const L = positionOf(tutorial, slotOf(tutorial, 'L')!);
    expect(notation.statement(L).text).toBe('L = 0.5 · (y_hat − y)²');
    expect(notation.statement(L).latex).toBe('L = 0.5 \\cdot {\\left(\\hat{y} - y\\right)}^{2}');
    expect(notation.substituted(L).text).toBe('0.5 · (0.5 − 1)²');
    const parts = argsOf(tutorial, L).filter((s) => notation.isSubexpression(s));
    expect(parts.length).toBe(1);
    expect(notation.isSubexpression(slotOf(tutorial, 'y_hat')!)).toBe(false);
    // d(0.5·t²)/dt² = 0.5, d(t²)/dt = 2t written with t's own formula.
    const square = notation.positionOf(parts[0]);
    expect(notation.local(square, 0)!.text).toBe('2 · (y_hat − y)');
  });

  it('brackets a negative number after an operator, as students write it: 1 + (−1), 1 / (−1)', () => {
    const tape = compileSpec({ graph: { params: { w: -1 }, expr: 'L = 1 / w + (1 - w) * w' } });
    const notation = new Notation(tape, 'en', forward(tape));
    const L = positionOf(tape, slotOf(tape, 'L')!);
    expect(notation.substituted(L).text).toBe('1 / (−1) + (1 − (−1)) · (−1)');
    expect(notation.substituted(L).latex).toBe(
      '\\frac{1}{-1} + \\left(1 - \\left(-1\\right)\\right) \\cdot \\left(-1\\right)',
    );
    expect(evaluateText(notation.substituted(L).text)).toBe(forward(tape)[tape.offset[slotOf(tape, 'L')!]]);
  });

  it('writes the derivative of an activation by its name on paper where that is not its template', () => {
    const notation = new Notation(tutorial, 'en', forward(tutorial));
    const yHat = positionOf(tutorial, slotOf(tutorial, 'y_hat')!);
    expect(notation.prime(yHat)!.text).toBe("σ'(z)");
    expect(notation.local(yHat, 0)!.text).toBe('y_hat · (1 − y_hat)');
    expect(notation.localSubstituted(yHat, 0)!.text).toBe('0.5 · (1 − 0.5)');
  });

  it(`writes numbers rounded to ${READING_SIGFIGS} significant figures, with a decimal comma in Portuguese and U+2212 as the minus sign (LaTeX keeps -)`, () => {
    const pt = new Notation(tutorial, 'pt-BR');
    expect(pt.number(0.11142354613661343)).toMatchObject({ text: '0,111424', latex: '0{,}111424' });
    expect(pt.number(-0.25)).toMatchObject({ text: '−0,25', latex: '-0{,}25' });
    expect(new Notation(tutorial, 'en').number(-1.5e-9)).toMatchObject({
      text: '−1.5e−9',
      latex: '-1.5\\times 10^{-9}',
    });
    expect(readable(-0.6000000000000001, 'en')).toBe('\u22120.6');
    expect(new Notation(tutorial, 'en').number(1.5e-9)).toMatchObject({ text: '1.5e−9', latex: '1.5\\times 10^{-9}' });
    expect(readable(0.1 + 0.2, 'en')).toBe('0.3');
    expect(pt.array(Float64Array.of(0.5, -1, 0.25, 2), [2, 2]).text).toBe('[[0,5; −1]; [0,25; 2]]');
    expect(pt.array(Float64Array.of(0.5, -1), [2]).latex).toBe('\\begin{bmatrix} 0{,}5 & -1 \\end{bmatrix}');
  });

  it("writes the elementwise derivative of an activation on tensors as its numbers, from the op's kernel", () => {
    const tape = compileSpec({
      graph: {
        inputs: { z: [-0.5, 0.5, 2] },
        nodes: [
          { id: 'a', op: 'relu', args: ['z'] },
          { id: 'L', op: 'sum', args: ['a'] },
        ],
      },
    });
    const values = forward(tape);
    const notation = new Notation(tape, 'en', values);
    expect(notation.gradientTo(0, 0, derivativeName('L', 'a')).text).toBe("dL/da ⊙ relu'(z)");
    const g = { shape: [3], data: Float64Array.of(1, 2, 3) };
    expect(notation.gradientTo(0, 0, notation.array(g.data, g.shape), true).text).toBe('[1, 2, 3] ⊙ [0, 1, 1]');
    const x = argsOf(tape, 0).map((s) => view(tape, values, s));
    expect(Array.from(contributions(tape, 0, g, x, view(tape, values, slotOf(tape, 'a')!))[0].data)).toEqual([0, 2, 3]);
  });
});

describe('the layer ops in the notation', () => {
  const written = (
    op: string,
    inputs: Record<string, ValueSpec>,
    args: string[],
    attrs?: Record<string, number>,
    locale: 'en' | 'pt-BR' = 'en',
  ) => {
    const tape = compileSpec({ graph: { inputs, nodes: [{ id: 'y', op, args, attrs }] } });
    return new Notation(tape, locale, forward(tape));
  };
  const image = [
    [
      [
        [1, 2, 0],
        [0, 1, 2],
        [2, 0, 1],
      ],
    ],
  ];

  it('writes the attrs that are not at their default by name: stride, padding, kernel, eps, axis', () => {
    const W = [[[[1]]]];
    expect(written('conv2d', { x: image, W }, ['x', 'W'], { stride: 2, padding: 1 }).expression(0).text).toBe(
      'conv2d(x, W, stride=2, padding=1)',
    );
    expect(written('conv2d', { x: image, W }, ['x', 'W'], { stride: 1, padding: 0 }).expression(0).text).toBe(
      'conv2d(x, W)',
    );
    expect(written('max_pool2d', { x: image }, ['x'], { kernel: 2, stride: 1 }).expression(0).text).toBe(
      'maxpool(x, stride=1)',
    );
    expect(written('avg_pool2d', { x: image }, ['x'], { kernel: 3 }).expression(0).text).toBe('avgpool(x, kernel=3)');
    const norm = {
      x: [
        [1, 2],
        [3, 5],
      ],
      gamma: [1, 2],
      beta: [0, 1],
    };
    const bn = written('batch_norm', norm, ['x', 'gamma', 'beta'], { eps: 0.001 }, 'pt-BR').expression(0);
    expect(bn.text).toBe('BN_gamma;beta(x; eps=0,001)');
    expect(bn.latex).toBe('\\operatorname{BN}_{\\gamma, \\beta}\\left(x, \\text{eps}=0{,}001\\right)');
    const matrix = {
      x: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    };
    expect(written('sum', matrix, ['x'], { axis: 1 }).expression(0).text).toBe('Σ_{axis=1} x');
    expect(written('sum', matrix, ['x']).expression(0).text).toBe('Σx');
    expect(written('mean', matrix, ['x'], { axis: -1 }).expression(0).text).toBe('mean(x, axis=−1)');
    expect(written('slice', { x: [[[1, 2, 3]]] }, ['x'], { axis: -1, start: -2, end: 3 }).expression(0).text).toBe(
      'x[:, :, 1:3]',
    );
    expect(written('concat', { a: [[1]], b: [[2]] }, ['a', 'b'], { axis: 1 }).expression(0).text).toBe(
      'concat([a, b], axis=1)',
    );
  });

  it('writes the rules of a strided convolution with its stride and padding', () => {
    const n = written(
      'conv2d',
      {
        x: image,
        W: [
          [
            [
              [1, 0],
              [0, 1],
            ],
          ],
        ],
      },
      ['x', 'W'],
      { stride: 2, padding: 1 },
    );
    const g = derivativeName('L', 'y');
    expect([0, 1].map((j) => n.gradientTo(0, j, g).text)).toEqual([
      'conv2d_full(dL/dy, rot180(W), stride=2, padding=1)',
      'corr(x, dL/dy, stride=2, padding=1)',
    ]);
  });

  it(`writes a tensor of up to ${MAX_WRITTEN_ELEMENTS} numbers whole, a larger one summarized with its first and last ${EDGE_ELEMENTS} along each long axis`, () => {
    const n = new Notation(
      compileSpec({ graph: { inputs: { x: 1 }, nodes: [{ id: 'y', op: 'exp', args: ['x'] }] } }),
      'en',
    );
    const data = Float64Array.from({ length: 1 * 2 * 11 * 11 }, (_, i) => i);
    const whole = n.array(data.subarray(0, 100), [10, 10]);
    expect(whole.text.split(', ').length).toBe(100);
    const summarized = n.array(data, [1, 2, 11, 11]);
    // Each 11 x 11 channel: rows 0, 1, 2, …, 8, 9, 10; the same columns.
    expect(
      summarized.text.startsWith(
        '[[[[0, 1, 2, …, 8, 9, 10], [11, 12, 13, …, 19, 20, 21], [22, 23, 24, …, 30, 31, 32], …, [88,',
      ),
    ).toBe(true);
    expect(summarized.text).toContain('[231, 232, 233, …, 239, 240, 241]]]]');
    expect(summarized.text.match(/\d+/g)!.length).toBe(2 * 6 * 6);
    expect(() => katex.renderToString(summarized.latex, { throwOnError: true })).not.toThrow();
    expect(summarized.latex).toContain('\\cdots');
    expect(summarized.latex).toContain('\\vdots');
  });
});
