/**
 * Single-neuron templates, the tutorial's exercise with fresh numbers: u = w·x, z = u + b,
 * y_hat = activation(z), L = loss(y_hat, y), the backward chain, and one SGD step.
 */
import { opNames } from '../../engine/ops.js';
import { positionOf, slotOf } from '../../engine/tape.js';
import type { Activation, Loss, NeuronSpec } from '../../problems/spec.js';
import type { Localized, Prose } from './format.js';
import type { Rng } from './random.js';
import type { Solved } from './solve.js';
import { LEARNING_RATES, type Template, grad, num } from './template.js';
import { askFor, howToAnswer, roundingNote, step } from './words.js';

export const NEURON_KEYS = ['u', 'z', 'y_hat', 'L', 'dL/dy_hat', 'dy_hat/dz', 'dL/dz', 'dL/dw', 'dL/db', 'step(w)', 'step(b)'] as const;

type NeuronActivation = Exclude<Activation, 'softmax'>;
type NeuronLoss = Extract<Loss, 'half_squared_error' | 'mse' | 'bce'>;

/** How one activation reads in prose: its names, its formula, and both with the numbers filled in. */
interface ActivationText {
  name: Localized;
  /** `y_hat = ...` as a formula, for the statement. */
  formula(p: Prose): string;
  /** `y_hat = ...` with the numbers filled in. */
  forward(s: Solved, p: Prose): string;
  /** The `dy_hat/dz` line: formula and numbers, with words when the formula is a case. */
  derivative(s: Solved, p: Prose): string;
}

const sigmoidAt = (s: Solved, p: Prose) => `1 / (1 + e^(${p.n(-num(s, 'z'))}))`;

const activationTexts: Record<NeuronActivation, ActivationText> = {
  sigmoid: {
    name: { en: 'sigmoid', 'pt-BR': 'sigmoide' },
    formula: () => 'y_hat = sigmoid(z) = 1 / (1 + e^(-z))',
    forward: (s, p) => `y_hat = sigmoid(z) = 1 / (1 + e^(-z)) = ${sigmoidAt(s, p)} = ${p.n(num(s, 'y_hat'))}`,
    derivative: (s, p) =>
      step(`dy_hat/dz = y_hat·(1 - y_hat) = ${p.n(num(s, 'y_hat'))} · (1 - ${p.n(num(s, 'y_hat'))}) = ${p.n(grad(s, 'y_hat', 'z'))}`),
  },
  tanh: {
    name: { en: 'tanh', 'pt-BR': 'tangente hiperbólica (tanh)' },
    formula: () => 'y_hat = tanh(z)',
    forward: (s, p) => `y_hat = tanh(z) = tanh(${p.n(num(s, 'z'))}) = ${p.n(num(s, 'y_hat'))}`,
    derivative: (s, p) => step(`dy_hat/dz = 1 - y_hat² = 1 - ${p.p(num(s, 'y_hat'))}² = ${p.n(grad(s, 'y_hat', 'z'))}`),
  },
  relu: {
    name: { en: 'ReLU', 'pt-BR': 'ReLU' },
    formula: (p) => `y_hat = relu(z) = max(0${p.sep}z)`,
    forward: (s, p) => `y_hat = relu(z) = max(0${p.sep}z) = max(0${p.sep}${p.n(num(s, 'z'))}) = ${p.n(num(s, 'y_hat'))}`,
    derivative: (s, p) => {
      const active = num(s, 'z') > 0;
      return step(
        `dy_hat/dz = ${p.n(grad(s, 'y_hat', 'z'))}`,
        active ? p.t(', because `z > 0` (relu has slope 1 there)', ', pois `z > 0` (a relu tem inclinação 1 aí)') : p.t(', because `z < 0` (relu is flat there)', ', pois `z < 0` (a relu é constante aí)'),
      );
    },
  },
  leaky_relu: {
    name: { en: 'leaky ReLU (α = 0.01)', 'pt-BR': 'leaky ReLU (α = 0,01)' },
    formula: (p) => p.t('y_hat = leaky_relu(z) = z if z > 0, else α·z', 'y_hat = leaky_relu(z) = z se z > 0, senão α·z'),
    forward: (s, p) => {
      const z = num(s, 'z');
      return z > 0
        ? `y_hat = leaky_relu(z) = z = ${p.n(num(s, 'y_hat'))}`
        : `y_hat = leaky_relu(z) = α·z = ${p.given(alphaOf(s))} · ${p.p(z)} = ${p.n(num(s, 'y_hat'))}`;
    },
    derivative: (s, p) =>
      num(s, 'z') > 0
        ? step(`dy_hat/dz = 1`, p.t(', because `z > 0`', ', pois `z > 0`'))
        : step(`dy_hat/dz = α = ${p.n(grad(s, 'y_hat', 'z'))}`, p.t(', because `z < 0`', ', pois `z < 0`')),
  },
  softplus: {
    name: { en: 'softplus', 'pt-BR': 'softplus' },
    formula: () => 'y_hat = softplus(z) = ln(1 + e^z)',
    forward: (s, p) => `y_hat = softplus(z) = ln(1 + e^z) = ln(1 + e^(${p.n(num(s, 'z'))})) = ${p.n(num(s, 'y_hat'))}`,
    derivative: (s, p) =>
      step(`dy_hat/dz = sigmoid(z) = 1 / (1 + e^(-z)) = ${sigmoidAt(s, p)} = ${p.n(grad(s, 'y_hat', 'z'))}`),
  },
  identity: {
    name: { en: 'identity (linear)', 'pt-BR': 'identidade (linear)' },
    formula: () => 'y_hat = z',
    forward: (s, p) => `y_hat = z = ${p.n(num(s, 'y_hat'))}`,
    derivative: (s, p) => step(`dy_hat/dz = ${p.n(grad(s, 'y_hat', 'z'))}`, p.t(': the identity has slope 1', ': a identidade tem inclinação 1')),
  },
};

