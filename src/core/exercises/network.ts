/**
 * A 2-2-1 network on one example: z1 = W1·x + b1, a1 = relu(z1), z2 = W2·a1 + b2,
 * a2 = sigmoid(z2), L = mse(a2, y); backpropagation layer by layer, then one SGD step on the
 * output layer. Vectors and matrices are answered as arrays.
 */
import { say } from '../../text.js';
import type { Prose } from './format.js';
import type { Rng } from './random.js';
import type { Solved } from './solve.js';
import { LEARNING_RATES, type Template } from './template.js';
import { askFor, computes, howToAnswer } from './words.js';

const KEYS = [
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

/** The hidden pre-activations stay this far from relu's kink at 0. */
const KINK_MARGIN = 0.2;
/** Beyond this the sigmoid is saturated and every gradient shrinks toward 0. */
const MAX_ABS_Z = 2.5;
const MIN_ERROR = 0.1;

function draw(rng: Rng) {
  const weight = () => rng.decimal(-1, 1, 1, 0.1);
  const bias = () => rng.decimal(-0.5, 0.5, 1);
  const x = [rng.decimal(-2, 2, 1, 0.2), rng.decimal(-2, 2, 1, 0.2)];
  const W1 = [
    [weight(), weight()],
    [weight(), weight()],
  ];
  const b1 = [bias(), bias()];
  const W2 = [[weight(), weight()]];
  const b2 = [bias()];
  const y = [rng.pick([0, 1])];
  return network(x, W1, b1, W2, b2, y, rng.pick(LEARNING_RATES));
}

function network(
  x: number[],
  W1: number[][],
  b1: number[],
  W2: number[][],
  b2: number[],
  y: number[],
  learningRate: number,
) {
  return {
    network: {
      x,
      y,
      loss: 'mse' as const,
      layers: [
        { W: W1, b: b1, activation: 'relu' as const },
        { W: W2, b: b2, activation: 'sigmoid' as const },
      ],
    },
    learningRate,
  };
}

function readable(s: Solved): boolean {
  const z1 = Array.from(s.value('z1').data);
  const z2 = s.value('z2').data[0];
  return (
    z1.every((z) => Math.abs(z) >= KINK_MARGIN) &&
    // With both hidden units off, every gradient but b2's is 0.
    z1.some((z) => z > 0) &&
    Math.abs(z2) <= MAX_ABS_Z &&
    Math.abs(s.value('a2').data[0] - s.value('y').data[0]) >= MIN_ERROR
  );
}

export const networkTemplate: Template = {
  id: 'network-2-2-1',
  title: say(
    'A 2-2-1 network: ReLU hidden layer, sigmoid output, mean squared error',
    'Uma rede 2-2-1: camada oculta ReLU, saída sigmoide, erro quadrático médio',
  ),
  description: say(
    'The forward pass and backpropagation through a network with two inputs, two ReLU hidden units and one sigmoid output on one example, then one gradient-descent step on the output layer.',
    'O passo para frente e o passo para trás em uma rede com duas entradas, duas unidades ocultas ReLU e uma saída sigmoide, para um exemplo, seguidas de um passo do gradiente descendente na camada de saída.',
  ),
  answerKeys: KEYS,
  draw,
  readable,
  // README's example network, moved clear of the kink: z1 = [-0.25, 0.65], one unit off, one on.
  fallback: network(
    [0.5, -1],
    [
      [0.1, 0.3],
      [0.3, -0.4],
    ],
    [0, 0.1],
    [[0.5, -0.5]],
    [0.2],
    [1],
    0.1,
  ),
  statement,
};

function statement(s: Solved, p: Prose): string {
  const given = (id: string) => `\`${id} = ${p.tensor(s.value(id), p.given)}\``;
  return [
    `### ${say('A 2-2-1 network', 'Uma rede 2-2-1')[p.locale]}`,
    say(
      `A network with 2 inputs, a hidden layer of 2 ReLU units and 1 sigmoid output receives the example ${given('x')} with the target ${given('y')}. Its parameters are ${given('W1')}, ${given('b1')}, ${given('W2')} and ${given('b2')}: row \`i\` of a weight matrix holds the weights into unit \`i\` (as PyTorch's \`nn.Linear\`). The learning rate is \`η = ${p.given(s.problem.learningRate)}\`.`,
      `Uma rede com 2 entradas, uma camada oculta de 2 unidades ReLU e 1 saída sigmoide recebe o exemplo ${given('x')} com o valor esperado ${given('y')}. Seus parâmetros são ${given('W1')}, ${given('b1')}, ${given('W2')} e ${given('b2')}: a linha \`i\` de uma matriz de pesos contém os pesos que chegam à unidade \`i\` (como no \`nn.Linear\` do PyTorch). A taxa de aprendizado é \`η = ${p.given(s.problem.learningRate)}\`.`,
    )[p.locale],
    say(
      'It computes (`x · W1ᵀ` is `W1·x` written for a row `x`; `σ` is the sigmoid):',
      'Ela calcula (`x · W1ᵀ` é `W1·x` escrito para uma linha `x`; `σ` é a sigmoide):',
    )[p.locale],
    computes(s, p),
    askFor(KEYS, p),
    howToAnswer(p, true),
  ].join('\n\n');
}
