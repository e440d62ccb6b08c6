/**
 * What a student can start from: the tutorial's worked example in its notation (the page opens
 * on it), the same neuron as a `neuron` spec, the tutorial's exercise as JSON graph nodes, and
 * docs/api.md's 2-2-1 network. The template exercises come from the service (exercises.ts).
 */
import { exampleSpecs } from '../../src/schemas/examples.js';
import type { Leaves } from './values.js';

/** The tutorial's worked example: x = 2, w = 0.5, b = −1, y = 1, σ, ½(ŷ − y)², η = 0.1. */
export const WORKED_EXAMPLE: { expr: string; inputs: Leaves; params: Leaves; learningRate: number } = {
  expr: 'u = w*x\nz = u + b\ny_hat = sigmoid(z)\nL = 0.5*(y_hat - y)^2',
  inputs: { x: 2, y: 1 },
  params: { w: 0.5, b: -1 },
  learningRate: 0.1,
};

/**
 * Specs written as JSON (docs/api.md §2), by the name the page's menu gives them: the examples
 * Swagger UI prefills (src/schemas/examples.ts), so that the page and /docs start from the same.
 */
export const JSON_PRESETS: Record<'neuron' | 'nodes' | 'network', object> = {
  neuron: { neuron: exampleSpecs.worked },
  nodes: { graph: exampleSpecs.graph },
  network: { network: exampleSpecs.network },
};

/** A spec as the JSON field shows it: nested lists of numbers kept on one line. */
export function writeSpec(spec: object): string {
  return JSON.stringify(spec, null, 2).replace(/\[[\d\s,.\-e[\]]*\]/g, (list) => list.replace(/\s+/g, ' '));
}