/** The alpha of the leaky_relu node, as compiled (the catalogue's default: neuron specs give no attrs). */
function alphaOf(s: Solved): number {
  const tape = s.graph;
  return tape.attr[positionOf(tape, slotOf(tape, 'y_hat')!)];
}

interface LossText {
  name: Localized;
  formula: string;
  forward(s: Solved, p: Prose): string;
  derivative(s: Solved, p: Prose): string;
}

const yOf = (s: Solved): number => num(s, 'y');

const lossTexts: Record<NeuronLoss, LossText> = {
  half_squared_error: {
    name: { en: 'squared error', 'pt-BR': 'erro quadrático' },
    formula: 'L = ½·(y_hat - y)²',
    forward: (s, p) => `L = ½·(y_hat - y)² = ½·(${p.n(num(s, 'y_hat'))} - ${p.p(yOf(s))})² = ${p.n(num(s, 'L'))}`,
    derivative: (s, p) => `dL/dy_hat = y_hat - y = ${p.n(num(s, 'y_hat'))} - ${p.p(yOf(s))} = ${p.n(grad(s, 'L', 'y_hat'))}`,
  },
  mse: {
    name: { en: 'mean squared error', 'pt-BR': 'erro quadrático médio' },
    formula: 'L = (y_hat - y)²',
    forward: (s, p) => `L = (y_hat - y)² = (${p.n(num(s, 'y_hat'))} - ${p.p(yOf(s))})² = ${p.n(num(s, 'L'))}`,
    derivative: (s, p) => `dL/dy_hat = 2·(y_hat - y) = 2 · (${p.n(num(s, 'y_hat'))} - ${p.p(yOf(s))}) = ${p.n(grad(s, 'L', 'y_hat'))}`,
  },
  bce: {
    name: { en: 'binary cross-entropy', 'pt-BR': 'entropia cruzada binária' },
    formula: 'L = -(y·ln(y_hat) + (1 - y)·ln(1 - y_hat))',
    forward: (s, p) => {
      const a = p.n(num(s, 'y_hat')), y = p.given(yOf(s)), c = p.given(1 - yOf(s));
      return `L = -(y·ln(y_hat) + (1 - y)·ln(1 - y_hat)) = -(${y}·ln(${a}) + ${c}·ln(1 - ${a})) = ${p.n(num(s, 'L'))}`;
    },
    derivative: (s, p) => {
      const a = p.n(num(s, 'y_hat')), y = p.given(yOf(s)), c = p.given(1 - yOf(s));
      return `dL/dy_hat = -y/y_hat + (1 - y)/(1 - y_hat) = -${y}/${a} + ${c}/(1 - ${a}) = ${p.n(grad(s, 'L', 'y_hat'))}`;
    },
  },
};

