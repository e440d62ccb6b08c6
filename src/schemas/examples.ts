/**
 * The named request examples that Swagger UI prefills, so that every route can be tried as it
 * is: the tutorial's worked example (x = 2, w = 0.5, b = -1, y = 1: u = 1, z = 0, y_hat = 0.5,
 * L = 0.125), its practice exercise (x = 3, w = -0.2, b = 0.4, y = 0) as a neuron, as graph nodes
 * and in its own notation (expr), a 2-2-1 network and a small CNN. What the service answers to each becomes
 * the 200 response's example of the same name (src/http/openapi.ts).
 */
import { FD_EPSILON } from '../core/defaults.js';

const worked = { x: 2, w: 0.5, b: -1, y: 1, activation: 'sigmoid', loss: 'half_squared_error' };

const neuron = { x: 3, w: -0.2, b: 0.4, y: 0, activation: 'sigmoid', loss: 'half_squared_error' };

/**
 * The tutorial's practice activity as an authored exercise (POST /v1/exercises, POST /v1/grade by
 * reference): a tanh neuron whose bias is drawn from [-1, 1] in steps of 0.1, clear of saturation.
 */
export const tutorialActivity = {
  title: { en: 'Practice: one tanh neuron', 'pt-BR': 'Atividade prática: um neurônio tanh' },
  statement: {
    en: 'A neuron receives `x = {x}`, has the weight `w = {w}` and the bias `b = {b}`, and uses tanh. The target is `y = {y}` and the learning rate is `η = {learningRate}`.',
    'pt-BR':
      'Um neurônio recebe `x = {x}`, tem o peso `w = {w}` e o viés `b = {b}`, e usa tanh. O valor esperado é `y = {y}` e a taxa de aprendizado é `η = {learningRate}`.',
  },
  neuron: {
    x: 3,
    w: -0.2,
    b: { min: -1, max: 1, step: 0.1 },
    y: 0,
    activation: 'tanh',
    loss: 'half_squared_error',
  },
  constraints: { maxPreactivation: 4, nonzeroGradients: true, minLoss: 0.001 },
  ask: ['z', 'y_hat', 'L', 'dL/dz', 'dL/dw', 'dL/db', 'step(w)'],
  learningRate: 0.1,
};

const graph = {
  inputs: { x: 3, y: 0 },
  params: { w: -0.2, b: 0.4 },
  nodes: [
    { id: 'u', op: 'mul', args: ['w', 'x'] },
    { id: 'z', op: 'add', args: ['u', 'b'] },
    { id: 'y_hat', op: 'sigmoid', args: ['z'] },
    { id: 'L', op: 'half_squared_error', args: ['y_hat', 'y'] },
  ],
  output: 'L',
};

const expr = {
  inputs: { x: 3, y: 0 },
  params: { w: -0.2, b: 0.4 },
  expr: 'u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2',
};

const network = {
  x: [[0.5, -1.0]],
  y: [[1.0]],
  loss: 'mse',
  layers: [
    {
      W: [
        [0.1, 0.2],
        [0.3, -0.4],
      ],
      b: [0, 0.1],
      activation: 'relu',
    },
    { W: [[0.5, -0.5]], b: [0.2], activation: 'sigmoid' },
  ],
};

/**
 * A small CNN, as nn.Sequential(Conv2d(1, 2, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
 * Linear(18, 3)) with softmax cross-entropy: two 6×6 one-channel images, one-hot targets. No
 * z of the convolution is 0 (b1 is ±0.005 off the hundredths its sums make) and no pooling
 * window ties at its max, so every derivative is a plain one and gradcheck passes.
 */
const cnn = {
  x: [
    [
      [
        [-0.2, 0.5, 0.4, -0.3, 0.1, 0.5],
        [0.3, 0.5, -0.4, 0.5, -0.5, 0.3],
        [-0.1, 0.4, -0.2, -0.2, 0.3, 0.4],
        [0.4, 0.3, 0.2, -0.3, -0.2, -0.3],
        [0.4, 0.2, -0.5, -0.4, -0.3, 0.5],
        [-0.5, -0.1, -0.5, -0.1, 0.3, 0.5],
      ],
    ],
    [
      [
        [0.2, 0.2, 0.2, 0.5, 0.3, -0.3],
        [0.1, -0.4, -0.5, -0.3, 0.3, -0.2],
        [-0.1, 0.2, -0.1, 0.2, 0.4, 0.2],
        [0.5, 0.1, 0.4, 0.5, 0.2, 0.5],
        [-0.2, 0.1, -0.5, -0.1, 0.5, -0.3],
        [0.1, 0.4, 0.5, 0.5, -0.4, -0.2],
      ],
    ],
  ],
  y: [
    [1, 0, 0],
    [0, 0, 1],
  ],
  loss: 'softmax_cross_entropy',
  layers: [
    {
      kind: 'conv2d',
      W: [
        [
          [
            [0.5, -0.1, -0.1],
            [-0.4, -0.4, 0.3],
            [0.3, -0.4, 0.1],
          ],
        ],
        [
          [
            [-0.4, 0.2, -0.3],
            [-0.5, -0.1, 0.2],
            [0.2, -0.4, -0.5],
          ],
        ],
      ],
      b: [0.005, -0.005],
      padding: 1,
      activation: 'relu',
    },
    { kind: 'max_pool2d', kernel: 2 },
    { kind: 'flatten' },
    {
      W: [
        [0.5, 0.5, -0.5, 0.2, 0.5, 0.1, 0.4, -0.1, 0.4, -0.2, -0.5, -0.1, -0.5, -0.4, -0.4, 0.5, 0.4, -0.5],
        [-0.2, 0.2, -0.1, 0.5, -0.1, -0.3, -0.5, 0.1, 0.1, 0.1, -0.3, 0.2, 0.2, 0.3, 0.4, 0.2, 0.5, 0.4],
        [-0.4, 0.5, 0.4, -0.1, 0.2, -0.2, -0.1, 0.2, -0.1, 0.4, -0.1, 0.4, 0.1, -0.5, 0.2, 0.5, 0.1, -0.5],
      ],
      b: [0.1, 0, -0.1],
      activation: 'identity',
    },
  ],
};

