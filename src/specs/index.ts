/**
 * Compiles each spec of the contract (graph nodes, expr text, neuron, network) into
 * one tape, with error paths that point into the spec the user wrote.
 */
import { compile } from '../engine/compile.js';
import { DEFAULT_LIMITS, type Limits } from '../engine/limits.js';
import type { Tape } from '../engine/tape.js';
import { graphDraft } from './graph.js';
import { networkDraft } from './network.js';
import { neuronDraft } from './neuron.js';
import type { GraphSpec, NetworkSpec, NeuronSpec } from './spec.js';

/** A request body that names exactly one spec (the others undefined). */
export type SpecFields = { graph?: GraphSpec; neuron?: NeuronSpec; network?: NetworkSpec };

/** The body's schema has made sure it names exactly one spec. */
export function compileSpec(spec: SpecFields, limits: Limits = DEFAULT_LIMITS): Tape {
  if (spec.graph) return compile(graphDraft(spec.graph), limits);
  if (spec.neuron) return compile(neuronDraft(spec.neuron), limits);
  return compile(networkDraft(spec.network!), limits);
}
