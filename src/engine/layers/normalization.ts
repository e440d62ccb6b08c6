/**
 * The normalization layers. Both normalize groups of m values with their mean and BIASED variance
 * (divided by m, as PyTorch normalizes), x̂ = (x - mean) / sqrt(var + eps), then scale and shift:
 * y = γ x̂ + β. batch_norm's groups are a feature (or a channel) across the batch, layer_norm's the
 * last axis of one example. Both vjps are the three-term formula of a normalization,
 *   dL/dx = (1/m) · invstd · (m · ĝ - Σ ĝ - x̂ · Σ ĝ x̂),   ĝ = g · γ,  invstd = 1 / sqrt(var + eps),
 * with the sums over the group; the statistics are computed again from x rather than kept.
 */
import { say } from '../../text.js';
import type { AttrDef, OpDef } from '../op-def.js';
import { type Shape, shapeText, sizeOf } from '../tensor.js';

const eps: AttrDef = {
  name: 'eps',
  default: 1e-5,
  min: 0,
  description: say(
    'Added to the variance before its square root, so that a constant group does not divide by zero',
    'Somado à variância antes da raiz quadrada, para que um grupo constante não divida por zero',
  ),
};

/** Three passes over x and the result, each way (mean, variance, normalized value or its gradient). */
const normalizationCost = ([x, gamma]: readonly Shape[]): number => 4 * sizeOf(x) + 2 * sizeOf(gamma);

/** 1 / sqrt(var + eps) of a group from its sum of squared deviations over m values. */
const invStd = (squares: number, m: number, epsilon: number): number => 1 / Math.sqrt(squares / m + epsilon);

// ---------------------------------------------------------------------------------------------
// batch_norm: x seen as [N, C, S] (S = H·W for rank 4, 1 for rank 2); channel c's group is every
// (n, s), m = N·S values.

/** The channel count C and the spatial size S of a batch_norm input (rank 2 or 4, checked by the shape rule). */
const channelsOf = (x: Shape): { n: number; c: number; s: number } =>
  x.length === 2 ? { n: x[0], c: x[1], s: 1 } : { n: x[0], c: x[1], s: x[2] * x[3] };

/** Per channel, the mean and 1 / sqrt(var + eps) over its N·S values (two passes: mean, then deviations). */
function channelStatistics(x: Float64Array, shape: Shape, epsilon: number) {
  const { n, c, s } = channelsOf(shape);
  const m = n * s;
  const mean = new Float64Array(c),
    invstd = new Float64Array(c);
  for (let b = 0, k = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < s; i++, k++) mean[ch] += x[k];
  for (let ch = 0; ch < c; ch++) mean[ch] /= m;
  for (let b = 0, k = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < s; i++, k++) {
        const d = x[k] - mean[ch];
        invstd[ch] += d * d;
      }
  // PyTorch's batch norm takes invstd as 0 when var and eps are both 0 (a constant channel gives beta,
  // and dL/dx = 0); layer_norm has no such rule and gives NaN there.
  for (let ch = 0; ch < c; ch++) invstd[ch] = invstd[ch] === 0 && epsilon === 0 ? 0 : invStd(invstd[ch], m, epsilon);
  return { n, c, s, m, mean, invstd };
}

