/** The tutorial's single neuron as a graph draft. */
import { plural, say } from '../text.js';
import { specError } from '../engine/errors.js';
import type { GraphDraft } from '../engine/compile.js';
import { DEFAULT_ACTIVATION, DEFAULT_LOSS, type NeuronSpec } from './spec.js';

/** x, y inputs; w, b params; u = w*x (a dot product for vectors), z = u + b, y_hat = act(z), L = loss(y_hat, y). */
export function neuronDraft(spec: NeuronSpec): GraphDraft {
  const vector = Array.isArray(spec.x);
  if (vector !== Array.isArray(spec.w)) {
    throw specError(
      'SHAPE_MISMATCH',
      'neuron.w',
      say(
        'x and w must both be numbers or both be vectors of one length',
        'x e w devem ser ambos números ou ambos vetores de mesmo comprimento',
      ),
    );
  }
  if (vector && (spec.x as number[]).length !== (spec.w as number[]).length) {
    const w = (spec.w as number[]).length,
      x = (spec.x as number[]).length;
    throw specError(
      'SHAPE_MISMATCH',
      'neuron.w',
      say(
        `w has ${plural(w, 'element', 'elements')} but x has ${x}`,
        `w tem ${plural(w, 'elemento', 'elementos')}, mas x tem ${x}`,
      ),
    );
  }
  const activation = spec.activation ?? DEFAULT_ACTIVATION;
  return {
    leaves: [
      { id: 'x', kind: 'input', value: spec.x, path: 'neuron.x' },
      { id: 'y', kind: 'input', value: spec.y, path: 'neuron.y' },
      { id: 'w', kind: 'param', value: spec.w, path: 'neuron.w' },
      { id: 'b', kind: 'param', value: spec.b, path: 'neuron.b' },
    ],
    nodes: [
      { id: 'u', op: vector ? 'matmul' : 'mul', args: ['w', 'x'] },
      { id: 'z', op: 'add', args: ['u', 'b'] },
      { id: 'y_hat', op: activation, args: ['z'] },
      { id: 'L', op: spec.loss ?? DEFAULT_LOSS, args: ['y_hat', 'y'] },
    ],
    paths: { kind: 'each', paths: ['neuron.w', 'neuron.b', 'neuron.activation', 'neuron.loss'] },
    outputPath: 'neuron',
  };
}
