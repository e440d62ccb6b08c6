/**
 * Every sentence the service writes for a student, read as the student reads it: each diagnosis of
 * POST /v1/grade in each of its forms, a correct answer, follow-through, a wrong answer without a
 * diagnosis, the shape message and the summary; the warnings; the gradcheck notes; the words of an
 * explanation. Each is asserted whole, in English and in Brazilian Portuguese, so that the wording
 * is pinned; and no Portuguese text holds an English word outside its notation (ids, formulas,
 * quoted values).
 *
 * The answers are hand-computed from the tutorial's numbers (x = 3, w = -0.2, b = 0.4, y = 0):
 * u = w·x = -0.6, z = u + b = -0.2, y_hat = σ(z), L = ½(y_hat - y)², with a mistake applied where
 * the case says which.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnosisCodes } from '../../../src/core/grading/mistakes.js';
import { words } from '../../../src/core/explain/words.js';
import { buildTestApp } from '../../support/app.js';
import { exampleSpecs } from '../../../src/schemas/examples.js';

let app: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  app = await buildTestApp({ pool: false });
});
afterAll(() => app.close());

type Locale = 'en' | 'pt-BR';
const LOCALES: Locale[] = ['en', 'pt-BR'];

/**
 * English words of prose that no Portuguese sentence has. Words both languages write are left
 * out: "a", "as", "do", "no", "e", "for", "final", "decimal", "tensor" (um tensor de formato
 * [1, 2]), "broadcasting" (the term of art, as numpy's Portuguese readers use it), and the
 * notation's `mean`.
 */
const ENGLISH = new Set(
  (
    'the of is are was be and or with at to from by on in not but so if it its this that which where each every one you your ' +
    'answer answers expected shape step steps correct incorrect wrong value values gradient gradients derivative derivatives sign ' +
    'flipped size update rounded rounding round digits digit place places earlier keep recompute check loss learning rate ' +
    'number whole missing factor product square activation chain rule error carried given passes fails because kink nudge ' +
    'perturbation input inputs output node nodes layer forward backward pass finite infinite written strings diverged compares ' +
    'prediction target broadcasts than too more only once exactly path paths enough here tolerance coarse empty element elements ' +
    'rows list read write try smaller problem always depend depends does multiply used belongs off brings down moves against ' +
    'along descent intermediate results analytic numeric differ differences nudged backpropagation'
  ).split(' '),
);

/** A few Portuguese words no English sentence has. */
const PORTUGUESE = new Set(
  'não você sua seu é está da dos das em para um uma com então ou mas incorreto correto resposta derivada sinal valor caminho'.split(
    ' ',
  ),
);

/**
 * The words of a text outside its notation: quoted values and ids ('abc', `u = w · x`) are left
 * out, and so is every token that holds a symbol of notation (dL/dw, step(w), y_hat, σ'(z), 10^4).
 */
