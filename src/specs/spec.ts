/**
 * The specs of the contract (docs/api.md §2) as the core receives them. The zod schemas in
 * src/schemas/ are checked against these types, so the two cannot drift apart.
 */
import { opsOfKind, opsWithRole } from '../engine/ops.js';

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
