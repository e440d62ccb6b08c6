/**
 * Pictures of a spec's computational graph: compile, evaluate, and write the graph with each
 * value and gradient as SVG (Graphviz in WebAssembly), DOT or Mermaid. A picture is prepared in
 * two halves, as the operations are: `preparePicture` counts the values to draw from the spec
 * before compiling it (an expr is counted without being parsed), compiles, and refuses (413)
 * what is too large to draw; `drawPicture` evaluates and writes it. `pictureWork` says what the
 * drawing costs, layout included, so that a heavy one is drawn on a worker thread.
 */
import { backward, forward } from '../../engine/evaluate.js';
import type { SpecError } from '../../engine/errors.js';
import { type Limits, specPath, tooLarge } from '../../engine/limits.js';
import { type Tape, shapeOf } from '../../engine/tape.js';
import { exprValuesAtLeast } from '../../specs/expr.js';
import { type SpecFields, compileSpec } from '../../specs/index.js';
import { type Locale, say } from '../../text.js';
import { toDot } from './dot.js';
import { SHOWN_COLS, SHOWN_ROWS, graphPicture } from './graph.js';
import { heatCells } from './heat-map.js';
import { toMermaid } from './mermaid.js';
import { svgOf } from './svg.js';

export type { GraphPicture } from './graph.js';
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
 * read, and Graphviz's layout grows faster than the graph: under 0.1 s for 100 values of a random
 * graph, 0.35 s for 150, over 1 s for 200.
 */
export const MAX_RENDER_VALUES = 100;

/** Element operations of the forward and backward passes of one picture: a few milliseconds. */
export const MAX_RENDER_WORK = 1_000_000;

const tooLargeToDraw = (path: string, count: number, atLeast = false): SpecError => {
  const counted = atLeast ? say(`at least ${count}`, `pelo menos ${count}`) : say(`${count}`, `${count}`);
  return tooLarge(
    path,
    say(
      `this graph has ${counted.en} values to draw (inputs, params, nodes and literals), more than the limit of ${MAX_RENDER_VALUES} (MAX_RENDER_VALUES) for one picture: draw a part of it, or use POST /v1/gradients`,
      `este grafo tem ${counted['pt-BR']} valores a desenhar (entradas, parâmetros, nós e literais), mais que o limite de ${MAX_RENDER_VALUES} (MAX_RENDER_VALUES) de uma figura: desenhe uma parte dele, ou use POST /v1/gradients`,
    ),
  );
};

/** The fields of a network's layer that are leaves of its graph (a conv2d's b only when given). */
const LAYER_LEAVES = ['W', 'b', 'gamma', 'beta', 'mask'] as const;

/**
 * Refuses a spec with too many values to draw before compiling it, in time linear in the spec:
 * JSON nodes and networks are counted exactly (leaves, nodes and literal args: the tape's slots);
 * an expr is counted without parsing it, at least what it makes (exprValuesAtLeast). A neuron
 * always has 8 values.
 */
function checkSpecSize({ graph, network }: SpecFields): void {
  if (network) {
    // x, y and L; per layer, its z and a, and its leaves (network.ts): W and b, gamma and beta, or a mask.
    let count = 3;
    for (const layer of network.layers) {
      count +=
        2 + LAYER_LEAVES.filter((field) => (layer as object as Record<string, unknown>)[field] !== undefined).length;
    }
    if (count > MAX_RENDER_VALUES) throw tooLargeToDraw('network', count);
  }
  if (!graph) return;
  const leaves = Object.keys(graph.inputs ?? {}).length + Object.keys(graph.params ?? {}).length;
  if (graph.nodes) {
    let count = leaves + graph.nodes.length;
    for (const node of graph.nodes) for (const arg of node.args) if (typeof arg === 'number') count++;
    if (count > MAX_RENDER_VALUES) throw tooLargeToDraw('graph', count);
  } else if (graph.expr !== undefined) {
    const count = leaves + exprValuesAtLeast(graph.expr);
    if (count > MAX_RENDER_VALUES) throw tooLargeToDraw('graph', count, true);
  }
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

/** A picture ready to draw: its compiled graph, checked against the limits of a picture. */
export interface RenderJob {
  tape: Tape;
  format: RenderFormat;
  locale: Locale;
}

/** Counts the values to draw, compiles and checks the work, before anything is computed. */
export function preparePicture(
  problem: SpecFields,
  format: RenderFormat,
  { limits, locale }: RenderContext,
): RenderJob {
  checkSpecSize(problem);
  const tape = compileSpec(problem, limits);
  checkTapeSize(tape, limits);
  return { tape, format, locale };
}

/**
 * What laying out and writing a picture costs, in the unit of the work estimate (element
 * operations: about 300 a microsecond, bench/offload-threshold.ts). Graphviz's layout takes a
 * couple of milliseconds for the smallest graph and grows about as the cube of its values: 0.1 s
 * for 100, 0.35 s for 150, over 1 s for 200. Writing DOT or Mermaid is linear: a few microseconds
 * a value, the numbers rounded and escaped. Each heat-map cell (SVG and DOT) costs about 3 µs to
 * colour and write, and about 15 µs more to lay out and draw as SVG: 12,800 cells (100 values of
 * rank 4, each value and gradient 8×8) take about 0.2 s.
 */
export function layoutWork(format: RenderFormat, values: number, cells = 0): number {
  // Mermaid draws no heat map: its `cells` are 0.
  const written = 1_000 * values + 1_000 * cells;
  // 2 ms, and 0.1 s × (values / 100)³, at 300 element operations a microsecond.
  return format === 'svg' ? written + 600_000 + 30 * values ** 3 + 5_000 * cells : written;
}

/** The heat-map cells of a picture (a value's, and its gradient's when the output is a scalar). */
function pictureCells(tape: Tape): number {
  let cells = 0;
  for (let s = 0; s < tape.slotCount; s++) cells += heatCells(shapeOf(tape, s), SHOWN_ROWS, SHOWN_COLS);
  return tape.rank[tape.output] === 0 ? 2 * cells : cells;
}

/** The work of drawing a picture: its forward and backward passes, and its layout. */
export const pictureWork = ({ tape, format }: RenderJob): number =>
  2 * tape.passWork + layoutWork(format, tape.slotCount, format === 'mermaid' ? 0 : pictureCells(tape));

/** The picture as text: values for every box, gradients when the output is a scalar, in its format. */
export async function drawPicture({ tape, format, locale }: RenderJob): Promise<string> {
  const values = forward(tape);
  const scalar = tape.rank[tape.output] === 0;
  const picture = graphPicture(tape, values, scalar ? backward(tape, values) : undefined, locale, format !== 'mermaid');
  if (format === 'mermaid') return toMermaid(picture);
  const dot = toDot(picture);
  return format === 'dot' ? dot : svgOf(dot);
}