export interface NeuronTemplateOptions {
  id: string;
  activation: NeuronActivation;
  loss: NeuronLoss;
  /** The target y, drawn in the activation's range. */
  target(rng: Rng): number;
  /** Where z makes a fair exercise: not saturated, not next to a kink. */
  zReadable(z: number): boolean;
  fallback: Omit<NeuronSpec, 'activation' | 'loss'> & { learningRate: number };
}

/** |y_hat - y| below this makes the loss and every gradient about 0: nothing to practise. */
const MIN_ERROR = 0.1;

export function neuronTemplate(o: NeuronTemplateOptions): Template {
  const act = activationTexts[o.activation];
  const loss = lossTexts[o.loss];
  const spec = (x: number, w: number, b: number, y: number, learningRate: number) => ({
    neuron: { x, w, b, y, activation: o.activation, loss: o.loss },
    learningRate,
  });
  const { x, w, b, y, learningRate } = o.fallback;
  return {
    id: o.id,
    title: {
      en: `One neuron: ${act.name.en} activation, ${loss.name.en} loss`,
      'pt-BR': `Um neurônio: ativação ${act.name['pt-BR']}, perda de ${loss.name['pt-BR']}`,
    },
    description: {
      en: `The forward pass and backpropagation through one neuron with the ${act.name.en} activation and the ${loss.name.en} loss, then one gradient-descent step.`,
      'pt-BR': `A passagem direta e a retropropagação em um neurônio com ativação ${act.name['pt-BR']} e perda de ${loss.name['pt-BR']}, seguidas de um passo do gradiente descendente.`,
    },
    answerKeys: NEURON_KEYS,
    draw: (rng) =>
      // One decimal for x and b, two for w: products stay short enough to check by hand.
      spec(rng.decimal(-3, 3, 1, 0.5), rng.decimal(-1, 1, 2, 0.1), rng.decimal(-1, 1, 1), o.target(rng), rng.pick(LEARNING_RATES)),
    readable: (s) => o.zReadable(num(s, 'z')) && Math.abs(num(s, 'y_hat') - num(s, 'y')) >= MIN_ERROR,
    fallback: spec(x as number, w as number, b, y, learningRate),
    statement: (s, p) => neuronStatement(s, p, act, loss),
    solution: (s, p) => neuronSolution(s, p, act, loss),
  };
}

function neuronStatement(s: Solved, p: Prose, act: ActivationText, loss: LossText): string {
  const given = (id: string) => `\`${id} = ${p.given(num(s, id))}\``;
  return [
    `### ${p.t(`One neuron, ${act.name.en} activation, ${loss.name.en} loss`, `Um neurônio, ativação ${act.name['pt-BR']}, perda de ${loss.name['pt-BR']}`)}`,
    p.t(
      `A neuron receives the input ${given('x')} and has the weight ${given('w')} and the bias ${given('b')}. The target is ${given('y')} and the learning rate is \`η = ${p.given(s.problem.learningRate)}\`.`,
      `Um neurônio recebe a entrada ${given('x')} e tem o peso ${given('w')} e o viés ${given('b')}. O valor esperado é ${given('y')} e a taxa de aprendizado é \`η = ${p.given(s.problem.learningRate)}\`.`,
    ),
    p.t('It computes:', 'Ele calcula:'),
    [
      '- `u = w·x`',
      '- `z = u + b`',
      `- \`${act.formula(p)}\``,
      `- \`${loss.formula}\``,
    ].join('\n'),
    askFor(NEURON_KEYS, p),
    howToAnswer(p),
  ].join('\n\n');
}

/** The forward pass of a neuron exercise, worked with its numbers (a markdown list). */
export function neuronForwardSteps(s: Solved, p: Prose): string {
  if (!('neuron' in s.problem)) throw new Error('not a neuron exercise');
  const { activation = 'sigmoid', loss = 'half_squared_error' } = s.problem.neuron;
  return forwardSteps(s, p, activationTexts[activation as NeuronActivation], lossTexts[loss as NeuronLoss]);
}

