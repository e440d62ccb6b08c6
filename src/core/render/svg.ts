/**
 * SVG from DOT with Graphviz compiled to WebAssembly (@viz-js/viz: no system binary). The module
 * is compiled on the first picture and kept for every later one.
 */
import { type Viz, instance } from '@viz-js/viz';

let loading: Promise<Viz> | undefined;

/** The Graphviz instance, loaded once; a failed load is retried on the next call. */
export function graphviz(): Promise<Viz> {
  loading ??= instance().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/** The SVG of a DOT graph; an error when Graphviz refuses it (a bug here: the DOT is ours). */
export async function svgOf(dot: string): Promise<string> {
  const viz = await graphviz();
  let result: ReturnType<Viz['render']>;
  try {
    result = viz.render(dot, { format: 'svg' });
  } catch (e) {
    // A WebAssembly trap may leave the instance unusable: the next picture loads a fresh one.
    loading = undefined;
    throw e;
  }
  if (result.status !== 'success')
    throw new Error(`Graphviz could not lay out the graph: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.output;
}
