/**
 * Update steps on a graph's params, as torch.optim does them: SGD (optionally with momentum,
 * dampening 0, no Nesterov) and Adam (no weight decay, no amsgrad), one or many steps.
 */
import { backward, forward } from '../engine/evaluate.js';
import { type Tape, elementsOf, scalarOf } from '../engine/tape.js';
import type { z } from 'zod';
import type { Optimizer as OptimizerSchema } from '../schemas/operations.js';
import { ADAM_DEFAULTS, SGD_DEFAULTS } from './defaults.js';

export type Optimizer = z.output<typeof OptimizerSchema>;

export interface TrainOptions {
  learningRate: number;
  steps: number;
  optimizer: Optimizer;
  /** Which losses `history` keeps: the loss before steps 0, k, 2k, … (counted from 0) for `every: k`; none for 0. Every one by default. */
  historyEvery?: number;
}

export interface TrainResult {
  /** The arena's leaves after the last step (params updated, inputs unchanged). */
  leaves: Float64Array;
  /** The loss before the first step. */
  lossBefore: number;
  /** The loss before each step kept (`historyEvery`). */
  history: number[];
  /** The loss at the final params. */
  lossAfter: number;
}

/** How many losses `history` keeps: one every `every` steps from step 0, none for 0. */
export const historyLength = (steps: number, every = 1): number => (every === 0 ? 0 : Math.ceil(steps / every));

/** Updates one param's data in place given its gradient and its own optimizer state. */
export type Update = (p: Float64Array, g: Float64Array, step: number) => void;

/** torch.lerp: start + w (end - start), evaluated from the nearer end as ATen does. */
const lerp = (start: number, end: number, w: number): number =>
  w < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);

function sgd(lr: number, momentum: number): () => Update {
  return () => {
    let buf: Float64Array | undefined;
    return (p, g) => {
      if (momentum === 0) {
        for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
        return;
      }
      // The first step takes buf = g; after that buf = momentum * buf + g.
      if (!buf) buf = Float64Array.from(g);
      else for (let i = 0; i < p.length; i++) buf[i] = momentum * buf[i] + g[i];
      for (let i = 0; i < p.length; i++) p[i] -= lr * buf[i];
    };
  };
}

function adam(lr: number, beta1: number, beta2: number, eps: number): () => Update {
  return () => {
    let m: Float64Array | undefined;
    let v: Float64Array | undefined;
    return (p, g, step) => {
      m ??= new Float64Array(p.length);
      v ??= new Float64Array(p.length);
      const bias1 = 1 - beta1 ** step;
      const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
      const stepSize = lr / bias1;
      for (let i = 0; i < p.length; i++) {
        m[i] = lerp(m[i], g[i], 1 - beta1);
        v[i] = v[i] * beta2 + (1 - beta2) * g[i] * g[i];
        p[i] -= stepSize * (m[i] / (Math.sqrt(v[i]) / bias2Sqrt + eps));
      }
    };
  };
}

/** A maker of per-param updates (each with its own state) for the options' optimizer. */
export function makeUpdate(options: TrainOptions): () => Update {
  const { learningRate: lr, optimizer } = options;
  return optimizer.name === 'sgd'
    ? sgd(lr, optimizer.momentum ?? SGD_DEFAULTS.momentum)
    : adam(
        lr,
        optimizer.beta1 ?? ADAM_DEFAULTS.beta1,
        optimizer.beta2 ?? ADAM_DEFAULTS.beta2,
        optimizer.eps ?? ADAM_DEFAULTS.eps,
      );
}

export function train(tape: Tape, options: TrainOptions): TrainResult {
  const leaves = tape.initial.slice();
  const newUpdate = makeUpdate(options);
  const updates = Array.from(tape.params, (s) => ({ s, update: newUpdate() }));
  const every = options.historyEvery ?? 1;
  const history: number[] = [];
  let lossBefore = NaN;
  for (let step = 1; step <= options.steps; step++) {
    const values = forward(tape, { initial: leaves });
    const loss = scalarOf(tape, values, tape.output);
    if (step === 1) lossBefore = loss;
    if (every > 0 && (step - 1) % every === 0) history.push(loss);
    const grads = backward(tape, values);
    for (const { s, update } of updates) update(elementsOf(tape, leaves, s), elementsOf(tape, grads, s), step);
  }
  return { leaves, lossBefore, history, lossAfter: scalarOf(tape, forward(tape, { initial: leaves }), tape.output) };
}