function proseWords(text: string): string[] {
  const unquoted = text.replace(/`[^`]*`/g, ' ').replace(/(^|[\s(])'[^']*'(?=[\s,.;:)]|$)/g, '$1 ');
  return unquoted
    .split(/\s+/)
    .map((token) => token.replace(/^[("]+|[)".,;:!?—]+$/g, ''))
    .filter((token) => token !== '' && !/[^\p{L}]/u.test(token))
    .map((token) => token.toLowerCase());
}

/** The English words in a Portuguese text, or the Portuguese words in an English one: none is expected. */
function foreignWords(text: string, locale: Locale): string[] {
  const foreign = locale === 'pt-BR' ? ENGLISH : PORTUGUESE;
  return proseWords(text).filter((word) => foreign.has(word));
}

/** Asserts a text is the expected one, and holds no word of the other language. */
function expectSentence(text: string, expected: string, locale: Locale): void {
  expect(text).toBe(expected);
  expect(foreignWords(text, locale), text).toEqual([]);
}

describe('the check for English in Portuguese', () => {
  it('finds the English words the shape message once had, and passes notation, ids and quoted values', () => {
    expect(foreignWords('dL/dW2: esperava-se a tensor of shape [1, 2].', 'pt-BR')).toEqual(['of', 'shape']);
    expect(
      foreignWords(
        "step(w): incorreto. Refaça o cálculo: w ← w − lr · dL/dw; não conseguimos ler 'the answer'.",
        'pt-BR',
      ),
    ).toEqual([]);
    expect(foreignWords('y_hat: you rounded 0,45 para 1 casa decimal.', 'pt-BR')).toEqual(['you', 'rounded']);
    expect(foreignWords('dL/dw: the sign está trocado.', 'en')).toEqual(['está']);
  });
});

// ---------------------------------------------------------------------------------------------
// POST /v1/grade

const LEARNING_RATE = 0.1;
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** The tutorial's neuron, by hand. */
const NEURON = { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } };
const yHat = sigmoid(-0.2);
/** dL/dy_hat = y_hat − y; dy_hat/dz = y_hat (1 − y_hat); dL/dz = dL/du = dL/db their product; dL/dw = dL/du · x. */
const dLdyHat = yHat;
const dLdz = dLdyHat * yHat * (1 - yHat);
const dLdw = dLdz * 3;
/** One SGD step: w − lr · dL/dw. */
const stepW = -0.2 - LEARNING_RATE * dLdw;

/** The same neuron in the tutorial's expr notation: the square is a part of the statement L = …. */
const EXPR = {
  graph: {
    inputs: { x: 3, y: 0 },
    params: { w: -0.2, b: 0.4 },
    expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
  },
};

/** w enters L by two paths: u = w·x, v = u·w, and σ(w); dL/dw = w·x + u + σ'(w) = 3 + σ'(0.5). */
const FORKED = { graph: { inputs: { x: 3 }, params: { w: 0.5 }, expr: 'u = w*x; v = u*w; L = v + sigmoid(w)' } };
const sigmoidPrime = sigmoid(0.5) * (1 - sigmoid(0.5));
const forkedDLdw = 3 + sigmoidPrime;

/** A 2-2-1 network on one example: z1 = [-0.15, 0.65], a1 = relu(z1) = [0, 0.65], z2 = -0.125, a2 = σ(z2), L = (a2 − 1)². */
const NETWORK = { network: exampleSpecs.network };
const a2 = sigmoid(-0.125);
const dLda2 = 2 * (a2 - 1);
const dLdz2 = dLda2 * a2 * (1 - a2);

/** q is a param that L does not use. */
const UNUSED = { graph: { inputs: { x: 3 }, params: { w: 0.5, q: 1 }, expr: 'L = w*x' } };
/** L = sum(x · W) with x 1×3 and W 3×2: dL/dW = xᵀ · [1, 1] = [[1, 1], [2, 2], [3, 3]]. */
const MATRIX = {
  graph: {
    inputs: { x: [[1, 2, 3]] },
    params: {
      W: [
        [0.1, 0.2],
        [0.3, 0.4],
        [0.5, 0.6],
      ],
    },
    expr: 'L = sum(matmul(x, W))',
  },
};
/** L = sum(b · b) for a vector b = [1, 2]: dL/db = 2b = [2, 4], shape [2]. */
const VECTOR = { graph: { params: { b: [1, 2] }, expr: 'L = sum(b * b)' } };

/** y = x² = 15227.56, for answers rounded to the hundreds and coarser. */
const SQUARE = { graph: { inputs: { x: 123.4 }, expr: 'y = x*x' } };

/** Inverted dropout with p = 0.2, its loss the plain sum. */
const DROPOUT = {
  graph: {
    inputs: { x: [2, -1], mask: [1, 0] },
    nodes: [
      { id: 'y', op: 'dropout', args: ['x', 'mask'], attrs: { p: 0.2 } },
      { id: 'L', op: 'sum', args: ['y'] },
    ],
  },
};

/** One 2×2 max pool window, its loss the plain sum. */
const MAX_POOL = {
  graph: {
    inputs: {
      x: [
        [
          [
            [1, 3],
            [2, -1],
          ],
        ],
      ],
    },
    nodes: [
      { id: 'y', op: 'max_pool2d', args: ['x'] },
      { id: 'L', op: 'sum', args: ['y'] },
    ],
  },
};

interface Case {
  /** The form of the sentence. */
  form: string;
  problem: object;
  answers: Record<string, unknown>;
  /** Other members of the request: followThrough, tolerance, optimizer. */
  rules?: object;
  /** The answer whose sentence this is. */
  key: string;
  diagnosis: string | null;
  en: string;
  pt: string;
}

const CASES: Case[] = [
  // sign_error: the whole answer negated, on each kind of answer, and one local derivative flipped.
  {
    form: 'sign_error: a gradient negated, with the chain from L to w and each local formula',
    problem: NEURON,
    answers: { 'dL/dw': -dLdw },
    key: 'dL/dw',
    diagnosis: 'sign_error',
    en: 'dL/dw: the size is right but the sign is flipped. Check the sign of each local derivative on the path from L to w: dL/dw = dL/dy_hat · dy_hat/dz · dz/du · du/dw, with dL/dy_hat = y_hat − y, dy_hat/dz = y_hat · (1 − y_hat), dz/du = 1 and du/dw = x.',
    pt: 'dL/dw: o valor absoluto está certo, mas o sinal está trocado. Confira o sinal de cada derivada local no caminho de L até w: dL/dw = dL/dy_hat · dy_hat/dz · dz/du · du/dw, com dL/dy_hat = y_hat − y, dy_hat/dz = y_hat · (1 − y_hat), dz/du = 1 e du/dw = x.',
  },
  {
    form: 'sign_error: a gradient negated where the paths fork',
    problem: FORKED,
    answers: { 'dL/dw': -forkedDLdw },
    key: 'dL/dw',
    diagnosis: 'sign_error',
    en: 'dL/dw: the size is right but the sign is flipped. Check the sign of each local derivative on the paths from L to w.',
    pt: 'dL/dw: o valor absoluto está certo, mas o sinal está trocado. Confira o sinal de cada derivada local nos caminhos de L até w.',
  },
  {
    form: 'sign_error: one local derivative flipped (du/dw on one of two paths)',
    problem: FORKED,
    // The path through u contributes dv/du · du/dw = w · x = 1.5; flipped, it takes 3 away.
    answers: { 'dL/dw': forkedDLdw - 3 },
    key: 'dL/dw',
    diagnosis: 'sign_error',
    en: 'dL/dw: the sign of one local derivative is flipped, at u = w · x: du/dw = x.',
    pt: 'dL/dw: o sinal de uma derivada local está trocado, em u = w · x: du/dw = x.',
  },
  {
    form: 'sign_error: a forward value negated',
    problem: NEURON,
    answers: { u: 0.6 },
    key: 'u',
    diagnosis: 'sign_error',
    en: 'u: the size is right but the sign is flipped. Recompute u = w · x and watch the signs.',
    pt: 'u: o valor absoluto está certo, mas o sinal está trocado. Refaça u = w · x com atenção aos sinais.',
  },
  {
    form: 'sign_error: a given leaf negated',
    problem: NEURON,
    answers: { x: -3 },
    key: 'x',
    diagnosis: 'sign_error',
    en: 'x: the size is right but the sign is flipped.',
    pt: 'x: o valor absoluto está certo, mas o sinal está trocado.',
  },
  {
    form: 'sign_error: a step negated',
    problem: NEURON,
    answers: { 'step(w)': -stepW },
    key: 'step(w)',
    diagnosis: 'sign_error',
    en: 'step(w): the size is right but the sign is flipped. The update is w ← w − lr · dL/dw.',
    pt: 'step(w): o valor absoluto está certo, mas o sinal está trocado. A atualização é w ← w − lr · dL/dw.',
  },
  {
    form: 'sign_error: a finite difference negated',
    problem: NEURON,
    answers: { 'fd(dL/dw)': -dLdw },
    key: 'fd(dL/dw)',
    diagnosis: 'sign_error',
    en: 'fd(dL/dw): the size is right but the sign is flipped. Check the sign of each local derivative on the path from L to w: dL/dw = dL/dy_hat · dy_hat/dz · dz/du · du/dw, with dL/dy_hat = y_hat − y, dy_hat/dz = y_hat · (1 − y_hat), dz/du = 1 and du/dw = x.',
    pt: 'fd(dL/dw): o valor absoluto está certo, mas o sinal está trocado. Confira o sinal de cada derivada local no caminho de L até w: dL/dw = dL/dy_hat · dy_hat/dz · dz/du · du/dw, com dL/dy_hat = y_hat − y, dy_hat/dz = y_hat · (1 − y_hat), dz/du = 1 e du/dw = x.',
  },

  // missing_activation_derivative: σ'(z) taken as 1.
  {
    form: 'missing_activation_derivative: going back through the activation',
    problem: NEURON,
    answers: { 'dL/dz': dLdyHat },
    key: 'dL/dz',
    diagnosis: 'missing_activation_derivative',
    en: "dL/dz: the derivative of the activation is missing, at y_hat = σ(z). Going back through it, multiply by its local derivative: dL/dz = dL/dy_hat · dy_hat/dz, with dy_hat/dz = σ'(z) = y_hat · (1 − y_hat).",
    pt: "dL/dz: falta a derivada da função de ativação, em y_hat = σ(z). Ao voltar por ela, multiplique pela derivada local: dL/dz = dL/dy_hat · dy_hat/dz, com dy_hat/dz = σ'(z) = y_hat · (1 − y_hat).",
  },
  {
    form: 'missing_activation_derivative: the local derivative itself',
    problem: NEURON,
    answers: { 'dy_hat/dz': 1 },
    key: 'dy_hat/dz',
    diagnosis: 'missing_activation_derivative',
    en: "dy_hat/dz: the derivative of the activation is missing, at y_hat = σ(z): dy_hat/dz = σ'(z) = y_hat · (1 − y_hat).",
    pt: "dy_hat/dz: falta a derivada da função de ativação, em y_hat = σ(z): dy_hat/dz = σ'(z) = y_hat · (1 − y_hat).",
  },
  {
    form: 'missing_activation_derivative: a network layer, elementwise',
    problem: NETWORK,
    answers: { 'dL/dz2': [[dLda2]] },
    key: 'dL/dz2',
    diagnosis: 'missing_activation_derivative',
    en: "dL/dz2: the derivative of the activation is missing, at a2 = σ(z2). Going back through it, multiply by its local derivative: dL/dz2 = dL/da2 ⊙ da2/dz2, with da2/dz2 = σ'(z2).",
    pt: "dL/dz2: falta a derivada da função de ativação, em a2 = σ(z2). Ao voltar por ela, multiplique pela derivada local: dL/dz2 = dL/da2 ⊙ da2/dz2, com da2/dz2 = σ'(z2).",
  },

  // activation_instead_of_derivative: σ(z) used for σ'(z).
  {
    form: 'activation_instead_of_derivative',
    problem: NEURON,
    answers: { 'dL/db': dLdyHat * yHat },
    key: 'dL/db',
    diagnosis: 'activation_instead_of_derivative',
    en: "dL/db: at y_hat = σ(z), you used the activation's value y_hat where its derivative belongs: dy_hat/dz = σ'(z) = y_hat · (1 − y_hat), not y_hat.",
    pt: "dL/db: em y_hat = σ(z), você usou o valor da ativação, y_hat, onde vai a sua derivada: dy_hat/dz = σ'(z) = y_hat · (1 − y_hat), e não y_hat.",
  },

  // missing_input_factor: du/dw taken as 1.
  {
    form: 'missing_input_factor: a gradient through the product',
    problem: NEURON,
    answers: { 'dL/dw': dLdz },
    key: 'dL/dw',
    diagnosis: 'missing_input_factor',
    en: 'dL/dw: a factor of the product is missing, at u = w · x: du/dw = x, so dL/dw = dL/du · x.',
    pt: 'dL/dw: falta um fator do produto, em u = w · x: du/dw = x, então dL/dw = dL/du · x.',
  },
  {
    form: 'missing_input_factor: the local derivative itself',
    problem: NEURON,
    answers: { 'du/dw': 1 },
    key: 'du/dw',
    diagnosis: 'missing_input_factor',
    en: 'du/dw: a factor of the product is missing, at u = w · x: du/dw = x.',
    pt: 'du/dw: falta um fator do produto, em u = w · x: du/dw = x.',
  },
  {
    form: 'missing_input_factor: a product of tensors',
    problem: NETWORK,
    // dL/dW2 = dL/dz2ᵀ a1 with a1 taken as ones.
    answers: { 'dL/dW2': [[dLdz2, dLdz2]] },
    key: 'dL/dW2',
    diagnosis: 'missing_input_factor',
    en: 'dL/dW2: a factor of the product is missing, at z2 = a1 · W2ᵀ + b2: the derivative with respect to W2 keeps the other factor, a1.',
    pt: 'dL/dW2: falta um fator do produto, em z2 = a1 · W2ᵀ + b2: a derivada em relação a W2 mantém o outro fator, a1.',
  },

  // loss_factor: the 2 of the square kept twice, or lost.
  {
    form: 'loss_factor: a squared error',
    problem: NEURON,
    answers: { 'dL/du': 2 * dLdz },
    key: 'dL/du',
    diagnosis: 'loss_factor',
    en: 'dL/du: off by a factor of 2, at L = ½(y_hat − y)². The derivative of a square brings its 2 down exactly once: dL/dy_hat = y_hat − y.',
    pt: 'dL/du: o resultado difere por um fator 2, em L = ½(y_hat − y)². Na derivada de um quadrado, o expoente 2 desce multiplicando uma única vez: dL/dy_hat = y_hat − y.',
  },
  {
    form: "loss_factor: a square inside a statement, with the statement's own derivative",
    problem: EXPR,
    answers: { 'dL/du': 2 * dLdz },
    key: 'dL/du',
    diagnosis: 'loss_factor',
    en: 'dL/du: off by a factor of 2, at L = 0.5 · (y_hat − y)². The derivative of a square brings its 2 down exactly once: d((y_hat − y)²)/d(y_hat − y) = 2 · (y_hat − y), so dL/dy_hat = 0.5 · 2 · (y_hat − y).',
    pt: 'dL/du: o resultado difere por um fator 2, em L = 0,5 · (y_hat − y)². Na derivada de um quadrado, o expoente 2 desce multiplicando uma única vez: d((y_hat − y)²)/d(y_hat − y) = 2 · (y_hat − y), então dL/dy_hat = 0,5 · 2 · (y_hat − y).',
  },
  {
    form: 'loss_factor: a mean squared error of tensors',
    problem: NETWORK,
    answers: { 'dL/da2': [[dLda2 / 2]] },
    key: 'dL/da2',
    diagnosis: 'loss_factor',
    en: 'dL/da2: off by a factor of 2, at L = mean((a2 − y)²). The derivative of a square brings its 2 down exactly once: the derivative of e² is 2e.',
    pt: 'dL/da2: o resultado difere por um fator 2, em L = mean((a2 − y)²). Na derivada de um quadrado, o expoente 2 desce multiplicando uma única vez: a derivada de e² é 2e.',
  },

  // update_wrong_direction: w + lr · dL/dw.
  {
    form: 'update_wrong_direction: SGD',
    problem: NEURON,
    answers: { 'step(w)': -0.2 + LEARNING_RATE * dLdw },
    key: 'step(w)',
    diagnosis: 'update_wrong_direction',
    en: 'step(w): the update went along the gradient. Gradient descent moves against it: w ← w − lr · dL/dw (lr: the learning rate).',
    pt: 'step(w): a atualização foi no sentido do gradiente. A descida do gradiente vai no sentido contrário: w ← w − lr · dL/dw (lr: a taxa de aprendizado).',
  },
  {
    form: 'update_wrong_direction: Adam, whose first step is lr · dL/dw / (|dL/dw| + ε)',
    problem: NEURON,
    answers: { 'step(w)': -0.2 + (LEARNING_RATE * dLdw) / (Math.abs(dLdw) + 1e-8) },
    rules: { optimizer: { name: 'adam' } },
    key: 'step(w)',
    diagnosis: 'update_wrong_direction',
    en: 'step(w): the update went along the gradient. Gradient descent moves against it: w ← w − lr · dL/dw / (|dL/dw| + ε) (lr: the learning rate).',
    pt: 'step(w): a atualização foi no sentido do gradiente. A descida do gradiente vai no sentido contrário: w ← w − lr · dL/dw / (|dL/dw| + ε) (lr: a taxa de aprendizado).',
  },

  // rounding: the last written digit, from earlier answers, carried, on tensors.
  {
    form: 'rounding: to 1 decimal place',
    problem: NEURON,
    answers: { y_hat: 0.5 },
    key: 'y_hat',
    diagnosis: 'rounding',
    en: 'y_hat: you rounded 0.450166 to 1 decimal place (0.5), too coarse for the tolerance. Keep more digits, in intermediate results too: 4 decimal places are enough here.',
    pt: 'y_hat: você arredondou 0,450166 para 1 casa decimal (0,5), o que é grosseiro demais para a tolerância. Mantenha mais casas decimais, também nos resultados intermediários: 4 casas decimais bastam aqui.',
  },
  {
    form: 'rounding: to 2 decimal places, written with a comma',
    problem: NEURON,
    answers: { 'dL/db': '0,11' },
    key: 'dL/db',
    diagnosis: 'rounding',
    en: 'dL/db: you rounded 0.111424 to 2 decimal places (0.11), too coarse for the tolerance. Keep more digits, in intermediate results too: 4 decimal places are enough here.',
    pt: 'dL/db: você arredondou 0,111424 para 2 casas decimais (0,11), o que é grosseiro demais para a tolerância. Mantenha mais casas decimais, também nos resultados intermediários: 4 casas decimais bastam aqui.',
  },
  {
    // 0.45017 cut to 0.4: one unit of the last digit off, but not the value rounded there.
    form: 'rounding: cut, not rounded, at 1 decimal place',
    problem: NEURON,
    answers: { y_hat: 0.4 },
    key: 'y_hat',
    diagnosis: 'rounding',
    en: 'y_hat: your answer (0.4) is off from 0.450166 by up to one unit of its last written digit (1 decimal place): cut or rounded too early, too coarse for the tolerance. Keep more digits, in intermediate results too: 4 decimal places are enough here.',
    pt: 'y_hat: a sua resposta (0,4) difere de 0,450166 em até uma unidade do último algarismo escrito (1 casa decimal): cortada ou arredondada cedo demais, o que é grosseiro demais para a tolerância. Mantenha mais casas decimais, também nos resultados intermediários: 4 casas decimais bastam aqui.',
  },
  {
    form: 'rounding: to a whole number, where 1 decimal place is enough',
    problem: { graph: { inputs: { x: 1.85 }, expr: 'y = 2*x' } },
    answers: { y: { value: 4, tolerance: { decimals: 1 } } },
    key: 'y',
    diagnosis: 'rounding',
    en: 'y: you rounded 3.7 to a whole number (4), too coarse for the tolerance. Keep more digits, in intermediate results too: 1 decimal place is enough here.',
    pt: 'y: você arredondou 3,7 para um número inteiro (4), o que é grosseiro demais para a tolerância. Mantenha mais algarismos, também nos resultados intermediários: 1 casa decimal basta aqui.',
  },
  {
    form: 'rounding: to the hundreds',
    problem: SQUARE,
    answers: { y: 15200 },
    key: 'y',
    diagnosis: 'rounding',
    en: 'y: you rounded 15227.6 to the hundreds (15200), too coarse for the tolerance. Keep more digits, in intermediate results too.',
    pt: 'y: você arredondou 15227,6 para as centenas (15200), o que é grosseiro demais para a tolerância. Mantenha mais algarismos, também nos resultados intermediários.',
  },
  {
    form: 'rounding: to the thousands',
    problem: SQUARE,
    answers: { y: 15000 },
    key: 'y',
    diagnosis: 'rounding',
    en: 'y: you rounded 15227.6 to the thousands (15000), too coarse for the tolerance. Keep more digits, in intermediate results too.',
    pt: 'y: você arredondou 15227,6 para os milhares (15000), o que é grosseiro demais para a tolerância. Mantenha mais algarismos, também nos resultados intermediários.',
  },
  {
    form: 'rounding: to a multiple of a higher power of 10',
    problem: SQUARE,
    answers: { y: 20000 },
    key: 'y',
    diagnosis: 'rounding',
    en: 'y: you rounded 15227.6 to a multiple of 10^4 (20000), too coarse for the tolerance. Keep more digits, in intermediate results too.',
    pt: 'y: você arredondou 15227,6 para um múltiplo de 10^4 (20000), o que é grosseiro demais para a tolerância. Mantenha mais algarismos, também nos resultados intermediários.',
  },
  {
    form: 'rounding: a tensor answer',
    problem: NETWORK,
    answers: {
      'dL/dW1': [
        [0, 0],
        [0.07, -0.13],
      ],
    },
    key: 'dL/dW1',
    diagnosis: 'rounding',
    en: 'dL/dW1: the answer was rounded to 2 decimal places, too coarse for the tolerance. Keep more digits, in intermediate results too: 6 decimal places are enough here.',
    pt: 'dL/dW1: a resposta foi arredondada para 2 casas decimais, o que é grosseiro demais para a tolerância. Mantenha mais casas decimais, também nos resultados intermediários: 6 casas decimais bastam aqui.',
  },
  {
    form: 'rounding: of the value that follows from an earlier answer (follow-through)',
    problem: NEURON,
    // From y_hat = 0.5: dL/dz = 0.5 · 0.5 · (1 − 0.5) = 0.125, written 0.13.
    answers: { y_hat: 0.5, 'dL/dz': 0.13 },
    key: 'dL/dz',
    diagnosis: 'rounding',
    en: 'dL/dz: you rounded 0.125, the value that follows from your earlier answer for y_hat, to 2 decimal places (0.13), too coarse for the tolerance. Keep more digits, in intermediate results too: 4 decimal places are enough here.',
    pt: 'dL/dz: você arredondou 0,125, o valor que decorre da sua resposta anterior para y_hat, para 2 casas decimais (0,13), o que é grosseiro demais para a tolerância. Mantenha mais casas decimais, também nos resultados intermediários: 4 casas decimais bastam aqui.',
  },
  {
    // Issue 14: dL/db comes after dL/dz in the chain, so only y_hat feeds it:
    // dL/dz = (y_hat − y) · y_hat · (1 − y_hat) = 0.45 · 0.45 · 0.55 = 0.111375.
    form: 'rounding: of the value that follows from the one earlier answer that feeds it, not from a later one',
    problem: NEURON,
    answers: { 'dL/db': 0.1114, 'dL/dz': '0,11', y_hat: 0.45 },
    rules: { tolerance: { sigfigs: 5 } },
    key: 'dL/dz',
    diagnosis: 'rounding',
    en: 'dL/dz: you rounded 0.111375, the value that follows from your earlier answer for y_hat, to 2 decimal places (0.11), too coarse for the tolerance. Keep more digits, in intermediate results too: 5 decimal places are enough here.',
    pt: 'dL/dz: você arredondou 0,111375, o valor que decorre da sua resposta anterior para y_hat, para 2 casas decimais (0,11), o que é grosseiro demais para a tolerância. Mantenha mais casas decimais, também nos resultados intermediários: 5 casas decimais bastam aqui.',
  },
  {
    form: 'rounding: carried from one rounded earlier answer',
    problem: NEURON,
    // y_hat = 0.45 is right at 2 decimals; from it dL/dz = 0.45 · 0.45 · 0.55, which misses rtol 1e-4.
    answers: { y_hat: { value: 0.45, tolerance: { decimals: 2 } }, 'dL/dz': 0.45 * 0.45 * 0.55 },
    rules: { tolerance: { rtol: 1e-4 } },
    key: 'dL/dz',
    diagnosis: 'rounding',
    en: 'dL/dz: this step is right from your rounded earlier answer for y_hat, but rounding early carried into it, and the result misses the tolerance. Keep more digits in intermediate results and round only the final answer.',
    pt: 'dL/dz: este passo está certo a partir da sua resposta anterior arredondada para y_hat, mas o arredondamento feito cedo se propagou até aqui, e o resultado ficou fora da tolerância. Mantenha mais casas decimais nos resultados intermediários e arredonde só a resposta final.',
  },
  {
    form: 'rounding: carried from two rounded earlier answers',
    problem: NEURON,
    // dL/dz = dL/dy_hat · dy_hat/dz = 0.45 · 0.25 from y_hat = 0.45 and dy_hat/dz = 0.25, each right at 2 decimals.
    answers: {
      y_hat: { value: 0.45, tolerance: { decimals: 2 } },
      'dy_hat/dz': { value: 0.25, tolerance: { decimals: 2 } },
      'dL/dz': 0.45 * 0.25,
    },
    rules: { tolerance: { rtol: 1e-4 } },
    key: 'dL/dz',
    diagnosis: 'rounding',
    en: 'dL/dz: this step is right from your rounded earlier answers for y_hat and dy_hat/dz, but rounding early carried into it, and the result misses the tolerance. Keep more digits in intermediate results and round only the final answer.',
    pt: 'dL/dz: este passo está certo a partir das suas respostas anteriores arredondadas para y_hat e dy_hat/dz, mas o arredondamento feito cedo se propagou até aqui, e o resultado ficou fora da tolerância. Mantenha mais casas decimais nos resultados intermediários e arredonde só a resposta final.',
  },

  // unparseable: blank, unreadable, and the forms of a tensor answer.
  {
    form: 'unparseable: blank',
    problem: NEURON,
    answers: { 'dL/dx': '' },
    key: 'dL/dx',
    diagnosis: 'unparseable',
    en: 'dL/dx: no answer was given.',
    pt: 'dL/dx: nenhuma resposta foi dada.',
  },
  {
    form: 'unparseable: a blank tensor',
    problem: NETWORK,
    answers: { 'dL/db1': ['', ' '] },
    key: 'dL/db1',
    diagnosis: 'unparseable',
    en: 'dL/db1: no answer was given.',
    pt: 'dL/db1: nenhuma resposta foi dada.',
  },
  {
    form: 'unparseable: unreadable text',
    problem: NEURON,
    answers: { 'dL/dx': 'about -0.02' },
    key: 'dL/dx',
    diagnosis: 'unparseable',
    en: "dL/dx: 'about -0.02' is not a number we can read. Write a decimal such as 0.25 or 0,25, or a fraction such as 1/4.",
    pt: "dL/dx: não conseguimos ler 'about -0.02' como número. Escreva um decimal como 0,25 ou 0.25, ou uma fração como 1/4.",
  },
  {
    form: 'unparseable: a number that is not finite',
    problem: NEURON,
    answers: { 'dL/dx': '-inf' },
    key: 'dL/dx',
    diagnosis: 'unparseable',
    en: "dL/dx: '-inf' is not a finite number (it is infinite, NaN, or beyond ±1.8e308). Write a finite number: a decimal such as 0.25 or 0,25, or a fraction such as 1/4.",
    pt: "dL/dx: '-inf' não é um número finito (é infinito, NaN ou passa de ±1,8e308). Escreva um número finito: um decimal como 0,25 ou 0.25, ou uma fração como 1/4.",
  },
  {
    form: 'unparseable: an object that is not the {value, tolerance} form',
    problem: NEURON,
    answers: { 'dL/dx': { val: 0.3 } },
    key: 'dL/dx',
    diagnosis: 'unparseable',
    en: 'dL/dx: \'{"val":0.3}\' is an object, not a number. Write a decimal such as 0.25 or 0,25, or a fraction such as 1/4. An object gives an answer a tolerance of its own only as `{"value": …, "tolerance": {…}}`.',
    pt: 'dL/dx: \'{"val":0.3}\' é um objeto, não um número. Escreva um decimal como 0,25 ou 0.25, ou uma fração como 1/4. Um objeto só dá a uma resposta uma tolerância própria na forma `{"value": …, "tolerance": {…}}`.',
  },
  {
    form: 'unparseable: a text too long to read, quoted at 100 characters',
    problem: NEURON,
    answers: { 'dL/dx': '1'.repeat(1001) },
    key: 'dL/dx',
    diagnosis: 'unparseable',
    en: `dL/dx: '${'1'.repeat(99)}…' is too long to read as a number (1001 characters, at most 1000). Write a decimal such as 0.25 or 0,25, or a fraction such as 1/4.`,
    pt: `dL/dx: '${'1'.repeat(99)}…' é longo demais para ser lido como número (1001 caracteres, no máximo 1000). Escreva um decimal como 0,25 ou 0.25, ou uma fração como 1/4.`,
  },
  {
    form: 'unparseable: a tensor with an unreadable element, which is quoted alone',
    problem: NETWORK,
    answers: { 'dL/dW2': [['0,1', 'abc']] },
    key: 'dL/dW2',
    diagnosis: 'unparseable',
    en: "dL/dW2: 'abc' is not a number we can read. Write a decimal such as 0.25 or 0,25, or a fraction such as 1/4.",
    pt: "dL/dW2: não conseguimos ler 'abc' como número. Escreva um decimal como 0,25 ou 0.25, ou uma fração como 1/4.",
  },
  {
    form: 'unparseable: a tensor with an empty element',
    problem: NETWORK,
    answers: { 'dL/dW2': [['0,1', '']] },
    key: 'dL/dW2',
    diagnosis: 'unparseable',
    en: 'dL/dW2: an element of the answer is empty: write a number in each one.',
    pt: 'dL/dW2: um elemento da resposta está vazio: escreva um número em cada um.',
  },
  {
    form: 'unparseable: rows of different lengths',
    problem: NETWORK,
    answers: { 'dL/dW1': [[0, 0], [0.066]] },
    key: 'dL/dW1',
    diagnosis: 'unparseable',
    en: 'dL/dW1: the answer is neither a list of numbers nor rows of equal length.',
    pt: 'dL/dW1: a resposta não é uma lista de números nem linhas de mesmo comprimento.',
  },

  // Correct, and correct by follow-through.
  {
    form: 'correct',
    problem: NEURON,
    answers: { y_hat: '0,4502' },
    key: 'y_hat',
    diagnosis: null,
    en: 'y_hat: correct.',
    pt: 'y_hat: correto.',
  },
  {
    form: 'correct by follow-through from one earlier answer',
    problem: NEURON,
    // y_hat = 0.7 is wrong (and no rounding); dL/dy_hat = y_hat − y = 0.7 follows from it.
    answers: { y_hat: 0.7, 'dL/dy_hat': 0.7 },
    key: 'dL/dy_hat',
    diagnosis: null,
    en: 'dL/dy_hat: correct given your earlier answer for y_hat (error carried forward): this step itself is right.',
    pt: 'dL/dy_hat: correto a partir da sua resposta anterior para y_hat (erro propagado): este passo em si está certo.',
  },
  {
    form: 'correct by follow-through from two earlier answers',
    problem: NEURON,
    // dL/dz = dL/dy_hat · dy_hat/dz = 0.6 · 0.31, both factors wrong.
    answers: { 'dL/dy_hat': 0.6, 'dy_hat/dz': 0.31, 'dL/dz': 0.6 * 0.31 },
    key: 'dL/dz',
    diagnosis: null,
    en: 'dL/dz: correct given your earlier answers for dL/dy_hat and dy_hat/dz (error carried forward): this step itself is right.',
    pt: 'dL/dz: correto a partir das suas respostas anteriores para dL/dy_hat e dy_hat/dz (erro propagado): este passo em si está certo.',
  },
  {
    form: 'correct by follow-through from an earlier answer that was a rounding',
    problem: NEURON,
    // y_hat = 0.5 rounds 0.45017; dL/dz = 0.5 · 0.5 · 0.5 follows from it.
    answers: { y_hat: 0.5, 'dL/dz': 0.125 },
    key: 'dL/dz',
    diagnosis: null,
    en: 'dL/dz: correct given your earlier answer for y_hat (error carried forward): this step itself is right. The error comes from rounding y_hat early: keep more digits there.',
    pt: 'dL/dz: correto a partir da sua resposta anterior para y_hat (erro propagado): este passo em si está certo. O erro vem do arredondamento precoce de y_hat: mantenha mais casas decimais ali.',
  },

  // not_finite: compared with a value that is not finite, from the student's earlier answers or the problem's own.
  {
    form: 'not_finite: follow-through from one earlier answer overflows',
    problem: NEURON,
    // dL/dw = dL/dz · x = 1e308 · 3 overflows.
    answers: { 'dL/dz': 1e308, 'dL/dw': 777 },
    key: 'dL/dw',
    diagnosis: 'not_finite',
    en: 'dL/dw: not correct. Computed from your earlier answer for dL/dz, this step overflows (it is not a finite number), so it gets no credit for following from it.',
    pt: 'dL/dw: incorreto. Calculado a partir da sua resposta anterior para dL/dz, este passo estoura (não é um número finito), então não recebe crédito por decorrer dela.',
  },
  {
    form: 'not_finite: follow-through from two earlier answers overflows',
    problem: NEURON,
    // dL/dz = dL/dy_hat · dy_hat/dz = 1e308 · 10 overflows; either alone with the true other is finite.
    answers: { 'dL/dy_hat': 1e308, 'dy_hat/dz': 10, 'dL/dz': 5 },
    key: 'dL/dz',
    diagnosis: 'not_finite',
    en: 'dL/dz: not correct. Computed from your earlier answers for dL/dy_hat and dy_hat/dz, this step overflows (it is not a finite number), so it gets no credit for following from them.',
    pt: 'dL/dz: incorreto. Calculado a partir das suas respostas anteriores para dL/dy_hat e dy_hat/dz, este passo estoura (não é um número finito), então não recebe crédito por decorrer delas.',
  },
  {
    form: 'not_finite: the expected value itself',
    problem: { graph: { inputs: { x: 1000 }, expr: 'L = exp(x)' } },
    answers: { L: 5 },
    key: 'L',
    diagnosis: 'not_finite',
    en: 'L: not correct. The expected value is not a finite number (NaN or infinite) in this problem, so no answer can get credit for it.',
    pt: 'L: incorreto. O valor esperado não é um número finito (NaN ou infinito) neste problema, então nenhuma resposta pode receber crédito por ele.',
  },

  // Wrong, and no mistake explains it: how to recompute it, for each kind of answer.
  {
    form: 'incorrect: a forward value',
    problem: NEURON,
    answers: { z: 7 },
    key: 'z',
    diagnosis: null,
    en: 'z: not correct. Recompute z = u + b from the values before it.',
    pt: 'z: incorreto. Refaça z = u + b a partir dos valores anteriores.',
  },
  {
    form: 'incorrect: a given leaf',
    problem: NEURON,
    answers: { w: 7 },
    key: 'w',
    diagnosis: null,
    en: 'w: not correct. w is given in the problem: write it as given.',
    pt: 'w: incorreto. w é dado no problema: escreva-o como foi dado.',
  },
  {
    form: 'incorrect: a local derivative, with its formula',
    problem: NEURON,
    answers: { 'dy_hat/dz': 7 },
    key: 'dy_hat/dz',
    diagnosis: null,
    en: 'dy_hat/dz: not correct. Recompute it: dy_hat/dz = y_hat · (1 − y_hat).',
    pt: 'dy_hat/dz: incorreto. Refaça o cálculo: dy_hat/dz = y_hat · (1 − y_hat).',
  },
  {
    form: 'incorrect: a local derivative of tensors, which has no formula in symbols',
    problem: NETWORK,
    answers: { 'dz2/db2': [7] },
    key: 'dz2/db2',
    diagnosis: null,
    en: 'dz2/db2: not correct. Recompute it by differentiating z2 = a1 · W2ᵀ + b2 with respect to b2.',
    pt: 'dz2/db2: incorreto. Refaça a derivada de z2 = a1 · W2ᵀ + b2 em relação a b2.',
  },
  {
    form: 'incorrect: a gradient, by the chain rule',
    problem: NEURON,
    answers: { 'dL/du': 7 },
    key: 'dL/du',
    diagnosis: null,
    en: 'dL/du: not correct. Recompute it by the chain rule: dL/du = dL/dy_hat · dy_hat/dz · dz/du.',
    pt: 'dL/du: incorreto. Refaça pela regra da cadeia: dL/du = dL/dy_hat · dy_hat/dz · dz/du.',
  },
  {
    form: 'incorrect: a gradient where the paths fork',
    problem: FORKED,
    answers: { 'dL/dw': 7 },
    key: 'dL/dw',
    diagnosis: null,
    en: 'dL/dw: not correct. Recompute it by the chain rule, adding up the contributions of every path from L to w.',
    pt: 'dL/dw: incorreto. Refaça pela regra da cadeia, somando as contribuições de todos os caminhos de L até w.',
  },
  {
    form: 'incorrect: the gradient of an id the output does not depend on',
    problem: UNUSED,
    answers: { 'dL/dq': 1 },
    key: 'dL/dq',
    diagnosis: null,
    en: 'dL/dq: not correct. L does not depend on q, so dL/dq = 0.',
    pt: 'dL/dq: incorreto. L não depende de q, então dL/dq = 0.',
  },
  {
    form: 'incorrect: the output with respect to itself',
    problem: NEURON,
    answers: { 'dL/dL': 3 },
    key: 'dL/dL',
    diagnosis: null,
    en: 'dL/dL: not correct. dL/dL is always 1.',
    pt: 'dL/dL: incorreto. dL/dL é sempre 1.',
  },
  {
    form: 'incorrect: a step',
    problem: NEURON,
    answers: { 'step(w)': 7 },
    key: 'step(w)',
    diagnosis: null,
    en: 'step(w): not correct. Recompute it: w ← w − lr · dL/dw.',
    pt: 'step(w): incorreto. Refaça o cálculo: w ← w − lr · dL/dw.',
  },
  {
    form: 'incorrect: a step of Adam',
    problem: NEURON,
    answers: { 'step(w)': 7 },
    rules: { optimizer: { name: 'adam' } },
    key: 'step(w)',
    diagnosis: null,
    en: 'step(w): not correct. Recompute it: w ← w − lr · dL/dw / (|dL/dw| + ε).',
    pt: 'step(w): incorreto. Refaça o cálculo: w ← w − lr · dL/dw / (|dL/dw| + ε).',
  },
  {
    form: 'incorrect: a finite difference',
    problem: NEURON,
    answers: { 'fd(dL/dw)': 7 },
    key: 'fd(dL/dw)',
    diagnosis: null,
    en: 'fd(dL/dw): not correct. Recompute it: (L(w + ε) − L(w − ε)) / (2ε).',
    pt: 'fd(dL/dw): incorreto. Refaça o cálculo: (L(w + ε) − L(w − ε)) / (2ε).',
  },

  // An answer of the wrong shape: both shapes named; a transposed matrix diagnosed.
  {
    form: 'shape: a number for a tensor',
    problem: NETWORK,
    answers: { 'dL/dW2': 1 },
    key: 'dL/dW2',
    diagnosis: null,
    en: 'dL/dW2: expected a tensor of shape [1, 2], but the answer is a single number.',
    pt: 'dL/dW2: esperava-se um tensor de formato [1, 2], mas a resposta é um único número.',
  },
  {
    form: 'shape: a list for a number',
    problem: NEURON,
    answers: { u: [1, 2] },
    key: 'u',
    diagnosis: null,
    en: 'u: expected a single number, but the answer has shape [2].',
    pt: 'u: esperava-se um único número, mas a resposta tem formato [2].',
  },
  {
    form: 'shape: a vector written as a 1×n row',
    problem: VECTOR,
    answers: { 'dL/db': [[2, 4]] },
    key: 'dL/db',
    diagnosis: null,
    en: 'dL/db: expected a tensor of shape [2], but the answer has shape [1, 2]. Write a vector as one flat list of its 2 numbers, not as a row or a column.',
    pt: 'dL/db: esperava-se um tensor de formato [2], mas a resposta tem formato [1, 2]. Escreva um vetor como uma única lista com os seus 2 números, não como uma linha nem uma coluna.',
  },
  {
    form: 'transposed: a gradient of a 3×2 matrix written 2×3',
    problem: MATRIX,
    answers: {
      'dL/dW': [
        [1, 2, 3],
        [1, 2, 3],
      ],
    },
    key: 'dL/dW',
    diagnosis: 'transposed',
    en: 'dL/dW: the answer is transposed: its rows are the columns of the expected value. dL/dW has the shape of W, [3, 2]: its row i, column j is the derivative with respect to row i, column j of W.',
    pt: 'dL/dW: a resposta está transposta: as suas linhas são as colunas do valor esperado. dL/dW tem o formato de W, [3, 2]: a sua linha i, coluna j é a derivada em relação à linha i, coluna j de W.',
  },

  // missing_dropout_scale: y = x · mask / (1 − p) with p = 0.2 and L = Σ y, so dL/dx = mask / 0.8 = [1.25, 0];
  // without the scale, the mask itself.
  {
    form: 'missing_dropout_scale: the 1/(1 − p) of inverted dropout left out',
    problem: DROPOUT,
    answers: { 'dL/dx': [1, 0] },
    key: 'dL/dx',
    diagnosis: 'missing_dropout_scale',
    en: 'dL/dx: the scale of the dropout is missing, at y = x ⊙ mask / (1 − 0.2): the kept elements are multiplied by 1/(1 − p) in the backward pass as in the forward pass.',
    pt: 'dL/dx: falta a escala do dropout, em y = x ⊙ mask / (1 − 0,2): os elementos mantidos são multiplicados por 1/(1 − p) no passo para trás como no passo para frente.',
  },

  // pool_gradient_to_window: one 2×2 window, L = Σ y: dL/dx is 1 at the window's largest element (3), 0 elsewhere.
  {
    form: 'pool_gradient_to_window: a max pool gradient sent to the whole window',
    problem: MAX_POOL,
    answers: {
      'dL/dx': [
        [
          [
            [1, 1],
            [1, 1],
          ],
        ],
      ],
    },
    key: 'dL/dx',
    diagnosis: 'pool_gradient_to_window',
    en: 'dL/dx: at y = maxpool(x), the gradient of each window goes only to its largest element, and the others get 0: not to every element of the window.',
    pt: 'dL/dx: em y = maxpool(x), o gradiente de cada janela vai só para o seu maior elemento, e os outros recebem 0: não para todos os elementos da janela.',
  },
];

interface Result {
  key: string;
  correct: boolean;
  diagnosis: string | null;
  feedback: string;
  followThrough: boolean;
}

async function grade(locale: Locale, problem: object, answers: Record<string, unknown>, rules: object = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/grade',
    headers: { 'accept-language': locale },
    payload: { ...problem, learningRate: LEARNING_RATE, answers, ...rules },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { feedback: string; results: Result[] };
}

describe('POST /v1/grade: every feedback sentence, in English and in Portuguese', () => {
  it.each(CASES)('$form', async ({ problem, answers, rules, key, diagnosis, en, pt }) => {
    for (const [locale, expected] of [
      ['en', en],
      ['pt-BR', pt],
    ] as const) {
      const { results } = await grade(locale, problem, answers, rules);
      const result = results.find((r) => r.key === key)!;
      expect(result.diagnosis).toBe(diagnosis);
      expectSentence(result.feedback, expected, locale);
    }
  });

  it('covers every diagnosis, each form with a sentence of its own in each language', () => {
    expect(new Set(CASES.map((c) => c.diagnosis))).toEqual(new Set([...diagnosisCodes, null]));
    expect(new Set(CASES.map((c) => c.en)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => c.pt)).size).toBe(CASES.length);
  });

  it.each([
    [{ u: -0.6 }, '1 of 1 answer correct.', '1 de 1 resposta correta.'],
    [{ u: 7 }, '0 of 1 answer correct.', '0 de 1 resposta correta.'],
    [{ u: -0.6, z: -0.2, y_hat: 7 }, '2 of 3 answers correct.', '2 de 3 respostas corretas.'],
    [{ u: 7, z: 7, y_hat: 7 }, '0 of 3 answers correct.', '0 de 3 respostas corretas.'],
  ])('sums up %j', async (answers, en, pt) => {
    expectSentence((await grade('en', NEURON, answers)).feedback, en, 'en');
    expectSentence((await grade('pt-BR', NEURON, answers)).feedback, pt, 'pt-BR');
  });
});

// ---------------------------------------------------------------------------------------------
// Warnings and gradcheck notes

interface Warning {
  code: string;
  ids: string[];
  message: string;
}

async function answer(locale: Locale, url: string, body: object) {
  const res = await app.inject({ method: 'POST', url, headers: { 'accept-language': locale }, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return res.json() as any;
}

describe('every warning, in English and in Portuguese', () => {
  const broadcastTarget = {
    graph: { params: { p: [[0.1], [0.2]] }, inputs: { y: [1, 0] }, nodes: [{ id: 'L', op: 'mse', args: ['p', 'y'] }] },
  };
  const KINK_EN =
    "the perturbation moves the input of a kink (relu, abs or leaky_relu) across 0, where the function has no derivative: the difference quotient mixes both slopes, so a mismatch here is expected; the analytic value follows PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha)";
  const KINK_PT =
    "a perturbação faz a entrada de um ponto de quebra (relu, abs ou leaky_relu) cruzar o 0, onde a função não tem derivada: o quociente de diferenças mistura as duas inclinações, então uma divergência aqui é esperada; o valor analítico segue o PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha)";

  const cases: [string, string, object, Record<Locale, [string, string[], string][]>][] = [
    [
      'one value and one gradient not finite: y = ln 0, dy/dx = 1/0',
      '/v1/gradients',
      { graph: { inputs: { x: 0 }, expr: 'y = log(x)' } },
      {
        en: [
          ['non_finite_values', ['y'], "the value of 'y' is not finite (NaN or infinite), written as strings"],
          ['non_finite_gradients', ['x'], "the gradient of 'x' is not finite (NaN or infinite), written as strings"],
        ],
        'pt-BR': [
          ['non_finite_values', ['y'], "o valor de 'y' não é finito (NaN ou infinito) e vem escrito como texto"],
          ['non_finite_gradients', ['x'], "o gradiente de 'x' não é finito (NaN ou infinito) e vem escrito como texto"],
        ],
      },
    ],
    [
      'several values and gradients not finite: v = x·w = 0, a = ln v, y = 2a',
      '/v1/gradients',
      { graph: { inputs: { x: 0 }, params: { w: 1 }, expr: 'v = x*w; a = log(v); y = a*2' } },
      {
        en: [
          [
            'non_finite_values',
            ['a', 'y'],
            "the values of 'a', 'y' are not finite (NaN or infinite), written as strings",
          ],
          [
            'non_finite_gradients',
            ['x', 'w', 'v'],
            "the gradients of 'x', 'w', 'v' are not finite (NaN or infinite), written as strings",
          ],
        ],
        'pt-BR': [
          [
            'non_finite_values',
            ['a', 'y'],
            "os valores de 'a', 'y' não são finitos (NaN ou infinitos) e vêm escritos como texto",
          ],
          [
            'non_finite_gradients',
            ['x', 'w', 'v'],
            "os gradientes de 'x', 'w', 'v' não são finitos (NaN ou infinitos) e vêm escritos como texto",
          ],
        ],
      },
    ],
    [
      'a step that diverges',
      '/v1/step',
      { graph: { params: { w: 10 }, expr: 'L = exp(exp(w))' }, learningRate: 1e300 },
      {
        en: [
          [
            'non_finite_values',
            ['w'],
            'the update diverged: a param or the loss is not finite (try a smaller learningRate)',
          ],
        ],
        'pt-BR': [
          [
            'non_finite_values',
            ['w'],
            'a atualização divergiu: um parâmetro ou a perda não é finito (tente uma taxa de aprendizado menor em learningRate)',
          ],
        ],
      },
    ],
    [
      'a finite-difference check across a kink',
      '/v1/gradcheck',
      { neuron: { x: 1, w: 1, b: -1, y: 0, activation: 'relu' } },
      {
        en: [['kink', ['y_hat'], `the check straddles the kink of 'y_hat': ${KINK_EN}`]],
        'pt-BR': [['kink', ['y_hat'], `a verificação atravessa o ponto de quebra de 'y_hat': ${KINK_PT}`]],
      },
    ],
    [
      'a loss whose target broadcasts to another shape',
      '/v1/forward',
      broadcastTarget,
      {
        en: [
          [
            'target_broadcast',
            ['L'],
            "the loss 'L' (mse) compares the prediction [2, 1] (p) with a target [2] (y) that broadcasts to [2, 2]: each prediction is compared with targets meant for other elements, so the loss is very likely not the one intended (PyTorch warns the same: \"Using a target size that is different to the input size ... will likely lead to incorrect results due to broadcasting\"); give the target the prediction's shape [2, 1]",
          ],
        ],
        'pt-BR': [
          [
            'target_broadcast',
            ['L'],
            'a perda \'L\' (mse) compara a previsão [2, 1] (p) com um alvo [2] (y) que o broadcasting estende para [2, 2]: cada previsão é comparada com alvos de outros elementos, então a perda muito provavelmente não é a pretendida (o PyTorch avisa o mesmo: um alvo de tamanho diferente do da previsão "provavelmente levará a resultados incorretos por causa do broadcasting"); dê ao alvo a forma da previsão, [2, 1]',
          ],
        ],
      },
    ],
  ];

  it.each(cases)('%s', async (_, url, body, expected) => {
    for (const locale of LOCALES) {
      const warnings = (await answer(locale, url, body)).warnings as Warning[];
      expect(warnings.map((w) => [w.code, w.ids])).toEqual(expected[locale].map(([code, ids]) => [code, ids]));
      warnings.forEach((w, i) => expectSentence(w.message, expected[locale][i][2], locale));
    }
  });

  it("notes on a gradcheck result at a kink: 'fails because' and 'passes, but'", async () => {
    // relu at z = 0 exactly: relu'(0) = 0 against a quotient of ½, fails. |w| at w = 0: abs'(0) = 0 against 0, passes.
    const fails = { neuron: { x: 1, w: 1, b: -1, y: 0, activation: 'relu' }, wrt: ['w'] };
    const passes = { graph: { params: { w: 0 }, expr: 'L = abs(w)' } };
    const notes = {
      en: { fails: `fails because ${KINK_EN}`, passes: `passes, but ${KINK_EN}` },
      'pt-BR': { fails: `falha porque ${KINK_PT}`, passes: `passa, mas ${KINK_PT}` },
    };
    for (const locale of LOCALES) {
      const failed = await answer(locale, '/v1/gradcheck', fails);
      expect(failed.results.map((r: { pass: boolean }) => r.pass)).toEqual([false]);
      expectSentence(failed.results[0].note, notes[locale].fails, locale);
      const passed = await answer(locale, '/v1/gradcheck', passes);
      expect(passed.results.map((r: { pass: boolean }) => r.pass)).toEqual([true]);
      expectSentence(passed.results[0].note, notes[locale].passes, locale);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// POST /v1/explain

/** Requests whose explanations, together, use every phrase of src/core/explain/words.ts. */
const EXPLAINED = [
  // Every phase; the output's own gradient; a gradcheck that fails across a kink.
  { neuron: { x: 1, w: 1, b: -1, y: 0, activation: 'relu' }, learningRate: 0.1, gradcheck: true },
  // A gradcheck that passes.
  { neuron: { x: 3, w: -0.2, b: 0.4, y: 0 }, gradcheck: true },
  // Layers and the loss of a network.
  NETWORK,
  // A bias broadcast over the rows of a matrix: its gradient is summed back.
  {
    graph: {
      inputs: {
        X: [
          [1, 2],
          [3, 4],
        ],
      },
      params: { b: [0.5, -1] },
      expr: 'z = X + b; L = sum(z)',
    },
  },
];

/** A value no explanation holds: where a phrase takes an argument, it is split there. */
const SLOT = '\u0000';

/** Every fixed piece of text of the words of one language, each phrase's pieces between its arguments. */
function phrases(locale: Locale): string[] {
  const w = words;
  const whole = [
    ...Object.values(w.heading),
    w.given,
    w.layer,
    w.loss,
    w.intro.forward,
    w.intro.local,
    w.intro.backward,
    w.intro.update(SLOT),
    w.intro.gradcheck(SLOT),
    w.fromOutput(SLOT),
    w.broadcast,
    w.fdAgainst(SLOT, SLOT, true),
    w.fdAgainst(SLOT, SLOT, false),
    w.kinks(SLOT),
    w.rounded,
  ];
  return whole.flatMap((phrase) => phrase[locale].split(SLOT)).filter((piece) => /\p{L}/u.test(piece));
}

describe('POST /v1/explain: the words of an explanation', () => {
  const markdown: Record<Locale, string[]> = { en: [], 'pt-BR': [] };
  beforeAll(async () => {
    for (const locale of LOCALES)
      for (const body of EXPLAINED) markdown[locale].push((await answer(locale, '/v1/explain', body)).markdown);
  });

  it.each(LOCALES)('every phrase appears in some explanation, in %s', (locale) => {
    const all = markdown[locale].join('\n');
    const missing = phrases(locale).filter((piece) => !all.includes(piece));
    expect(missing).toEqual([]);
  });

  it('no phrase of the Portuguese words is English, and no English one is Portuguese', () => {
    for (const locale of LOCALES)
      for (const piece of phrases(locale)) expect(foreignWords(piece, locale), piece).toEqual([]);
  });

  it('no Portuguese explanation has an English word outside its formulas', () => {
    for (const text of markdown['pt-BR']) expect(foreignWords(text, 'pt-BR')).toEqual([]);
  });
});
