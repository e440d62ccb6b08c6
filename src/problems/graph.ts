/** The `graph` spec (JSON nodes or expr text) as a graph draft, with paths into the spec. */
import { specError } from '../engine/errors.js';
import type { GraphDraft, LeafDraft, NodeDraft } from '../engine/compile.js';
import { parseExpr } from './expr.js';
import type { GraphSpec } from './spec.js';

function leavesOf(map: Record<string, unknown> | undefined, kind: 'input' | 'param', path: string): LeafDraft[] {
  if (!map) return [];
  // Object.keys lists own keys only, so ids like __proto__ are read as data, never as prototypes.
  return Object.keys(map).map((id) => ({ id, kind, value: map[id], path: `${path}.${id}` }));
}

export function graphDraft(spec: GraphSpec): GraphDraft {
  const leaves = [...leavesOf(spec.inputs, 'input', 'graph.inputs'), ...leavesOf(spec.params, 'param', 'graph.params')];
  if ((spec.nodes === undefined) === (spec.expr === undefined)) {
    throw specError('INVALID_SPEC', 'graph', 'a graph gives exactly one of nodes or expr');
  }
  let nodes: NodeDraft[];
  let output = spec.output;
  if (spec.expr !== undefined) {
    const parsed = parseExpr(spec.expr, 'graph.expr');
    nodes = parsed.nodes.map((n) => ({ ...n, path: 'graph.expr' }));
    output ??= parsed.output;
  } else {
    nodes = spec.nodes!.map((n, i) => ({
      id: n.id,
      op: n.op,
      args: n.args,
      attrs: n.attrs,
      path: `graph.nodes[${i}]`,
      fieldPaths: true,
    }));
  }
  return { leaves, nodes, output, outputPath: 'graph.output' };
}