export const batch_norm = {
  kind: 'layer',
  args: ['x', 'gamma', 'beta'],
  attrs: [eps],
  description: say(
    'Batch normalization in training mode: each feature (each channel of an image batch) normalized with the statistics of the batch, then scaled and shifted',
    'Normalização em lote no modo de treino: cada atributo (cada canal de um lote de imagens) normalizado com as estatísticas do lote, depois escalado e deslocado',
  ),
  formula: say(
    'gamma * (x - mean) / sqrt(var + eps) + beta, mean and biased variance over the batch (over N, H, W per channel for [N, C, H, W]); F.batch_norm(x, None, None, gamma, beta, training=True, eps=eps)',
    'gamma * (x - média) / sqrt(var + eps) + beta, média e variância enviesada sobre o lote (sobre N, H, W por canal para [N, C, H, W]); F.batch_norm(x, None, None, gamma, beta, training=True, eps=eps)',
  ),
  derivative: say(
    "the three-term formula, over each channel's m values: dL/dx = (1/m) * gamma * invstd * (m * g - sum(g) - x_hat * sum(g * x_hat)), with x_hat = (x - mean) * invstd and invstd = 1 / sqrt(var + eps); dL/dgamma = sum(g * x_hat), dL/dbeta = sum(g)",
    'a fórmula de três termos, sobre os m valores de cada canal: dL/dx = (1/m) * gamma * invstd * (m * g - sum(g) - x_hat * sum(g * x_hat)), com x_hat = (x - média) * invstd e invstd = 1 / sqrt(var + eps); dL/dgamma = sum(g * x_hat), dL/dbeta = sum(g)',
  ),
  shape: ([x, gamma, beta]) => {
    if (x.length !== 2 && x.length !== 4)
      return say(
        `batch_norm needs x of rank 2 [N, D] or rank 4 [N, C, H, W], got ${shapeText(x)}`,
        `batch_norm precisa de x de posto 2 [N, D] ou de posto 4 [N, C, H, W], recebeu ${shapeText(x)}`,
      );
    const { n, c, s } = channelsOf(x);
    const fits = (p: Shape): boolean => p.length === 1 && p[0] === c;
    if (!fits(gamma) || !fits(beta))
      return say(
        `gamma ${shapeText(gamma)} and beta ${shapeText(beta)} must both be [${c}] for x ${shapeText(x)}: one per ${x.length === 2 ? 'feature' : 'channel'}`,
        `gamma ${shapeText(gamma)} e beta ${shapeText(beta)} devem ser ambos [${c}] para x ${shapeText(x)}: um por ${x.length === 2 ? 'atributo' : 'canal'}`,
      );
    if (n * s < 2)
      return say(
        `batch_norm needs more than one value per channel to take batch statistics, got x ${shapeText(x)}`,
        `batch_norm precisa de mais de um valor por canal para tirar as estatísticas do lote, recebeu x ${shapeText(x)}`,
      );
    return x;
  },
  cost: normalizationCost,
  forward: ([x, gamma, beta], out, attrs) => {
    const { n, c, s, mean, invstd } = channelStatistics(x.data, x.shape, attrs[0]);
    const xd = x.data,
      y = out.data;
    for (let b = 0, k = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++)
        for (let i = 0; i < s; i++, k++) y[k] = (xd[k] - mean[ch]) * invstd[ch] * gamma.data[ch] + beta.data[ch];
  },
  vjp: (g, [x, gamma], _y, [gx, ggamma, gbeta], attrs) => {
    const { n, c, s, m, mean, invstd } = channelStatistics(x.data, x.shape, attrs[0]);
    const xd = x.data,
      gd = g.data;
    const sumG = new Float64Array(c),
      sumGXhat = new Float64Array(c);
    for (let b = 0, k = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++)
        for (let i = 0; i < s; i++, k++) {
          sumG[ch] += gd[k];
          sumGXhat[ch] += gd[k] * (xd[k] - mean[ch]) * invstd[ch];
        }
    for (let ch = 0; ch < c; ch++) {
      ggamma.data[ch] += sumGXhat[ch]; // dL/dgamma = sum(g * x_hat)
      gbeta.data[ch] += sumG[ch]; // dL/dbeta = sum(g)
    }
    // dL/dx = (1/m) * gamma * invstd * (m * g - sum(g) - x_hat * sum(g * x_hat))
    for (let b = 0, k = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++) {
        const scale = (gamma.data[ch] * invstd[ch]) / m;
        for (let i = 0; i < s; i++, k++) {
          const xHat = (xd[k] - mean[ch]) * invstd[ch];
          gx.data[k] += scale * (m * gd[k] - sumG[ch] - xHat * sumGXhat[ch]);
        }
      }
  },
} satisfies OpDef;

// ---------------------------------------------------------------------------------------------
// layer_norm: x seen as [rows, D]; each row is a group of m = D values, gamma and beta index within it.

/** The mean and 1 / sqrt(var + eps) of the d values of x from `at`. */
function rowStatistics(x: Float64Array, at: number, d: number, epsilon: number) {
  let mean = 0;
  for (let j = 0; j < d; j++) mean += x[at + j];
  mean /= d;
  let squares = 0;
  for (let j = 0; j < d; j++) {
    const dev = x[at + j] - mean;
    squares += dev * dev;
  }
  return { mean, invstd: invStd(squares, d, epsilon) };
}