function forwardSteps(s: Solved, p: Prose, act: ActivationText, loss: LossText): string {
  return [
    step(`u = w·x = ${p.given(num(s, 'w'))} · ${p.p(num(s, 'x'))} = ${p.n(num(s, 'u'))}`),
    step(`z = u + b = ${p.n(num(s, 'u'))} + ${p.p(num(s, 'b'))} = ${p.n(num(s, 'z'))}`),
    step(act.forward(s, p)),
    step(loss.forward(s, p)),
  ].join('\n');
}

function neuronSolution(s: Solved, p: Prose, act: ActivationText, loss: LossText): string {
  const g = (of: string, wrt: string) => grad(s, of, wrt);
  const eta = p.given(s.problem.learningRate);
  const xText = p.given(num(s, 'x'));
  return [
    `### ${p.t('Solution', 'Solução')}`,
    p.t('**Forward pass**, from the input to the loss:', '**Passagem direta**, da entrada até a perda:'),
    forwardSteps(s, p, act, loss),
    p.t(
      '**Backward pass**, from the loss back to the parameters, one local derivative at a time (chain rule):',
      '**Retropropagação**, da perda de volta aos parâmetros, uma derivada local de cada vez (regra da cadeia):',
    ),
    [
      step(loss.derivative(s, p)),
      act.derivative(s, p),
      step(`dL/dz = dL/dy_hat · dy_hat/dz = ${p.n(g('L', 'y_hat'))} · ${p.p(g('y_hat', 'z'))} = ${p.n(g('L', 'z'))}`),
      step(
        `dL/dw = dL/dz · x = ${p.n(g('L', 'z'))} · ${p.p(num(s, 'x'))} = ${p.n(g('L', 'w'))}`,
        p.t(`, since \`z = w·x + b\` gives \`dz/dw = x = ${xText}\``, `, pois \`z = w·x + b\` dá \`dz/dw = x = ${xText}\``),
      ),
      step(`dL/db = dL/dz · 1 = ${p.n(g('L', 'b'))}`, p.t(', since `dz/db = 1`', ', pois `dz/db = 1`')),
    ].join('\n'),
    ...sigmoidBceNote(s, p),
    p.t(`**Gradient-descent step** with \`η = ${eta}\`:`, `**Passo de atualização** do gradiente descendente com \`η = ${eta}\`:`),
    [
      step(`step(w) = w - η·dL/dw = ${p.given(num(s, 'w'))} - ${eta} · ${p.p(g('L', 'w'))} = ${p.n(s.answer('step(w)').data[0])}`),
      step(`step(b) = b - η·dL/db = ${p.given(num(s, 'b'))} - ${eta} · ${p.p(g('L', 'b'))} = ${p.n(s.answer('step(b)').data[0])}`),
    ].join('\n'),
    p.t(
      'Each parameter moves against its gradient, so the loss goes down for a small enough step.',
      'Cada parâmetro anda no sentido contrário ao do seu gradiente, e assim a perda diminui quando o passo é pequeno o bastante.',
    ),
    roundingNote(p),
  ].join('\n\n');
}

/** With sigmoid and binary cross-entropy the chain collapses: dL/dz = y_hat - y. */
function sigmoidBceNote(s: Solved, p: Prose): string[] {
  const ops = Array.from(s.graph.op, (code) => opNames[code]);
  if (!ops.includes('sigmoid') || !ops.includes('bce')) return [];
  const line = `dL/dz = y_hat - y = ${p.n(num(s, 'y_hat'))} - ${p.p(num(s, 'y'))} = ${p.n(grad(s, 'L', 'z'))}`;
  return [
    p.t(
      `Worth noticing: with the sigmoid and binary cross-entropy the factors \`1/(y_hat·(1 - y_hat))\` and \`y_hat·(1 - y_hat)\` cancel, so \`${line}\` directly.`,
      `Vale notar: com a sigmoide e a entropia cruzada binária os fatores \`1/(y_hat·(1 - y_hat))\` e \`y_hat·(1 - y_hat)\` se cancelam, e então \`${line}\` diretamente.`,
    ),
  ];
}
