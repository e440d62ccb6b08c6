/**
 * Compiles each problem spec of the contract (graph nodes, expr text, neuron, network) into
 * one tape, with error paths that point into the spec the user wrote.
 */
import { say } from '../text.js';
import { specError } from '../engine/errors.js';
import { compile } from '../engine/compile.js';
import { DEFAULT_LIMITS, type Limits } from '../engine/limits.js';
import type { Tape } from '../engine/tape.js';
import { graphDraft } from './graph.js';
import { networkDraft } from './network.js';
import { neuronDraft } from './neuron.js';
import type { GraphSpec, NetworkSpec, NeuronSpec } from './spec.js';

/** A request body that names exactly one spec (the others undefined). */
export type ProblemFields = { graph?: GraphSpec; neuron?: NeuronSpec; network?: NetworkSpec };

export function compileProblem(problem: ProblemFields, limits: Limits = DEFAULT_LIMITS): Tape {
  const given = (['graph', 'neuron', 'network'] as const).filter((k) => problem[k] !== undefined);
  if (given.length !== 1) {
    throw specError('INVALID_SPEC', '', say('give exactly one problem spec: graph, neuron or network', 'envie exatamente uma especificação de problema: graph, neuron ou network'));
  }
  if (problem.graph) return compile(graphDraft(problem.graph), limits);
  if (problem.neuron) return compile(neuronDraft(problem.neuron), limits);
  return compile(networkDraft(problem.network!), limits);
}
