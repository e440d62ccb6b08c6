/**
 * Softmax cross-entropy on three classes (CS231n's softmax_loss): the probabilities, the loss
 * -ln p_y of the true class, and the gradient of the logits, p - y for a one-hot y.
 */
import { say } from '../../text.js';
import { distinctIntegers, elements, given, graphTemplate, node } from './graph-template.js';
import type { Solved } from './solve.js';

const KEYS = ['p', 'L', 'dL/dz'] as const;

function graph(z: number[], label: number) {
  return {
    inputs: { z, y: [0, 1, 2].map((k) => (k === label ? 1 : 0)) },
    nodes: [node('p', 'softmax', ['z']), node('L', 'softmax_cross_entropy', ['z', 'y'])],
    output: 'L',
  };
}

/** The true class neither nearly certain (a loss about 0) nor nearly hopeless. */
function readable(s: Solved): boolean {
  const p = elements(s, 'p');
  const label = elements(s, 'y').indexOf(1);
  return p[label] >= 0.1 && p[label] <= 0.85;
}

export const softmaxCrossEntropyTemplate = graphTemplate({
  id: 'softmax-ce-3',
  title: say('Softmax cross-entropy on three classes', 'Entropia cruzada com softmax em três classes'),
  description: say(
    'The softmax probabilities of three logits, the cross-entropy loss of the true class, and the gradient of the logits, p − y.',
    'As probabilidades softmax de três logits, a perda de entropia cruzada da classe correta e o gradiente dos logits, p − y.',
  ),
  answerKeys: KEYS,
  meanings: {
    p: say(
      'the probabilities, `p_k = e^(z_k) / Σ_j e^(z_j)` (a vector of 3)',
      'as probabilidades, `p_k = e^(z_k) / Σ_j e^(z_j)` (um vetor de 3)',
    ),
    L: say(
      'the loss, `−Σ_k y_k · ln p_k`, which is `−ln p` of the true class',
      'a perda, `−Σ_k y_k · ln p_k`, que é `−ln p` da classe correta',
    ),
    'dL/dz': say('the gradient of the logits (a vector of 3)', 'o gradiente dos logits (um vetor de 3)'),
  },
  // Three different logits with one decimal, in [-2, 2]: no two classes tied.
  draw: (rng) =>
    graph(
      distinctIntegers(rng, 3, -20, 20).map((n) => n / 10),
      rng.int(0, 2),
    ),
  readable,
  fallback: graph([0.5, -1, 2], 0),
  intro: (s, p) =>
    say(
      `A classifier gives the logits ${given(s, p, ['z'])} for three classes; the true class is marked by the one-hot ${given(s, p, ['y'])}. The loss is the softmax cross-entropy (PyTorch's \`F.cross_entropy\`).`,
      `Um classificador dá os logits ${given(s, p, ['z'])} para três classes; a classe correta é marcada pelo vetor one-hot ${given(s, p, ['y'])}. A perda é a entropia cruzada com softmax (o \`F.cross_entropy\` do PyTorch).`,
    )[p.locale],
});
