/**
 * Expected answers under a scenario: the true computation, or one with a student's own earlier
 * answers carried forward (follow-through), or one with a typical mistake applied (diagnosis).
 * Each scenario is one forward pass and one backward pass per differentiated id, computed once.
 */
import { specError } from '../../engine/errors.js';
import { type Values, type VjpOverride, backward, forward } from '../../engine/evaluate.js';
import type { CompiledGraph } from '../../engine/compile.js';
import { type Tensor, sameShape, tensor } from '../../engine/tensor.js';
import { type Optimizer, makeUpdate } from '../train.js';
import type { Target } from './keys.js';

export interface Scenario {
  /** Node values replaced by the student's answers. */
  valuePins?: ReadonlyMap<number, Tensor>;
  /** d(output)/d(slot) replaced by the student's answers. */
  gradPins?: ReadonlyMap<number, Tensor>;
  /** Local derivatives d node / d arg j replaced by the student's answers: node slot -> arg -> value. */
  localPins?: ReadonlyMap<number, ReadonlyMap<number, Tensor>>;
  /** A mistake: some node's vector-Jacobian product replaced. */
  override?: VjpOverride;
  /** -1 applies the update in the wrong direction (w + lr * g). */
  updateSign?: 1 | -1;
}

export interface ProblemSettings {
  learningRate?: number;
  epsilon: number;
  optimizer: Optimizer;
}

const times = (a: Tensor, b: Tensor): Tensor => tensor(a.shape, a.data.map((x, i) => x * b.data[i]));

export class ScenarioEvaluator {
  private values?: Values;
  private readonly grads = new Map<number, Values>();

  constructor(
    private readonly g: CompiledGraph,
    private readonly settings: ProblemSettings,
    private readonly scenario: Scenario = {},
  ) {}

  private forwardValues(): Values {
    return (this.values ??= forward(this.g, this.g.leafValues, this.scenario.valuePins));
  }

  /** The mistake's override, with the student's local derivatives written over it. */
  private override(): VjpOverride | undefined {
    const { override, localPins } = this.scenario;
    if (!localPins?.size) return override;
    return (node) => {
      const mistake = override?.(node);
      const pins = localPins.get(node.slot);
      if (!pins) return mistake;
      const vjp = mistake ?? node.def.vjp;
      return (gy, x, y, attrs) => {
        const out = vjp(gy, x, y, attrs);
        for (const [j, d] of pins) if (sameShape(d.shape, gy.shape) && sameShape(x[j].shape, gy.shape)) out[j] = times(gy, d);
        return out;
      };
    };
  }

  private gradients(seed: number): Values {
    let grads = this.grads.get(seed);
    if (!grads) {
      const pinned = seed === this.g.output ? this.scenario.gradPins : undefined;
      grads = backward(this.g, this.forwardValues(), { seed, override: this.override(), pinned });
      this.grads.set(seed, grads);
    }
    return grads;
  }

  private step(slot: number): Tensor {
    const { learningRate, optimizer } = this.settings;
    if (learningRate === undefined) throw specError('INVALID_SPEC', 'learningRate', 'step answers need the problem\'s learningRate');
    const p = Float64Array.from(this.g.leafValues[slot]!.data);
    const update = makeUpdate({ learningRate: learningRate * (this.scenario.updateSign ?? 1), steps: 1, optimizer })();
    update(p, this.gradients(this.g.output)[slot].data, 1);
    return tensor(this.g.shapes[slot], p);
  }

  /** Central differences of `of` (summed if not a scalar) for each element of the leaf `wrt`. */
  private finiteDifference(of: number, wrt: number): Tensor {
    const { epsilon } = this.settings;
    const base = this.g.leafValues[wrt]!;
    const total = (delta: number, i: number): number => {
      const data = Float64Array.from(base.data);
      data[i] += delta;
      const leaves = this.g.leafValues.slice();
      leaves[wrt] = tensor(base.shape, data);
      return forward(this.g, leaves)[of].data.reduce((s, x) => s + x, 0);
    };
    return tensor(base.shape, base.data.map((_, i) => (total(epsilon, i) - total(-epsilon, i)) / (2 * epsilon)));
  }

  expected(target: Target): Tensor {
    switch (target.kind) {
      case 'value':
        return this.forwardValues()[target.slot];
      case 'derivative':
        return this.gradients(target.of)[target.wrt];
      case 'step':
        return this.step(target.slot);
      case 'fd':
        return this.finiteDifference(target.of, target.wrt);
    }
  }
}
