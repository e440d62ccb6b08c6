/**
 * The short symbol each op shows in a picture of the graph, between its args and its result: the
 * one micrograd's drawings use where there is one (`+`, `·`), else the op's usual name. Typed by
 * op name, so a new op cannot be left without one.
 */
import type { OpName } from '../../engine/ops.js';

export const OP_SYMBOLS: Record<OpName, string> = {
  add: '+',
  sub: '−',
  mul: '×',
  div: '/',
  pow: '^',
  neg: '−x',
  exp: 'exp',
  log: 'ln',
  sqrt: '√',
  abs: '|x|',
  square: 'x²',
  sin: 'sin',
  cos: 'cos',
  tanh: 'tanh',
  sigmoid: 'σ',
  relu: 'relu',
  leaky_relu: 'leaky relu',
  softplus: 'softplus',
  identity: 'id',
  sum: 'Σ',
  mean: 'mean',
  matmul: '@',
  transpose: 'ᵀ',
  linear: 'linear',
  softmax: 'softmax',
  log_softmax: 'log softmax',
  half_squared_error: '½(p−y)²',
  mse: 'mse',
  bce: 'bce',
  bce_with_logits: 'bce logits',
  softmax_cross_entropy: 'cross-entropy',
};
