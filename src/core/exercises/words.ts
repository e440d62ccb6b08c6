/** Text every template shares: what each answer key means, how to answer, what the solution rounds. */
import { Notation } from '../notation/node.js';
import { READING_SIGFIGS } from '../notation/numbers.js';
import type { Localized, Prose } from './format.js';
import type { Solved } from './solve.js';

const meanings: Record<string, Localized> = {
  u: { en: 'the weighted input, `w·x`', 'pt-BR': 'a entrada ponderada, `w·x`' },
  z: { en: 'the pre-activation, `u + b`', 'pt-BR': 'a pré-ativação, `u + b`' },
  y_hat: { en: "the neuron's output", 'pt-BR': 'a saída do neurônio' },
  L: { en: 'the loss', 'pt-BR': 'a perda' },
  'dL/dy_hat': { en: 'the derivative of the loss with respect to the output', 'pt-BR': 'a derivada da perda em relação à saída' },
  'dy_hat/dz': { en: 'the derivative of the activation at `z`', 'pt-BR': 'a derivada da ativação no ponto `z`' },
  'dL/dz': { en: 'the derivative of the loss with respect to `z` (chain rule)', 'pt-BR': 'a derivada da perda em relação a `z` (regra da cadeia)' },
  'dL/dw': { en: 'the gradient of the loss with respect to the weight', 'pt-BR': 'o gradiente da perda em relação ao peso' },
  'dL/db': { en: 'the gradient of the loss with respect to the bias', 'pt-BR': 'o gradiente da perda em relação ao viés' },
  'step(w)': { en: 'the weight after one gradient-descent step, `w - η·dL/dw`', 'pt-BR': 'o peso após um passo de atualização do gradiente descendente, `w - η·dL/dw`' },
  'step(b)': { en: 'the bias after the same step, `b - η·dL/db`', 'pt-BR': 'o viés após o mesmo passo, `b - η·dL/db`' },
  'fd(dL/dw)': { en: 'the central finite difference `(L(w + ε) - L(w - ε)) / (2ε)`', 'pt-BR': 'a diferença finita central `(L(w + ε) - L(w - ε)) / (2ε)`' },
  'fd(dL/db)': { en: 'the central finite difference `(L(b + ε) - L(b - ε)) / (2ε)`', 'pt-BR': 'a diferença finita central `(L(b + ε) - L(b - ε)) / (2ε)`' },
  z1: { en: 'the hidden pre-activations, `W1·x + b1` (a vector of 2)', 'pt-BR': 'as pré-ativações da camada oculta, `W1·x + b1` (um vetor de 2)' },
  a1: { en: 'the hidden activations, `relu(z1)`', 'pt-BR': 'as ativações da camada oculta, `relu(z1)`' },
  z2: { en: 'the output pre-activation, `W2·a1 + b2` (a vector of 1)', 'pt-BR': 'a pré-ativação da saída, `W2·a1 + b2` (um vetor de 1)' },
  a2: { en: "the network's output, `sigmoid(z2)`", 'pt-BR': 'a saída da rede, `sigmoid(z2)`' },
  'dL/da2': { en: 'the derivative of the loss with respect to the output', 'pt-BR': 'a derivada da perda em relação à saída' },
  'dL/dz2': { en: 'the derivative of the loss with respect to `z2`', 'pt-BR': 'a derivada da perda em relação a `z2`' },
  'dL/dW2': { en: 'the gradient with respect to `W2` (a 1×2 matrix)', 'pt-BR': 'o gradiente em relação a `W2` (uma matriz 1×2)' },
  'dL/db2': { en: 'the gradient with respect to `b2`', 'pt-BR': 'o gradiente em relação a `b2`' },
  'dL/da1': { en: 'the derivative of the loss with respect to the hidden activations', 'pt-BR': 'a derivada da perda em relação às ativações ocultas' },
  'dL/dz1': { en: 'the derivative of the loss with respect to `z1`', 'pt-BR': 'a derivada da perda em relação a `z1`' },
  'dL/dW1': { en: 'the gradient with respect to `W1` (a 2×2 matrix)', 'pt-BR': 'o gradiente em relação a `W1` (uma matriz 2×2)' },
  'dL/db1': { en: 'the gradient with respect to `b1`', 'pt-BR': 'o gradiente em relação a `b1`' },
  'step(W2)': { en: '`W2` after one gradient-descent step, `W2 - η·dL/dW2`', 'pt-BR': '`W2` após um passo de atualização do gradiente descendente, `W2 - η·dL/dW2`' },
  'step(b2)': { en: '`b2` after the same step, `b2 - η·dL/db2`', 'pt-BR': '`b2` após o mesmo passo, `b2 - η·dL/db2`' },
};

/** The keys to compute, numbered, each written literally so the student knows what to submit. */
export function keyList(keys: readonly string[], p: Prose): string {
  return keys
    .map((key, i) => {
      const meaning = meanings[key];
      if (!meaning) throw new Error(`no meaning written for the answer key '${key}'`);
      return `${i + 1}. \`${key}\`: ${meaning[p.locale]}`;
    })
    .join('\n');
}

export function askFor(keys: readonly string[], p: Prose): string {
  return p.t(
    'Compute the following, and submit each answer under its key exactly as written:',
    'Calcule os valores abaixo e envie cada resposta com a chave exatamente como está escrita:',
  ) + `\n\n${keyList(keys, p)}`;
}

export function howToAnswer(p: Prose, tensors = false): string {
  const lines = [
    p.t(
      'Answers may use `.` or `,` as the decimal separator (`0.25` or `0,25`). Keep full precision while you calculate and round only the final answers, to 4 significant figures or more.',
      'As respostas podem usar `.` ou `,` como separador decimal (`0.25` ou `0,25`). Mantenha a precisão completa durante as contas e arredonde só as respostas finais, com 4 algarismos significativos ou mais.',
    ),
  ];
  if (tensors) {
    lines.push(
      p.t(
        'A vector is answered as a JSON array (`[0.1, -0.2]`) and a matrix as an array of rows (`[[0.1, 0.2]]`), even when it has a single element.',
        'Um vetor é respondido como um array JSON (`[0.1, -0.2]`) e uma matriz como um array de linhas (`[[0.1, 0.2]]`), mesmo quando tem um único elemento.',
      ),
    );
  }
  return lines.join(' ');
}

/** The closing line of a worked solution. */
export function roundingNote(p: Prose): string {
  return p.t(
    `The numbers above are rounded to ${READING_SIGFIGS} significant figures; your answers are compared with the exact values.`,
    `Os números acima estão arredondados para ${READING_SIGFIGS} algarismos significativos; suas respostas são comparadas com os valores exatos.`,
  );
}

/** What the problem computes, one statement a line, in the notation of the worked solution (`y_hat = σ(z)`). */
export function computes(s: Solved, p: Prose): string {
  const notation = new Notation(s.graph, p.locale);
  return Array.from({ length: s.graph.nodeCount }, (_, k) => `- \`${notation.statement(k).text}\``).join('\n');
}
