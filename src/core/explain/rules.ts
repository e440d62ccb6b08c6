/**
 * The local derivative of each layer op in words, as a course states it, beside the rule its
 * backward step writes in symbols (`corr(x, dL/dy)`, `route_max(dL/dy)`): what the op passes back
 * to each arg. `y` is the op's result and `g` = dL/dy the gradient arriving at it.
 */
import type { OpName } from '../../engine/ops.js';
import { type Localized, say } from '../../text.js';

type LayerOp = Extract<
  OpName,
  | 'conv2d'
  | 'max_pool2d'
  | 'avg_pool2d'
  | 'batch_norm'
  | 'layer_norm'
  | 'dropout'
  | 'embedding'
  | 'flatten'
  | 'slice'
  | 'concat'
  | 'sum'
  | 'mean'
>;

const normalizationX = (group: Localized): Localized =>
  say(
    `the three-term formula over ${group.en}: dL/dx = 1/(m·√(σ² + ε)) · (m·ĝ − Σ ĝ − x̂ · Σ ĝ x̂), with ĝ = g · γ, x̂ = (x − μ)/√(σ² + ε), and μ, σ² the mean and the biased variance of the m values`,
    `a fórmula de três termos sobre ${group['pt-BR']}: dL/dx = 1/(m·√(σ² + ε)) · (m·ĝ − Σ ĝ − x̂ · Σ ĝ x̂), com ĝ = g · γ, x̂ = (x − μ)/√(σ² + ε), e μ, σ² a média e a variância enviesada dos m valores`,
  );
const perFeature = say('each feature (each channel) across the batch', 'cada atributo (cada canal) ao longo do lote');
const perRow = say('each row (the last axis)', 'cada linha (o último eixo)');

/** By op, by arg: the rule in words (concat's for every arg). */
export const ruleWords: Record<LayerOp, readonly Localized[]> = {
  conv2d: [
    say(
      'dL/dx is the full convolution of dL/dy with W turned by 180°: each output spreads g · W back over its window (with a stride, g is spread with gaps of the stride; the padding is cut off)',
      'dL/dx é a convolução completa de dL/dy com W girado em 180°: cada saída espalha g · W de volta sobre a sua janela (com stride, g é espalhado com intervalos do stride; o padding é cortado)',
    ),
    say(
      'dL/dW is the correlation of x with dL/dy: each element of W gets x · g summed over the images and the positions of its window',
      'dL/dW é a correlação de x com dL/dy: cada elemento de W recebe x · g somado sobre as imagens e as posições da sua janela',
    ),
    say(
      'dL/db is g summed over the images and the positions of each filter',
      'dL/db é g somado sobre as imagens e as posições de cada filtro',
    ),
  ],
  max_pool2d: [
    say(
      'the max pool routes each g to the max of its window, 0 to the other elements; of tied elements, the first in row-major order gets it; overlapping windows add up',
      'o max pooling leva cada g ao máximo da sua janela, 0 aos demais elementos; entre elementos empatados, o primeiro na ordem das linhas o recebe; janelas sobrepostas se somam',
    ),
  ],
  avg_pool2d: [
    say(
      'the average pool spreads each g / k² evenly over its window of k² elements; overlapping windows add up',
      'o average pooling espalha cada g / k² igualmente sobre a sua janela de k² elementos; janelas sobrepostas se somam',
    ),
  ],
  batch_norm: [
    normalizationX(perFeature),
    say('dL/dγ = Σ g · x̂ over the batch, per feature', 'dL/dγ = Σ g · x̂ sobre o lote, por atributo'),
    say('dL/dβ = Σ g over the batch, per feature', 'dL/dβ = Σ g sobre o lote, por atributo'),
  ],
  layer_norm: [
    normalizationX(perRow),
    say('dL/dγ = Σ g · x̂ over the rows', 'dL/dγ = Σ g · x̂ sobre as linhas'),
    say('dL/dβ = Σ g over the rows', 'dL/dβ = Σ g sobre as linhas'),
  ],
  dropout: [
    say(
      'dL/dx = g ⊙ m / (1 − p): a dropped unit passes nothing back, a kept one g scaled as in the forward pass',
      'dL/dx = g ⊙ m / (1 − p): uma unidade descartada não passa nada de volta, uma mantida passa g escalado como no passo para frente',
    ),
    say('dL/dm = g ⊙ x / (1 − p)', 'dL/dm = g ⊙ x / (1 − p)'),
  ],
  embedding: [
    say(
      'dL/dW: each row of g is added (scatter-add) into the row of W it came from; a repeated index accumulates',
      'dL/dW: cada linha de g é somada (scatter-add) na linha de W de onde veio; um índice repetido acumula',
    ),
    say(
      'idx holds indices, not a variable: its gradient is zeros',
      'idx guarda índices, não uma variável: o seu gradiente é zero',
    ),
  ],
  flatten: [say('dL/dx is g reshaped back to the shape of x', 'dL/dx é g remodelado de volta para a forma de x')],
  slice: [
    say(
      'dL/dx is g put in the place of the slice, 0 elsewhere',
      'dL/dx é g colocado no lugar da fatia, 0 nas demais posições',
    ),
  ],
  concat: [
    say(
      "g cut back along the axis into each argument's part",
      'g cortado de volta ao longo do eixo na parte de cada argumento',
    ),
  ],
  sum: [say('g copied along the summed axis', 'g copiado ao longo do eixo somado')],
  mean: [
    say('g / n copied along the averaged axis of n elements', 'g / n copiado ao longo do eixo de n elementos da média'),
  ],
};

/** The rule of arg j of an op, in words, where it has one. */
export function ruleOf(op: OpName, j: number): Localized | undefined {
  const rules = (ruleWords as Partial<Record<OpName, readonly Localized[]>>)[op];
  return rules?.[Math.min(j, rules.length - 1)];
}
