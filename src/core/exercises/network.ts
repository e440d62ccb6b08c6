/**
 * A 2-2-1 network on one example: z1 = W1·x + b1, a1 = relu(z1), z2 = W2·a1 + b2,
 * a2 = sigmoid(z2), L = mse(a2, y); backpropagation layer by layer, then one SGD step on the
 * output layer. Vectors and matrices are answered as arrays.
 */
import type { Prose } from './format.js';
import type { Rng } from './random.js';
import type { Solved } from './solve.js';
import { LEARNING_RATES, type Template } from './template.js';
import { askFor, howToAnswer, roundingNote, step } from './words.js';

const KEYS = ['z1', 'a1', 'z2', 'a2', 'L', 'dL/da2', 'dL/dz2', 'dL/dW2', 'dL/db2', 'dL/da1', 'dL/dz1', 'dL/dW1', 'dL/db1', 'step(W2)', 'step(b2)'] as const;

/** The hidden pre-activations stay this far from relu's kink at 0. */
const KINK_MARGIN = 0.2;
/** Beyond this the sigmoid is saturated and every gradient shrinks toward 0. */
const MAX_ABS_Z = 2.5;
const MIN_ERROR = 0.1;

function draw(rng: Rng) {
  const weight = () => rng.decimal(-1, 1, 1, 0.1);
  const bias = () => rng.decimal(-0.5, 0.5, 1);
  const x = [rng.decimal(-2, 2, 1, 0.2), rng.decimal(-2, 2, 1, 0.2)];
  const W1 = [[weight(), weight()], [weight(), weight()]];
  const b1 = [bias(), bias()];
  const W2 = [[weight(), weight()]];
  const b2 = [bias()];
  const y = [rng.pick([0, 1])];
  return network(x, W1, b1, W2, b2, y, rng.pick(LEARNING_RATES));
}

function network(x: number[], W1: number[][], b1: number[], W2: number[][], b2: number[], y: number[], learningRate: number) {
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
  title: {
    en: 'A 2-2-1 network: ReLU hidden layer, sigmoid output, mean squared error',
    'pt-BR': 'Uma rede 2-2-1: camada oculta ReLU, saída sigmoide, erro quadrático médio',
  },
  description: {
    en: 'The forward pass and backpropagation through a network with two inputs, two ReLU hidden units and one sigmoid output on one example, then one gradient-descent step on the output layer.',
    'pt-BR': 'A passagem direta e a retropropagação em uma rede com duas entradas, duas unidades ocultas ReLU e uma saída sigmoide, para um exemplo, seguidas de um passo do gradiente descendente na camada de saída.',
  },
  answerKeys: KEYS,
  draw,
  readable,
  // README's example network, moved clear of the kink: z1 = [-0.25, 0.65], one unit off, one on.
  fallback: network([0.5, -1], [[0.1, 0.3], [0.3, -0.4]], [0, 0.1], [[0.5, -0.5]], [0.2], [1], 0.1),
  statement,
  solution,
};

function statement(s: Solved, p: Prose): string {
  const given = (id: string) => `\`${id} = ${p.tensor(s.value(id), p.given)}\``;
  return [
    `### ${p.t('A 2-2-1 network', 'Uma rede 2-2-1')}`,
    p.t(
      `A network with 2 inputs, a hidden layer of 2 ReLU units and 1 sigmoid output receives the example ${given('x')} with the target ${given('y')}. Its parameters are ${given('W1')}, ${given('b1')}, ${given('W2')} and ${given('b2')}: row \`i\` of a weight matrix holds the weights into unit \`i\` (as PyTorch's \`nn.Linear\`). The learning rate is \`η = ${p.given(s.problem.learningRate)}\`.`,
      `Uma rede com 2 entradas, uma camada oculta de 2 unidades ReLU e 1 saída sigmoide recebe o exemplo ${given('x')} com o valor esperado ${given('y')}. Seus parâmetros são ${given('W1')}, ${given('b1')}, ${given('W2')} e ${given('b2')}: a linha \`i\` de uma matriz de pesos contém os pesos que chegam à unidade \`i\` (como no \`nn.Linear\` do PyTorch). A taxa de aprendizado é \`η = ${p.given(s.problem.learningRate)}\`.`,
    ),
    p.t('It computes:', 'Ela calcula:'),
    [
      '- `z1 = W1·x + b1`',
      '- `a1 = relu(z1)`',
      '- `z2 = W2·a1 + b2`',
      '- `a2 = sigmoid(z2)`',
      p.t('- `L = mean((a2 - y)²)`, which for a single output is `(a2 - y)²`', '- `L = média((a2 - y)²)`, que para uma única saída é `(a2 - y)²`'),
    ].join('\n'),
    askFor(KEYS, p),
    howToAnswer(p, true),
  ].join('\n\n');
}

