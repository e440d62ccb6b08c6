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
  conv2d: 'conv2d',
  max_pool2d: 'maxpool',
  avg_pool2d: 'avgpool',
  batch_norm: 'BN',
  layer_norm: 'LN',
  dropout: 'dropout',
  embedding: 'embedding',
  flatten: 'flatten',
  slice: 'slice',
  concat: 'concat',
};

/** Writes an op's attrs as a course does; `n` writes a number rounded, in the request's language. */
export type AttrLabel = (attrs: readonly number[], n: (x: number) => string) => string;

/** ` s=2 p=1`: each attr (by a short name) that is not at its default, after the symbol. */
const nonDefault = (n: (x: number) => string, ...parts: [name: string, value: number, byDefault: number][]): string =>
  parts
    .filter(([, value, byDefault]) => !Number.isNaN(value) && value !== byDefault)
    .map(([name, value]) => ` ${name}=${n(value)}`)
    .join('');

/** A pool's window as its size (`2×2`), and its stride when it is not the window's (overlapping pools). */
const pool =
  (symbol: string): AttrLabel =>
  ([kernel, stride], n) =>
    `${symbol} ${n(kernel)}×${n(kernel)}${nonDefault(n, ['s', stride, kernel])}`;

/**
 * Ops whose attrs read better in the notation of a course than as `name=value` pairs: a
 * convolution's stride and padding as `s` and `p`, a pool's window as `2×2`, a slice as Python
 * writes it. Dropout's p and concat's axis are written even at their default: a reader cannot
 * guess them (CS231n's p is the keep probability). The other ops show each attr that is not at its
 * default, by its name (`leaky relu alpha=0,1`, `BN eps=0,001`, `Σ axis=1`).
 */
export const ATTR_LABELS: Partial<Record<OpName, AttrLabel>> = {
  conv2d: ([stride, padding], n) => `conv2d${nonDefault(n, ['s', stride, 1], ['p', padding, 0])}`,
  max_pool2d: pool('maxpool'),
  avg_pool2d: pool('avgpool'),
  dropout: ([p], n) => `dropout p=${n(p)}`,
  slice: ([axis, start, end], n) => `slice axis=${n(axis)} [${n(start)}:${n(end)}]`,
  concat: ([axis], n) => `concat axis=${n(axis)}`,
};
