/**
 * The problem specs of the contract (API.md §2) as the core receives them. The zod schemas in
 * src/schemas/ are checked against these types, so the two cannot drift apart.
 */

/** A JSON value before it is read into a tensor (checked by `fromJson`). */
export type ValueSpec = number | number[] | number[][];

export interface NodeSpec {
  id: string;
  op: string;
  args: (string | number)[];
  attrs?: Record<string, number>;
}

export interface GraphSpec {
  inputs?: Record<string, ValueSpec>;
  params?: Record<string, ValueSpec>;
  nodes?: NodeSpec[];
  expr?: string;
  output?: string;
}

export const activations = ['identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'softplus', 'softmax'] as const;
export type Activation = (typeof activations)[number];

export const losses = ['half_squared_error', 'mse', 'bce', 'bce_with_logits', 'softmax_cross_entropy'] as const;
export type Loss = (typeof losses)[number];

export interface NeuronSpec {
  x: number | number[];
  w: number | number[];
  b: number;
  y: number;
  activation?: Activation;
  loss?: Loss;
}

export interface LayerSpec {
  W: number[][];
  b: number[];
  activation?: Activation;
}

export interface NetworkSpec {
  x: number[] | number[][];
  y: number | number[] | number[][];
  loss?: Loss;
  layers: LayerSpec[];
}

export const DEFAULT_ACTIVATION: Activation = 'sigmoid';
export const DEFAULT_LOSS: Loss = 'half_squared_error';