type Extra = Record<string, unknown>;
/** The example specs by name, for the tests that send them as Swagger UI does. */
export const exampleSpecs = { worked, neuron, graph, expr, network, cnn };

export type SpecExampleName = 'worked' | 'neuron' | 'graph' | 'expr' | 'network' | 'cnn';

/**
 * OpenAPI named examples for a body that takes one spec (`x-examples` becomes the media
 * type's `examples` in @fastify/swagger): `extra` is added to each (a route's own fields, such as
 * `learningRate`), `extraFor` to one of them.
 */
export function problemExamples(extra: Extra = {}, extraFor: Partial<Record<SpecExampleName, Extra>> = {}) {
  return {
    'x-examples': {
      worked: {
        summary: "The tutorial's worked example: a sigmoid neuron, x=2, w=0.5, b=-1, y=1",
        value: { neuron: worked, ...extra, ...extraFor.worked },
      },
      neuron: {
        summary: "The tutorial's exercise: x=3, w=-0.2, b=0.4, y=0",
        value: { neuron, ...extra, ...extraFor.neuron },
      },
      graph: { summary: 'The same exercise as graph nodes', value: { graph, ...extra, ...extraFor.graph } },
      expr: {
        summary: "The same exercise in the tutorial's notation (expr)",
        value: { graph: expr, ...extra, ...extraFor.expr },
      },
      network: { summary: 'A 2-2-1 network (relu, sigmoid, mse)', value: { network, ...extra, ...extraFor.network } },
      cnn: {
        summary:
          'A small CNN: conv2d 1→2 3×3 (padding 1, relu), max pool 2, flatten, dense 18→3, softmax cross-entropy',
        value: { network: cnn, ...extra, ...extraFor.cnn },
      },
    },
  };
}

/** Named examples of POST /v1/grade: each has a student's mistake, so that the feedback shows. */
export function gradeExamples() {
  return {
    'x-examples': {
      worked: {
        summary: "The worked example: f'(z) forgotten in dL/dz, then dL/dw right from that answer (follow-through)",
        value: {
          neuron: worked,
          learningRate: 0.1,
          answers: {
            y_hat: 0.5,
            L: 0.125,
            'dL/dy_hat': -0.5,
            'dy_hat/dz': 0.25,
            'dL/dz': -0.5,
            'dL/dw': -1,
            'step(w)': 0.525,
          },
        },
      },
      neuron: {
        summary: 'The exercise: dL/dw with its sign flipped, decimals with a comma',
        value: {
          neuron,
          learningRate: 0.1,
          epsilon: FD_EPSILON,
          answers: {
            u: -0.6,
            z: -0.2,
            y_hat: '0,45',
            'dL/dy_hat': 0.45,
            'dy_hat/dz': 0.2475,
            'dL/dz': 0.1114,
            'dL/dw': -0.3343,
            'step(w)': -0.2334,
            'fd(dL/dw)': 0.3343,
          },
        },
      },
      expr: {
        summary: "The tutorial's notation: a wrong y_hat, and the steps after it right from it (follow-through)",
        value: { graph: expr, answers: { y_hat: 0.5, 'dL/dy_hat': 0.5, 'dL/dz': 0.125 } },
      },
      network: {
        summary: 'The 2-2-1 network: matrices as arrays, dL/db2 with its sign flipped',
        value: { network, answers: { a1: [[0, 0.65]], a2: [[0.4688]], 'dL/dW2': [[0, -0.172]], 'dL/db2': [0.2646] } },
      },
      byReference: {
        summary:
          "Grading by reference: the tutorial's authored activity and the seed; the server draws the problem again",
        value: {
          exercise: tutorialActivity,
          seed: 42,
          answers: { z: -0.7, y_hat: '-0,6044', L: 0.1826, 'dL/dz': -0.3836, 'dL/dw': 1.151 },
        },
      },
      template: {
        summary: 'Grading by reference to a template and a seed',
        value: {
          exercise: { template: 'neuron-sigmoid' },
          seed: 42,
          answers: { u: -1.288, y_hat: 0.1103, 'dL/dz': -0.03824 },
        },
      },
      sigfigs: {
        summary: 'Two significant figures, in Gradescope format',
        value: {
          neuron,
          answers: { L: 0.1, y_hat: 0.45, 'dL/dz': 0.12 },
          tolerance: { sigfigs: 2 },
          format: 'gradescope',
        },
      },
    },
  };
}
