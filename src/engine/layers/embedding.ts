/**
 * An embedding lookup, F.embedding(idx, W): row idx[t] of the table W for each index. The args come
 * table first (W, idx) as the catalogue lists them. A row looked up several times gets the sum of
 * its gradients; the indices are not differentiable, and their gradient is zeros (nothing is added).
 */
import { say } from '../../text.js';
import { type OpDef, OpDomainError } from '../op-def.js';
import { shapeText, sizeOf } from '../tensor.js';
import { positionText } from './axes.js';

export const embedding = {
  kind: 'layer',
  args: ['W', 'idx'],
  attrs: [],
  description: say(
    'An embedding lookup: for each integer index, that row of the table W',
    'Uma consulta a uma tabela de embeddings: para cada índice inteiro, aquela linha da tabela W',
  ),
  formula: say(
    'y[..., :] = W[idx[...], :], W [V, D], idx integers in [0, V) of shape [T] or [N, T] -> [T, D] or [N, T, D]; F.embedding(idx, W)',
    'y[..., :] = W[idx[...], :], W [V, D], idx inteiros em [0, V) de forma [T] ou [N, T] -> [T, D] ou [N, T, D]; F.embedding(idx, W)',
  ),
  derivative: say(
    'dL/dW[v, :] = the sum of g[..., :] over the positions where idx is v (a row used twice gets both); dL/didx = 0',
    'dL/dW[v, :] = a soma de g[..., :] sobre as posições em que idx é v (uma linha usada duas vezes recebe ambas); dL/didx = 0',
  ),
  shape: ([W, idx]) => {
    if (W.length !== 2)
      return say(
        `the embedding table W must be a matrix [V, D], got ${shapeText(W)}`,
        `a tabela de embeddings W deve ser uma matriz [V, D], recebeu ${shapeText(W)}`,
      );
    if (idx.length !== 1 && idx.length !== 2)
      return say(
        `embedding indices must be a vector [T] or a matrix [N, T], got idx ${shapeText(idx)}`,
        `os índices de embedding devem ser um vetor [T] ou uma matriz [N, T], recebeu idx ${shapeText(idx)}`,
      );
    return [...idx, W[1]];
  },
  cost: ([, idx], out) => sizeOf(idx) + sizeOf(out),
  forward: ([W, idx], out) => {
    const [v, d] = W.shape;
    const ids = idx.data;
    for (let t = 0; t < ids.length; t++) {
      const i = ids[t];
      if (Number.isInteger(i) && i >= 0 && i < v) continue;
      throw new OpDomainError(
        say(
          `idx${positionText(idx.shape, t)} is ${i}: an embedding index is an integer in [0, ${v}), a row of W ${shapeText(W.shape)}`,
          `idx${positionText(idx.shape, t)} é ${i}: um índice de embedding é um inteiro em [0, ${v}), uma linha de W ${shapeText(W.shape)}`,
        ),
      );
    }
    for (let t = 0; t < ids.length; t++) out.data.set(W.data.subarray(ids[t] * d, (ids[t] + 1) * d), t * d);
  },
  vjp: (g, [W, idx], _y, [gW]) => {
    const d = W.shape[1];
    const ids = idx.data;
    for (let t = 0; t < ids.length; t++) {
      const row = ids[t] * d;
      for (let j = 0; j < d; j++) gW.data[row + j] += g.data[t * d + j];
    }
  },
} satisfies OpDef;
