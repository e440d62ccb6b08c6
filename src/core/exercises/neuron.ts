/**
 * Single-neuron templates, the tutorial's exercise with fresh numbers: u = w·x, z = u + b,
 * y_hat = activation(z), L = loss(y_hat, y), the backward chain, and one SGD step. The worked
 * solution is the explainer's (solution.ts).
 */
import type { Activation, Loss, NeuronSpec } from '../../specs/spec.js';
import { type Localized, say } from '../../text.js';
import type { Prose } from './format.js';
import type { Rng } from './random.js';
import type { Solved } from './solve.js';
import { LEARNING_RATES, type Template, num } from './template.js';
import { askFor, computes, howToAnswer } from './words.js';

export const NEURON_KEYS = [
  'u',
  'z',
  'y_hat',
  'L',
  'dL/dy_hat',
  'dy_hat/dz',
  'dL/dz',
  'dL/dw',
  'dL/db',
  'step(w)',
  'step(b)',
] as const;

type NeuronActivation = Exclude<Activation, 'softmax'>;
type NeuronLoss = Extract<Loss, 'half_squared_error' | 'mse' | 'bce'>;

/** An activation's name in prose, and its definition where the formula alone does not say it. */
interface ActivationText {
  name: Localized;
  definition?(p: Prose): string;
}

const activationTexts: Record<NeuronActivation, ActivationText> = {
  sigmoid: { name: say('sigmoid', 'sigmoide'), definition: () => 'σ(z) = 1 / (1 + e^(−z))' },
  tanh: { name: say('tanh', 'tangente hiperbólica (tanh)') },
  relu: { name: say('ReLU', 'ReLU'), definition: (p) => `relu(z) = max(0${p.sep}z)` },
  leaky_relu: {
    name: say('leaky ReLU (α = 0.01)', 'leaky ReLU (α = 0,01)'),
    definition: (p) =>
      say('leaky_relu(z, α) = z if z > 0, else α·z', 'leaky_relu(z; α) = z se z > 0, senão α·z')[p.locale],
  },
  softplus: { name: say('softplus', 'softplus'), definition: () => 'softplus(z) = ln(1 + e^z)' },
  identity: { name: say('identity (linear)', 'identidade (linear)') },
};

const lossNames: Record<NeuronLoss, Localized> = {
  half_squared_error: say('squared error', 'erro quadrático'),
  mse: say('mean squared error', 'erro quadrático médio'),
  bce: say('binary cross-entropy', 'entropia cruzada binária'),
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
  const loss = { name: lossNames[o.loss] };
  const spec = (x: number, w: number, b: number, y: number, learningRate: number) => ({
    neuron: { x, w, b, y, activation: o.activation, loss: o.loss },
    learningRate,
  });
  const { x, w, b, y, learningRate } = o.fallback;
  return {
    id: o.id,
    title: say(
      `One neuron: ${act.name.en} activation, ${loss.name.en} loss`,
      `Um neurônio: ativação ${act.name['pt-BR']}, perda de ${loss.name['pt-BR']}`,
    ),
    description: say(
      `The forward pass and backpropagation through one neuron with the ${act.name.en} activation and the ${loss.name.en} loss, then one gradient-descent step.`,
      `O passo para frente e o passo para trás em um neurônio com ativação ${act.name['pt-BR']} e perda de ${loss.name['pt-BR']}, seguidas de um passo do gradiente descendente.`,
    ),
    answerKeys: NEURON_KEYS,
    draw: (rng) =>
      // One decimal for x and b, two for w: products stay short enough to check by hand.
      spec(
        rng.decimal(-3, 3, 1, 0.5),
        rng.decimal(-1, 1, 2, 0.1),
        rng.decimal(-1, 1, 1),
        o.target(rng),
        rng.pick(LEARNING_RATES),
      ),
    readable: (s) => o.zReadable(num(s, 'z')) && Math.abs(num(s, 'y_hat') - num(s, 'y')) >= MIN_ERROR,
    fallback: spec(x as number, w as number, b, y, learningRate),
    statement: (s, p) => neuronStatement(s, p, act, loss.name),
  };
}

function neuronStatement(s: Solved, p: Prose, act: ActivationText, loss: Localized): string {
  const given = (id: string) => `\`${id} = ${p.given(num(s, id))}\``;
  const definition = act.definition ? `\n\n${say('where', 'em que')[p.locale]} \`${act.definition(p)}\`.` : '';
  return [
    `### ${say(`One neuron, ${act.name.en} activation, ${loss.en} loss`, `Um neurônio, ativação ${act.name['pt-BR']}, perda de ${loss['pt-BR']}`)[p.locale]}`,
    say(
      `A neuron receives the input ${given('x')} and has the weight ${given('w')} and the bias ${given('b')}. The target is ${given('y')} and the learning rate is \`η = ${p.given(s.problem.learningRate)}\`.`,
      `Um neurônio recebe a entrada ${given('x')} e tem o peso ${given('w')} e o viés ${given('b')}. O valor esperado é ${given('y')} e a taxa de aprendizado é \`η = ${p.given(s.problem.learningRate)}\`.`,
    )[p.locale],
    say('It computes:', 'Ele calcula:')[p.locale],
    computes(s, p) + definition,
    askFor(NEURON_KEYS, p),
    howToAnswer(p),
  ].join('\n\n');
}
