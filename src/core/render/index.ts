/**
 * Pictures of a problem's computational graph: compile, evaluate, and write the graph with each
 * value and gradient as SVG (Graphviz in WebAssembly), DOT or Mermaid. Pictures are drawn on the
 * event loop, so they are kept small: at most MAX_RENDER_VALUES boxes and MAX_RENDER_WORK element
 * operations, refused (413) before anything is computed.
 */
import { backward, forward } from '../../engine/evaluate.js';
import type { SpecError } from '../../engine/errors.js';
import { type Limits, specPath, tooLarge } from '../../engine/limits.js';
import type { Tape } from '../../engine/tape.js';
import { type ProblemFields, compileProblem } from '../../problems/index.js';
import { type Locale, say } from '../locale.js';
import { toDot } from './dot.js';
import { type GraphPicture, graphPicture } from './graph.js';
import { toMermaid } from './mermaid.js';
import { svgOf } from './svg.js';

export { type GraphPicture, graphPicture } from './graph.js';
export { escapeHtml, toDot } from './dot.js';
export { escapeMermaid, toMermaid } from './mermaid.js';
export { svgOf } from './svg.js';
/** Significant figures of the numbers in a picture. */
export { PROSE_SIGFIGS as RENDER_SIGFIGS } from '../exercises/format.js';

export const RENDER_FORMATS = ['svg', 'dot', 'mermaid'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];
export const DEFAULT_RENDER_FORMAT: RenderFormat = 'svg';

export const RENDER_CONTENT_TYPES: Record<RenderFormat, string> = {
  svg: 'image/svg+xml',
  dot: 'text/vnd.graphviz; charset=utf-8',
  mermaid: 'text/plain; charset=utf-8',
};

/**
 * Boxes in one picture (inputs, params, nodes and literal args). Past this a picture is no longer
 * read, and Graphviz's layout, which runs on the event loop, grows faster than the graph: under
 * 0.1 s for 100 values of a random graph, 0.35 s for 150, over 1 s for 200.
 */
export const MAX_RENDER_VALUES = 100;

/** Element operations of the forward and backward passes of one picture: a few milliseconds on the event loop. */
export const MAX_RENDER_WORK = 1_000_000;

const tooLargeToDraw = (path: string, count: number): SpecError =>
  tooLarge(
    path,
    say(
      `this graph has ${count} values to draw (inputs, params, nodes and literals), more than the limit of ${MAX_RENDER_VALUES} (MAX_RENDER_VALUES) for one picture: draw a part of it, or use POST /v1/gradients`,
      `este grafo tem ${count} valores a desenhar (entradas, parâmetros, nós e literais), mais que o limite de ${MAX_RENDER_VALUES} (MAX_RENDER_VALUES) de uma figura: desenhe uma parte dele, ou use POST /v1/gradients`,
    ),
  );

/** Refuses a graph of JSON nodes that is too large to draw before compiling it (its leaves and nodes alone). */
function checkSpecSize(problem: ProblemFields): void {
  const graph = problem.graph;
  if (!graph?.nodes) return;
  const count = graph.nodes.length + Object.keys(graph.inputs ?? {}).length + Object.keys(graph.params ?? {}).length;
  if (count > MAX_RENDER_VALUES) throw tooLargeToDraw('graph', count);
}

function checkTapeSize(tape: Tape, limits: Limits): void {
  const path = specPath(tape.outputPath);
  if (tape.slotCount > MAX_RENDER_VALUES) throw tooLargeToDraw(path, tape.slotCount);
  const work = 2 * tape.passWork;
  const max = Math.min(MAX_RENDER_WORK, limits.maxWork);
  if (work > max) {
    throw tooLarge(
      path,
      say(
        `drawing this graph needs about ${work} element operations, more than the limit of ${max} (MAX_RENDER_WORK) for one picture: use smaller tensors, or POST /v1/gradients`,
        `desenhar este grafo precisa de cerca de ${work} operações com elementos, mais que o limite de ${max} (MAX_RENDER_WORK) de uma figura: use tensores menores, ou POST /v1/gradients`,
      ),
    );
  }
}

export interface RenderContext {
  limits: Limits;
  locale: Locale;
}

/** The picture of a problem: values for every box, and gradients when the output is a scalar. */
export function pictureOf(problem: ProblemFields, { limits, locale }: RenderContext): GraphPicture {
  checkSpecSize(problem);
  const tape = compileProblem(problem, limits);
  checkTapeSize(tape, limits);
  const values = forward(tape);
  const scalar = tape.rank[tape.output] === 0;
  return graphPicture(tape, values, scalar ? backward(tape, values) : undefined, locale);
}

/** The picture of a problem in a format: SVG, DOT or Mermaid text. */
export async function renderProblem(problem: ProblemFields, format: RenderFormat, context: RenderContext): Promise<string> {
  const picture = pictureOf(problem, context);
  if (format === 'mermaid') return toMermaid(picture);
  const dot = toDot(picture);
  return format === 'dot' ? dot : svgOf(dot);
}