export const layer_norm = {
  kind: 'layer',
  args: ['x', 'gamma', 'beta'],
  attrs: [eps],
  description: say(
    'Layer normalization: each example normalized over its last axis with its own statistics, then scaled and shifted',
    'Normalização de camada: cada exemplo normalizado sobre o seu último eixo com as suas próprias estatísticas, depois escalado e deslocado',
  ),
  formula: say(
    'gamma * (x - mean) / sqrt(var + eps) + beta, mean and biased variance over the last axis (D values); F.layer_norm(x, (D,), gamma, beta, eps)',
    'gamma * (x - média) / sqrt(var + eps) + beta, média e variância enviesada sobre o último eixo (D valores); F.layer_norm(x, (D,), gamma, beta, eps)',
  ),
  derivative: say(
    'the three-term formula, over each row of D values, with g_hat = g * gamma: dL/dx = (1/D) * invstd * (D * g_hat - sum(g_hat) - x_hat * sum(g_hat * x_hat)), with x_hat = (x - mean) * invstd and invstd = 1 / sqrt(var + eps); dL/dgamma = g * x_hat summed over the rows, dL/dbeta = g summed over the rows',
    'a fórmula de três termos, sobre cada linha de D valores, com g_hat = g * gamma: dL/dx = (1/D) * invstd * (D * g_hat - sum(g_hat) - x_hat * sum(g_hat * x_hat)), com x_hat = (x - média) * invstd e invstd = 1 / sqrt(var + eps); dL/dgamma = g * x_hat somado sobre as linhas, dL/dbeta = g somado sobre as linhas',
  ),
  shape: ([x, gamma, beta]) => {
    if (x.length === 0)
      return say(
        'layer_norm needs x with at least one axis [..., D], got a scalar',
        'layer_norm precisa de x com pelo menos um eixo [..., D], recebeu um escalar',
      );
    const d = x[x.length - 1];
    const fits = (p: Shape): boolean => p.length === 1 && p[0] === d;
    if (!fits(gamma) || !fits(beta))
      return say(
        `gamma ${shapeText(gamma)} and beta ${shapeText(beta)} must both be [${d}] for x ${shapeText(x)}: one per element of the last axis`,
        `gamma ${shapeText(gamma)} e beta ${shapeText(beta)} devem ser ambos [${d}] para x ${shapeText(x)}: um por elemento do último eixo`,
      );
    return x;
  },
  cost: normalizationCost,
  forward: ([x, gamma, beta], out, attrs) => {
    const d = x.shape[x.shape.length - 1];
    const xd = x.data,
      y = out.data,
      gm = gamma.data,
      bt = beta.data;
    for (let at = 0; at < xd.length; at += d) {
      const { mean, invstd } = rowStatistics(xd, at, d, attrs[0]);
      for (let j = 0; j < d; j++) y[at + j] = (xd[at + j] - mean) * invstd * gm[j] + bt[j];
    }
  },
  vjp: (g, [x, gamma], _y, [gx, ggamma, gbeta], attrs) => {
    const d = x.shape[x.shape.length - 1];
    const xd = x.data,
      gd = g.data,
      gm = gamma.data;
    for (let at = 0; at < xd.length; at += d) {
      const { mean, invstd } = rowStatistics(xd, at, d, attrs[0]);
      let sumGHat = 0,
        sumGHatXhat = 0;
      for (let j = 0; j < d; j++) {
        const xHat = (xd[at + j] - mean) * invstd;
        const gHat = gd[at + j] * gm[j];
        sumGHat += gHat;
        sumGHatXhat += gHat * xHat;
        ggamma.data[j] += gd[at + j] * xHat;
        gbeta.data[j] += gd[at + j];
      }
      const scale = invstd / d;
      for (let j = 0; j < d; j++) {
        const xHat = (xd[at + j] - mean) * invstd;
        gx.data[at + j] += scale * (d * gd[at + j] * gm[j] - sumGHat - xHat * sumGHatXhat);
      }
    }
  },
} satisfies OpDef;
