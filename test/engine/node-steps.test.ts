/**
 * forwardNode and backwardNode, the steps of the node-by-node passes, which a caller runs in a
 * loop of its own when it changes a pass (grading pins a student's answers and replays mistakes
 * this way). On x = [1, 2], w = [3, -1], u = w * x, s = sum(u), L = s * s, worked by hand:
 * u = [3, -2], s = 1, L = 1; dL/ds = 2s = 2, dL/du = [2, 2], dL/dw = 2x = [2, 4], dL/dx = 2w = [6, -2].
 */
import { describe, expect, it } from 'vitest';
import { type LocalRule, backward, backwardNode, forward, forwardNode } from '../../src/engine/evaluate.js';
import { elementsOf as slotElements, slotOf } from '../../src/engine/tape.js';
import { tensor } from '../../src/engine/tensor.js';
import { compileSpec } from '../../src/specs/index.js';
import { elementsOf } from '../support/tape.js';

const tape = compileSpec({
  graph: {
    inputs: { x: [1, 2] },
    params: { w: [3, -1] },
    nodes: [
      { id: 'u', op: 'mul', args: ['w', 'x'] },
      { id: 's', op: 'sum', args: ['u'] },
      { id: 'L', op: 'mul', args: ['s', 's'] },
    ],
  },
});

/** The values from forwardNode run on every node in order. */
function stepForward(): Float64Array {
  const values = tape.initial.slice();
  for (let k = 0; k < tape.nodeCount; k++) forwardNode(tape, values, k);
  return values;
}

/** The gradients of L from backwardNode run on every node in reverse order, with `rules` in place of some nodes' own. */
function stepBackward(values: Float64Array, rules: Record<string, LocalRule> = {}): Float64Array {
  const grads = new Float64Array(values.length);
  slotElements(tape, grads, slotOf(tape, 'L')!).fill(1);
  for (let k = tape.nodeCount - 1; k >= 0; k--)
    backwardNode(tape, values, grads, k, rules[tape.ids[tape.nodeSlot[k]]!]);
  return grads;
}

describe('the node-by-node steps of a pass', () => {
  it('forwardNode on every node in order computes the values', () => {
    const values = stepForward();
    expect(elementsOf(tape, values, 'u')).toEqual([3, -2]);
    expect(elementsOf(tape, values, 's')).toEqual([1]);
    expect(elementsOf(tape, values, 'L')).toEqual([1]);
    expect(Array.from(values)).toEqual(Array.from(forward(tape)));
  });

  it('backwardNode on every node in reverse order adds up the gradients', () => {
    const grads = stepBackward(stepForward());
    expect(elementsOf(tape, grads, 's')).toEqual([2]);
    expect(elementsOf(tape, grads, 'u')).toEqual([2, 2]);
    expect(elementsOf(tape, grads, 'w')).toEqual([2, 4]);
    expect(elementsOf(tape, grads, 'x')).toEqual([6, -2]);
    expect(Array.from(grads)).toEqual(Array.from(backward(tape, forward(tape))));
  });

  it('backwardNode given a rule passes back what the rule gives, in place of the op vector-Jacobian product', () => {
    // u passes its gradient back unchanged, as if du/dw = du/dx = 1: dL/dw = dL/dx = dL/du = [2, 2].
    const through: LocalRule = (g) => [tensor(g.shape, g.data.slice()), tensor(g.shape, g.data.slice())];
    const grads = stepBackward(stepForward(), { u: through });
    expect(elementsOf(tape, grads, 'u')).toEqual([2, 2]);
    expect(elementsOf(tape, grads, 'w')).toEqual([2, 2]);
    expect(elementsOf(tape, grads, 'x')).toEqual([2, 2]);
  });
});
