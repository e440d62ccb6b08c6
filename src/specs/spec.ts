/**
 * The specs of the contract (docs/api.md §2) as the core receives them. The zod schemas in
 * src/schemas/ are checked against these types, so the two cannot drift apart.
 */
import { opsOfKind, opsWithRole } from '../engine/ops.js';

/** A JSON value before it is read into a tensor (checked by `fromJson`). */
export type ValueSpec = number | number[] | number[][] | number[][][] | number[][][][];

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

/** What a neuron or a layer may use as its activation: the catalogue's activations. */
export const activations = opsWithRole('activation');
export type Activation = (typeof activations)[number];

/** What a neuron or a network may end with: the catalogue's losses. */
export const losses = opsOfKind('loss');
export type Loss = (typeof losses)[number];

export interface NeuronSpec {
  x: number | number[];
  w: number | number[];
  b: number;
  y: number;
  activation?: Activation;
  loss?: Loss;
}

/** The kinds of layer a network stacks, as `nn.Sequential` does; `dense` (today's layer) when a layer names none. */
export const layerKinds = [
  'dense',
  'conv2d',
  'max_pool2d',
  'avg_pool2d',
  'flatten',
  'batch_norm',
  'layer_norm',
  'dropout',
] as const;
export type LayerKind = (typeof layerKinds)[number];

/** z = linear(a_prev, W, b): W [n_out, n_in] (PyTorch's nn.Linear). */
export interface DenseLayerSpec {
  kind?: 'dense';
  W: number[][];
  b: number[];
  activation?: Activation;
}

/** z = conv2d(a_prev, W, b): W [F, C, KH, KW], b [F]. */
interface Conv2dLayerSpec {
  kind: 'conv2d';
  W: number[][][][];
  b?: number[];
  stride?: number;
  padding?: number;
  activation?: Activation;
}

interface Pool2dLayerSpec {
  kind: 'max_pool2d' | 'avg_pool2d';
  kernel?: number;
  stride?: number;
}

interface FlattenLayerSpec {
  kind: 'flatten';
}

/** z = batch_norm or layer_norm of a_prev with gamma, beta [D] (or [C] for a batch of images). */
interface NormLayerSpec {
  kind: 'batch_norm' | 'layer_norm';
  gamma: number[];
  beta: number[];
  eps?: number;
  activation?: Activation;
}

/** z = a_prev * mask / (1 - p): the mask of 0s and 1s is an input, so that the same units drop in every pass. */
interface DropoutLayerSpec {
  kind: 'dropout';
  mask: Exclude<ValueSpec, number>;
  p?: number;
}

export type LayerSpec =
  | DenseLayerSpec
  | Conv2dLayerSpec
  | Pool2dLayerSpec
  | FlattenLayerSpec
  | NormLayerSpec
  | DropoutLayerSpec;

export interface NetworkSpec {
  /** One example [n_in], a batch [B, n_in], or a batch of images [N, C, H, W] (rank 3 too). */
  x: Exclude<ValueSpec, number>;
  y: number | number[] | number[][];
  loss?: Loss;
  layers: LayerSpec[];
}

export const DEFAULT_ACTIVATION: Activation = 'sigmoid';
/** The activation of a layer of another kind than dense: none (conv2d, the norms), unless the layer names one. */
export const DEFAULT_LAYER_ACTIVATION: Activation = 'identity';
export const DEFAULT_LOSS: Loss = 'half_squared_error';