function solution(s: Solved, p: Prose): string {
  const v = (id: string) => Array.from(s.value(id).data);
  const d = (of: string, wrt: string) => Array.from(s.derivative(of, wrt).data);
  const t = (xs: number[]) => `[${xs.map((x) => p.n(x)).join(p.sep)}]`;
  const T = (rows: string[][]) => `[${rows.map((r) => `[${r.join(p.sep)}]`).join(p.sep)}]`;
  const given = (x: number) => (x < 0 ? `(${p.given(x)})` : p.given(x));
  const [x, W1, b1, W2, b2, y] = [v('x'), v('W1'), v('b1'), v('W2'), v('b2'), v('y')];
  const [z1, a1, z2, a2] = [v('z1'), v('a1'), v('z2'), v('a2')];
  const eta = p.given(s.problem.learningRate);
  const dz2 = d('L', 'z2')[0];
  const dz1 = d('L', 'z1');
  const dW2 = d('L', 'W2');
  const relu1 = d('a1', 'z1');
  const rows = [0, 1];

  const forward = [
    step(
      `z1 = W1·x + b1 = [${rows.map((i) => `${p.given(W1[2 * i])}·${given(x[0])} + ${given(W1[2 * i + 1])}·${given(x[1])} + ${given(b1[i])}`).join(p.sep)}] = ${t(z1)}`,
    ),
    step(`a1 = relu(z1) = [${z1.map((z) => `max(0${p.sep}${p.n(z)})`).join(p.sep)}] = ${t(a1)}`),
    step(`z2 = W2·a1 + b2 = [${p.given(W2[0])}·${p.p(a1[0])} + ${given(W2[1])}·${p.p(a1[1])} + ${given(b2[0])}] = ${t(z2)}`),
    step(`a2 = sigmoid(z2) = [1 / (1 + e^(${p.n(-z2[0])}))] = ${t(a2)}`),
    step(`L = (a2 - y)² = (${p.n(a2[0])} - ${p.given(y[0])})² = ${p.n(v('L')[0])}`),
  ];
  const backward = [
    step(`dL/da2 = 2·(a2 - y) = [2 · (${p.n(a2[0])} - ${p.given(y[0])})] = ${t(d('L', 'a2'))}`),
    step(
      `dL/dz2 = dL/da2 · a2·(1 - a2) = [${p.n(d('L', 'a2')[0])} · ${p.n(d('a2', 'z2')[0])}] = ${t([dz2])}`,
      p.t(
        `, where \`a2·(1 - a2) = ${p.n(a2[0])} · (1 - ${p.n(a2[0])}) = ${p.n(d('a2', 'z2')[0])}\` is the sigmoid's derivative`,
        `, em que \`a2·(1 - a2) = ${p.n(a2[0])} · (1 - ${p.n(a2[0])}) = ${p.n(d('a2', 'z2')[0])}\` é a derivada da sigmoide`,
      ),
    ),
    step(`dL/dW2 = dL/dz2 · a1ᵀ = [[${a1.map((a) => `${p.n(dz2)} · ${p.p(a)}`).join(p.sep)}]] = [${t(dW2)}]`),
    step(`dL/db2 = dL/dz2 = ${t(d('L', 'b2'))}`),
    step(`dL/da1 = W2ᵀ · dL/dz2 = [${W2.map((w) => `${p.given(w)} · ${p.p(dz2)}`).join(p.sep)}] = ${t(d('L', 'a1'))}`),
    step(
      `dL/dz1 = dL/da1 ⊙ relu'(z1) = [${rows.map((i) => `${p.n(d('L', 'a1')[i])} · ${p.n(relu1[i])}`).join(p.sep)}] = ${t(dz1)}`,
      p.t(
        ", since `relu'(z)` is 1 where `z > 0` and 0 where `z < 0`: a unit that is off passes no gradient back",
        ", pois `relu'(z)` vale 1 onde `z > 0` e 0 onde `z < 0`: uma unidade desligada não propaga gradiente",
      ),
    ),
    step(`dL/dW1 = dL/dz1 · xᵀ = ${T(rows.map((i) => x.map((xj) => `${p.n(dz1[i])} · ${given(xj)}`)))} = ${p.tensor(s.derivative('L', 'W1'))}`),
    step(`dL/db1 = dL/dz1 = ${t(d('L', 'b1'))}`),
  ];
  const update = [
    step(`step(W2) = W2 - η·dL/dW2 = [[${W2.map((w, j) => `${p.given(w)} - ${eta} · ${p.p(dW2[j])}`).join(p.sep)}]] = ${p.tensor(s.answer('step(W2)'))}`),
    step(`step(b2) = b2 - η·dL/db2 = [${p.given(b2[0])} - ${eta} · ${p.p(d('L', 'b2')[0])}] = ${p.tensor(s.answer('step(b2)'))}`),
  ];
  return [
    `### ${p.t('Solution', 'Solução')}`,
    p.t('**Forward pass**, layer by layer:', '**Passagem direta**, camada por camada:'),
    forward.join('\n'),
    p.t(
      '**Backward pass**, from the loss back through each layer (chain rule; `⊙` multiplies element by element):',
      '**Retropropagação**, da perda de volta por cada camada (regra da cadeia; `⊙` multiplica elemento a elemento):',
    ),
    backward.join('\n'),
    p.t(`**Gradient-descent step** on the output layer with \`η = ${eta}\`:`, `**Passo de atualização** do gradiente descendente na camada de saída com \`η = ${eta}\`:`),
    update.join('\n'),
    roundingNote(p),
  ].join('\n\n');
}
