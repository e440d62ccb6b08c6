/**
 * The single-neuron templates, the tutorial's exercise with fresh numbers: u = w·x, z = u + b,
 * y_hat = activation(z), L = loss(y_hat, y), the backward chain and one SGD step. One table of
 * what differs between them (activation, loss, target, the z that reads well); the rest is shared.
 */
import type { z } from 'zod';
import type { ExerciseConstraints, ValueSource } from '../../../schemas/authored.js';
import { say } from '../../../text.js';
import { activationName, lossName } from '../authored/setting.js';
import { type CatalogueEntry, LEARNING_RATES } from './entry.js';

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

/**
 * One decimal for x and b, two for w, |x| >= 0.5 and |w| >= 0.1: products stay short enough to
 * check by hand, and no input or weight is so small that its gradient is about 0.
 */
export const NEURON_INPUTS = {
  x: { min: -3, max: 3, decimals: 1, minAbs: 0.5 },
  w: { min: -1, max: 1, decimals: 2, minAbs: 0.1 },
  b: { min: -1, max: 1, decimals: 1 },
} as const;

/**
 * |y_hat − y| >= 0.1, below which the loss and every gradient are about 0, as the loss floor it
 * means: ½·0.1² for the squared error, 0.1² for the mean squared error (the floor and the
 * difference agree to the last bit: 0.1² rounds above 0.01, the double below 0.1 squares below it).
 */
export const MIN_HALF_SQUARED_ERROR = 0.005;
const MIN_SQUARED_ERROR = 0.01;
/**
 * For a binary label, |y_hat − y| >= 0.1 is L = −ln(1 − |y_hat − y|) >= −ln 0.9 = 0.1053605…;
 * rounded down to 0.10536 it admits y_hat up to 0.9000005 (z = 2.197230), and no drawn z (a
 * multiple of 0.001) lies between that and ln 9 = 2.1972246.
 */
const MIN_BINARY_CROSS_ENTROPY = 0.10536;

/** sigmoid and tanh flatten beyond |z| = 2.5: every gradient shrinks toward 0. */
const UNSATURATED = 2.5;

type Constraints = z.input<typeof ExerciseConstraints>;
type Activation = 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'softplus' | 'identity';
type Loss = 'half_squared_error' | 'mse' | 'bce';

interface NeuronRow {
  id: string;
  activation: Activation;
  loss: Loss;
  /** The target y, drawn in the activation's range. */
  y: z.input<typeof ValueSource>;
  /** Where z reads well: not saturated, not next to a kink; and the loss floor. */
  constraints: Constraints;
}

const tenths = (min: number, max: number) => ({ min, max, decimals: 1 });

const rows: NeuronRow[] = [
  {
    id: 'neuron-sigmoid',
    activation: 'sigmoid',
    loss: 'half_squared_error',
    y: tenths(0, 1),
    constraints: { maxPreactivation: UNSATURATED, minLoss: MIN_HALF_SQUARED_ERROR },
  },
  {
    id: 'neuron-tanh',
    activation: 'tanh',
    loss: 'half_squared_error',
    y: tenths(-1, 1),
    constraints: { maxPreactivation: UNSATURATED, minLoss: MIN_HALF_SQUARED_ERROR },
  },
  {
    id: 'neuron-relu',
    activation: 'relu',
    loss: 'half_squared_error',
    y: tenths(0, 2),
    // The active side only, clear of the kink: with z < 0 every backward answer is 0, a lesson
    // worth learning once (the leaky ReLU exercise has the negative side), not at every seed.
    constraints: { bounds: { z: { min: 0.2, max: 3 } }, minLoss: MIN_HALF_SQUARED_ERROR },
  },
  {
    id: 'neuron-leaky-relu',
    activation: 'leaky_relu',
    loss: 'half_squared_error',
    y: tenths(-1, 2),
    constraints: { kinkMargin: 0.2, bounds: { z: { min: -3, max: 3 } }, minLoss: MIN_HALF_SQUARED_ERROR },
  },
  {
    id: 'neuron-softplus',
    activation: 'softplus',
    loss: 'half_squared_error',
    y: tenths(0, 3),
    constraints: { bounds: { z: { min: -3, max: 3 } }, minLoss: MIN_HALF_SQUARED_ERROR },
  },
  {
    id: 'neuron-identity',
    activation: 'identity',
    loss: 'half_squared_error',
    y: tenths(-2, 2),
    constraints: { bounds: { z: { min: -3, max: 3 } }, minLoss: MIN_HALF_SQUARED_ERROR },
  },
  {
    id: 'neuron-sigmoid-mse',
    activation: 'sigmoid',
    loss: 'mse',
    y: tenths(0, 1),
    constraints: { maxPreactivation: UNSATURATED, minLoss: MIN_SQUARED_ERROR },
  },
  {
    id: 'neuron-sigmoid-bce',
    activation: 'sigmoid',
    loss: 'bce',
    // Binary labels: the case cross-entropy is for, and L reads as -ln(y_hat) or -ln(1 - y_hat).
    y: { choices: [0, 1] },
    constraints: { maxPreactivation: UNSATURATED, minLoss: MIN_BINARY_CROSS_ENTROPY },
  },
];

/**
 * A row as a catalogue entry. No title in the exercise: the statement's heading is the one the
 * authored writer gives a neuron (`One neuron, sigmoid activation, squared error loss`).
 * nonzeroGradients is the guard behind every rule (each row's rules already keep every gradient
 * away from 0: |x| >= 0.5, z on the active side, |y_hat − y| >= 0.1).
 */
function neuronEntry(row: NeuronRow): CatalogueEntry {
  const [act, loss] = [activationName(row.activation), lossName(row.loss)];
  return {
    id: row.id,
    title: say(
      `One neuron: ${act.en} activation, ${loss.en} loss`,
      `Um neurônio: ativação ${act['pt-BR']}, perda de ${loss['pt-BR']}`,
    ),
    description: say(
      `The forward pass and backpropagation through one neuron with the ${act.en} activation and the ${loss.en} loss, then one gradient-descent step.`,
      `O passo para frente e o passo para trás em um neurônio com ativação ${act['pt-BR']} e perda de ${loss['pt-BR']}, seguidas de um passo do gradiente descendente.`,
    ),
    exercise: {
      neuron: { ...NEURON_INPUTS, y: row.y, activation: row.activation, loss: row.loss },
      constraints: { ...row.constraints, nonzeroGradients: true },
      ask: [...NEURON_KEYS],
      learningRate: LEARNING_RATES,
    },
  };
}

export const neuronEntries: readonly CatalogueEntry[] = rows.map(neuronEntry);
