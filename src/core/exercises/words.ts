/** Text every template shares: what each answer key means, how to answer, what the solution rounds. */
import { Notation } from '../notation/node.js';
import { READING_SIGFIGS } from '../notation/numbers.js';
import { type Localized, say } from '../../text.js';
import type { Prose } from './format.js';
import type { Solved } from './solve.js';

const meanings: Record<string, Localized> = {
  u: say('the weighted input, `w·x`', 'a entrada ponderada, `w·x`'),
  z: say('the pre-activation, `u + b`', 'a pré-ativação, `u + b`'),
  y_hat: say("the neuron's output", 'a saída do neurônio'),
  L: say('the loss', 'a perda'),
  'dL/dy_hat': say('the derivative of the loss with respect to the output', 'a derivada da perda em relação à saída'),
  'dy_hat/dz': say('the derivative of the activation at `z`', 'a derivada da ativação no ponto `z`'),
  'dL/dz': say(
    'the derivative of the loss with respect to `z` (chain rule)',
    'a derivada da perda em relação a `z` (regra da cadeia)',
  ),
  'dL/dw': say('the gradient of the loss with respect to the weight', 'o gradiente da perda em relação ao peso'),
  'dL/db': say('the gradient of the loss with respect to the bias', 'o gradiente da perda em relação ao viés'),
  'step(w)': say(
    'the weight after one gradient-descent step, `w - η·dL/dw`',
    'o peso após um passo de atualização do gradiente descendente, `w - η·dL/dw`',
  ),
  'step(b)': say('the bias after the same step, `b - η·dL/db`', 'o viés após o mesmo passo, `b - η·dL/db`'),
  'fd(dL/dw)': say(
    'the central finite difference `(L(w + ε) - L(w - ε)) / (2ε)`',
    'a diferença finita central `(L(w + ε) - L(w - ε)) / (2ε)`',
  ),
  'fd(dL/db)': say(
    'the central finite difference `(L(b + ε) - L(b - ε)) / (2ε)`',
    'a diferença finita central `(L(b + ε) - L(b - ε)) / (2ε)`',
  ),
  z1: say(
    'the hidden pre-activations, `W1·x + b1` (a vector of 2)',
    'as pré-ativações da camada oculta, `W1·x + b1` (um vetor de 2)',
  ),
  a1: say('the hidden activations, `relu(z1)`', 'as ativações da camada oculta, `relu(z1)`'),
  z2: say(
    'the output pre-activation, `W2·a1 + b2` (a vector of 1)',
    'a pré-ativação da saída, `W2·a1 + b2` (um vetor de 1)',
  ),
  a2: say("the network's output, `sigmoid(z2)`", 'a saída da rede, `sigmoid(z2)`'),
  'dL/da2': say('the derivative of the loss with respect to the output', 'a derivada da perda em relação à saída'),
  'dL/dz2': say('the derivative of the loss with respect to `z2`', 'a derivada da perda em relação a `z2`'),
  'dL/dW2': say('the gradient with respect to `W2` (a 1×2 matrix)', 'o gradiente em relação a `W2` (uma matriz 1×2)'),
  'dL/db2': say('the gradient with respect to `b2`', 'o gradiente em relação a `b2`'),
  'dL/da1': say(
    'the derivative of the loss with respect to the hidden activations',
    'a derivada da perda em relação às ativações ocultas',
  ),
  'dL/dz1': say('the derivative of the loss with respect to `z1`', 'a derivada da perda em relação a `z1`'),
  'dL/dW1': say('the gradient with respect to `W1` (a 2×2 matrix)', 'o gradiente em relação a `W1` (uma matriz 2×2)'),
  'dL/db1': say('the gradient with respect to `b1`', 'o gradiente em relação a `b1`'),
  'step(W2)': say(
    '`W2` after one gradient-descent step, `W2 - η·dL/dW2`',
    '`W2` após um passo de atualização do gradiente descendente, `W2 - η·dL/dW2`',
  ),
  'step(b2)': say('`b2` after the same step, `b2 - η·dL/db2`', '`b2` após o mesmo passo, `b2 - η·dL/db2`'),
};

