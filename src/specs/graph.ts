/** The `graph` spec (JSON nodes or expr text) as a graph draft, with paths into the spec. */
import { quote } from '../text.js';
import type { GraphDraft, LeafDraft } from '../engine/compile.js';
import { parseExpr } from './expr.js';
import type { GraphSpec } from './spec.js';

function leavesOf(map: Record<string, unknown> | undefined, kind: 'input' | 'param', path: string): LeafDraft[] {
  if (!map) return [];
  // Object.keys lists own keys only, so ids like __proto__ are read as data, never as prototypes.
  return Object.keys(map).map((id) => ({ id, kind, value: map[id], path: `${path}.${quote(id)}` }));
}

export function graphDraft(spec: GraphSpec): GraphDraft {
  const leaves = [...leavesOf(spec.inputs, 'input', 'graph.inputs'), ...leavesOf(spec.params, 'param', 'graph.params')];
  if (spec.expr !== undefined) {
    const parsed = parseExpr(spec.expr, 'graph.expr');
    const where = parsed.nodes.map((n) => n.where);
    const subexpressions = Uint8Array.from(parsed.nodes, (n) => (n.subexpression ? 1 : 0));
    return {
      leaves,
      nodes: parsed.nodes,
      paths: { kind: 'text', path: 'graph.expr', where },
      subexpressions,
      output: spec.output ?? parsed.output,
      outputPath: 'graph.output',
    };
  }
  // The request's own node objects: compile reads them in place.
  return {
    leaves,
    nodes: spec.nodes!,
    paths: { kind: 'indexed', prefix: 'graph.nodes' },
    output: spec.output,
    outputPath: 'graph.output',
  };
}
