/**
 * The short symbol each op shows in a picture of the graph, between its args and its result: the
 * one micrograd's drawings use where there is one (`+`, `·`), else the op's usual name. Typed by
 * op name, so a new op cannot be left without one.
 *
 * `WITH_ARGS` marks an op whose symbol alone would need made-up names for its args (`−x`, `x²`,
 * `½(p−y)²`): it is written with the names of its own args instead, as the statement writes it
 * (`−u`, `t²`, `½(y_hat − y)²`).
 */
import type { OpName } from '../../engine/ops.js';

export const WITH_ARGS = null;

export const OP_SYMBOLS: Record<OpName, string | typeof WITH_ARGS> = {
  add: '+',
  sub: '−',
  mul: '×',
  div: '/',
  pow: '^',
  neg: WITH_ARGS,
  exp: 'exp',
  log: 'ln',
  sqrt: '√',
  abs: WITH_ARGS,
  square: WITH_ARGS,
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
  half_squared_error: WITH_ARGS,
  mse: 'mse',
  bce: 'bce',
  bce_with_logits: 'bce logits',
  softmax_cross_entropy: 'cross-entropy',
};