/** What an answer key means in one template, where the shared meaning does not fit (`y` of a convolution). */
export type KeyMeanings = Readonly<Record<string, Localized>>;

/**
 * The keys to compute, numbered, each written literally so the student knows what to submit;
 * `own` gives a template's meanings, read before the shared ones.
 */
export function keyList(keys: readonly string[], p: Prose, own: KeyMeanings = {}): string {
  return keys
    .map((key, i) => {
      const meaning = own[key] ?? meanings[key];
      if (!meaning) throw new Error(`no meaning written for the answer key '${key}'`);
      return `${i + 1}. \`${key}\`: ${meaning[p.locale]}`;
    })
    .join('\n');
}

export function askFor(keys: readonly string[], p: Prose, own: KeyMeanings = {}): string {
  const ask =
    p.answering === 'keys'
      ? say(
          'Compute the following, and submit each answer under its key exactly as written:',
          'Calcule os valores abaixo e envie cada resposta com a chave exatamente como está escrita:',
        )
      : say('Compute the following:', 'Calcule os valores abaixo:');
  return `${ask[p.locale]}\n\n${keyList(keys, p, own)}`;
}

const PRECISION = say(
  'Keep full precision while you calculate and round only the final answers, to 4 significant figures or more.',
  'Mantenha a precisão completa durante as contas e arredonde só as respostas finais, com 4 algarismos significativos ou mais.',
);

export function howToAnswer(p: Prose, tensors: boolean | 'nested' = false): string {
  // In an LMS's fields, each number has its own field, in the LMS's own decimal notation.
  if (p.answering === 'fields') return PRECISION[p.locale];
  const separators = say(
    'Answers may use `.` or `,` as the decimal separator (`0.25` or `0,25`).',
    'As respostas podem usar `.` ou `,` como separador decimal (`0.25` ou `0,25`).',
  );
  const lines = [`${separators[p.locale]} ${PRECISION[p.locale]}`];
  if (tensors) {
    lines.push(
      say(
        'A vector is answered as a JSON array (`[0.1, -0.2]`) and a matrix as an array of rows (`[[0.1, 0.2]]`), even when it has a single element.',
        'Um vetor é respondido como um array JSON (`[0.1, -0.2]`) e uma matriz como um array de linhas (`[[0.1, 0.2]]`), mesmo quando tem um único elemento.',
      )[p.locale],
    );
  }
  if (tensors === 'nested') {
    lines.push(
      say(
        'A tensor of rank 3 or 4 is answered as arrays nested as deep as its shape, row-major as `torch.tensor(list)` reads them: a value of shape `[1, 1, 2, 2]` is `[[[[a, b], [c, d]]]]`.',
        'Um tensor de posto 3 ou 4 é respondido como arrays aninhados tão fundo quanto a sua forma, linha a linha, como `torch.tensor(list)` os lê: um valor de forma `[1, 1, 2, 2]` é `[[[[a, b], [c, d]]]]`.',
      )[p.locale],
    );
  }
  return lines.join(' ');
}

/** The closing line of a worked solution. */
export function roundingNote(p: Prose): string {
  return say(
    `The numbers above are rounded to ${READING_SIGFIGS} significant figures; your answers are compared with the exact values.`,
    `Os números acima estão arredondados para ${READING_SIGFIGS} algarismos significativos; suas respostas são comparadas com os valores exatos.`,
  )[p.locale];
}

/** What the spec computes, one statement a line, in the notation of the worked solution (`y_hat = σ(z)`). */
export function computes(s: Solved, p: Prose): string {
  const notation = new Notation(s.graph, p.locale);
  const lines: string[] = [];
  for (let k = 0; k < s.graph.nodeCount; k++) {
    // A part of an expr statement (`y_hat - y` in `L = 0.5*(y_hat - y)^2`) is written inside its
    // statement, as the author wrote it; its generated id (`_t1`) is no name of the author's.
    if (!notation.isSubexpression(s.graph.nodeSlot[k])) lines.push(`- \`${notation.statement(k).text}\``);
  }
  return lines.join('\n');
}
