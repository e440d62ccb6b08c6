/**
 * Expected answers under a scenario: the true computation, or one with a student's own earlier
 * answers carried forward (follow-through), or one with a typical mistake applied (diagnosis).
 * Each scenario is one forward pass and one backward pass per differentiated id, computed once.
 */
import { SpecError, specError } from '../../engine/errors.js';
import { say } from '../../text.js';
import { type LocalRule, contributions } from '../../engine/evaluate.js';
import { type Tape, copyOf, elementsOf, positionOf, shapeOf, sizeOfSlot } from '../../engine/tape.js';
import { type Tensor, sameShape, tensor } from '../../engine/tensor.js';
import { centralDifferences } from '../finite-difference.js';
import { type Optimizer, makeUpdate } from '../train.js';
import type { Target } from './keys.js';
import { type VjpOverride, backwardPinned, forwardPinned } from './scenario-passes.js';

export interface Scenario {
  /** Node values replaced by the student's answers, by slot. */
  valuePins?: ReadonlyMap<number, Float64Array>;
  /** d(output)/d(slot) replaced by the student's answers. */
  gradPins?: ReadonlyMap<number, Float64Array>;
  /** Local derivatives d node / d arg j replaced by the student's answers: node slot -> arg -> value. */
  localPins?: ReadonlyMap<number, ReadonlyMap<number, Float64Array>>;
  /** A mistake: some node's vector-Jacobian product replaced. */
  override?: VjpOverride;
  /** -1 applies the update in the wrong direction (w + lr * g). */
  updateSign?: 1 | -1;
}

export interface GradingSettings {
  learningRate?: number;
  epsilon: number;
  optimizer: Optimizer;
}

export class ScenarioEvaluator {
  private values?: Float64Array;
  private readonly grads = new Map<number, Float64Array>();

  constructor(
    private readonly tape: Tape,
    private readonly settings: GradingSettings,
    private readonly scenario: Scenario = {},
  ) {}

  private forwardValues(): Float64Array {
    return (this.values ??= forwardPinned(this.tape, this.scenario.valuePins));
  }

  /** The mistake's override, with the student's local derivatives written over it. */
  private override(): VjpOverride | undefined {
    const { override, localPins } = this.scenario;
    if (!localPins?.size) return override;
    const tape = this.tape;
    return (slot) => {
      const mistake = override?.(slot);
      const pins = localPins.get(slot);
      if (!pins) return mistake;
      const k = positionOf(tape, slot);
      const rule: LocalRule = (g, x, y, p) => {
        const out = mistake ? mistake(g, x, y, p) : contributions(tape, k, g, x, y);
        for (const [j, d] of pins) {
          if (d.length === g.data.length && sameShape(x[j].shape, g.shape))
            out[j] = tensor(
              g.shape,
              g.data.map((gi, i) => gi * d[i]),
            );
        }
        return out;
      };
      return rule;
    };
  }

  private gradients(seed: number): Float64Array {
    let grads = this.grads.get(seed);
    if (!grads) {
      const pinned = seed === this.tape.output ? this.scenario.gradPins : undefined;
      grads = backwardPinned(this.tape, this.forwardValues(), seed, this.override(), pinned);
      this.grads.set(seed, grads);
    }
    return grads;
  }

  private step(slot: number): Tensor {
    const { learningRate, optimizer } = this.settings;
    if (learningRate === undefined) {
      throw specError(
        'INVALID_SPEC',
        'learningRate',
        say(
          "step answers need the problem's learningRate",
          'respostas step(...) precisam da taxa de aprendizado do problema (learningRate)',
        ),
      );
    }
    const p = copyOf(this.tape, this.tape.initial, slot);
    const update = makeUpdate({ learningRate: learningRate * (this.scenario.updateSign ?? 1), steps: 1, optimizer })();
    update(p.data, copyOf(this.tape, this.gradients(this.tape.output), slot).data, 1);
    return p;
  }

  /** Central differences of `of` (summed if not a scalar) for each element of the leaf `wrt`. */
  private finiteDifference(of: number, wrt: number): Tensor {
    const tape = this.tape;
    const total = (values: Float64Array): number => {
      const v = elementsOf(tape, values, of);
      let s = 0;
      for (let j = 0; j < v.length; j++) s += v[j];
      return s;
    };
    const d = new Float64Array(sizeOfSlot(tape, wrt));
    for (const c of centralDifferences(tape, wrt, this.settings.epsilon, total)) d[c.index] = c.estimate;
    return tensor(shapeOf(tape, wrt), d);
  }

  expected(target: Target): Tensor {
    switch (target.kind) {
      case 'value':
        return copyOf(this.tape, this.forwardValues(), target.slot);
      case 'derivative':
        return copyOf(this.tape, this.gradients(target.of), target.wrt);
      case 'step':
        return this.step(target.slot);
      case 'fd':
        return this.finiteDifference(target.of, target.wrt);
    }
  }
}

/**
 * The expected value under a scenario built from the student's answers, or undefined when the
 * engine refuses it: a student's own wrong value may put a node outside its op's domain (a y_hat
 * above 1 carried into bce), and a wrong answer never makes the grade fail. Such a scenario gives
 * no follow-through credit and no diagnosis. Any other error is the spec's, and is thrown.
 */
export function expectedUnder(
  tape: Tape,
  settings: GradingSettings,
  scenario: Scenario,
  target: Target,
): Tensor | undefined {
  try {
    return new ScenarioEvaluator(tape, settings, scenario).expected(target);
  } catch (e) {
    if (e instanceof SpecError && e.code === 'DOMAIN') return undefined;
    throw e;
  }
}
