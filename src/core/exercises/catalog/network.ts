/**
 * The 2-2-1 network on one example: z1 = W1·x + b1, a1 = relu(z1), z2 = W2·a1 + b2,
 * a2 = sigmoid(z2), L = mse(a2, y); backpropagation layer by layer, then one SGD step on the
 * output layer. Vectors and matrices are answered as arrays.
 */
import { say } from '../../../text.js';
import { type CatalogueEntry, LEARNING_RATES } from './entry.js';

export const NETWORK_KEYS = [
  'z1',
  'a1',
  'z2',
  'a2',
  'L',
  'dL/da2',
  'dL/dz2',
  'dL/dW2',
  'dL/db2',
  'dL/da1',
  'dL/dz1',
  'dL/dW1',
  'dL/db1',
  'step(W2)',
  'step(b2)',
] as const;

/** One decimal everywhere; no weight below 0.1 nor input below 0.2 in size, so no gradient is about 0. */
const weights = (shape: number[]) => ({ min: -1, max: 1, decimals: 1, minAbs: 0.1, shape });
const biases = (n: number) => ({ min: -0.5, max: 0.5, decimals: 1, shape: [n] });

export const networkEntry: CatalogueEntry = {
  id: 'network-2-2-1',
  title: say(
    'A 2-2-1 network: ReLU hidden layer, sigmoid output, mean squared error',
    'Uma rede 2-2-1: camada oculta ReLU, saída sigmoide, erro quadrático médio',
  ),
  description: say(
    'The forward pass and backpropagation through a network with two inputs, two ReLU hidden units and one sigmoid output on one example, then one gradient-descent step on the output layer.',
    'O passo para frente e o passo para trás em uma rede com duas entradas, duas unidades ocultas ReLU e uma saída sigmoide, para um exemplo, seguidas de um passo do gradiente descendente na camada de saída.',
  ),
  exercise: {
    title: { en: 'A 2-2-1 network', 'pt-BR': 'Uma rede 2-2-1' },
    network: {
      x: { min: -2, max: 2, decimals: 1, minAbs: 0.2, shape: [2] },
      loss: 'mse',
      layers: [
        { W: weights([2, 2]), b: biases(2), activation: 'relu' },
        { W: weights([1, 2]), b: biases(1), activation: 'sigmoid' },
      ],
      y: { choices: [[0], [1]] },
    },
    constraints: {
      // The hidden pre-activations stay this far from relu's kink at 0.
      kinkMargin: 0.2,
      // Beyond this the output sigmoid is saturated and every gradient shrinks toward 0.
      maxPreactivation: 2.5,
      // A hidden unit may be off, not both: then every gradient but b2's is 0 (dL/dW2 = dz2·a1 = 0).
      nonzeroGradients: 'some',
      // |a2 − y| >= 0.1 as the mean squared error of one output: 0.1² (see neurons.ts).
      minLoss: 0.01,
    },
    ask: [...NETWORK_KEYS],
    learningRate: LEARNING_RATES,
  },
};
