/**
 * What a picture of the computational graph shows, built from a tape and its evaluation: a box
 * per value (an input, a param, a node or a literal) with its id, value and gradient, a small
 * circle per op between its args and its result, and a caption. A part of an expr statement is
 * labelled with its formula (`y_hat − y`), not with the generated id the student never wrote. dot.ts and mermaid.ts write it;
 * the numbers are rounded for reading here, once, in the request's language.
 */
import { type Locale, say } from '../../text.js';
import { PROSE_SIGFIGS, type Prose, prose } from '../exercises/format.js';
import { CONST, INPUT, PARAM, type Tape, attrsOf, opNameOf, opOf, shapeOf, view } from '../../engine/tape.js';
import type { Shape, Tensor } from '../../engine/tensor.js';
import { Notation } from '../notation/node.js';
import { type HeatMap, drawsHeatMap, heatMapOf } from './heat-map.js';
import { ATTR_LABELS, OP_SYMBOLS, WITH_ARGS } from './symbols.js';

export type BoxRole = 'input' | 'param' | 'node' | 'literal';

export interface ValueBox {
  /** The box's name in the picture's source: `v` and its slot (an id may be a keyword of DOT or Mermaid). */
  key: string;
  /** The user's id (a part of an expr statement has a generated one, `_t1`); null for a literal arg such as the 0.5 of `0.5*(y_hat - y)^2`. */
  id: string | null;
  /**
   * What the box is called in the picture: its id, or for a part of an expr statement, whose
   * generated id the student never wrote, its formula as the statement writes it (`y_hat − y`);
   * null for a literal.
   */
  label: string | null;
  /** For a part of an expr statement, the id of the statement that holds it: `L` for `y_hat − y` in `L = 0.5*(y_hat - y)^2`. */
  partOf?: string;
  role: BoxRole;
  output: boolean;
  /** `[2×2]`, `[3]`; empty for a number. */
  shape: string;
  /** The value rounded, one line per row of a matrix (of the first matrix of a rank 3 or 4 tensor, under its index). */
  value: string[];
  /** dOutput/dId, shaped and rounded as the value; absent without gradients, and for literals. */
  gradient?: string[];
  /** The value as coloured cells, for a large matrix or an image-like tensor (heat-map.ts); SVG and DOT draw it. */
  valueMap?: HeatMap;
  gradientMap?: HeatMap;
}

export interface OpCircle {
  /** `f` and the slot of the node it computes. */
  key: string;
  symbol: string;
}

export interface GraphPicture {
  boxes: ValueBox[];
  ops: OpCircle[];
  /** Arg box -> op circle -> result box, in evaluation order (an arg used twice has two edges). */
  edges: [from: string, to: string][];
  /** The labels' words in the request's language. */
  words: { value: string; gradient: string };
  /** Lines under the picture: what it shows, how to read it, and why gradients are missing if they are. */
  caption: string[];
}

/** Fill colours by role (the caption names them); the output is green whatever its role. */
export const FILL: Record<BoxRole | 'output' | 'op', string> = {
  input: '#dbe9f6',
  param: '#fdf0c2',
  node: '#ffffff',
  literal: '#f2f2f2',
  output: '#d7f0d4',
  op: '#eeeeee',
};

/** Rows and columns of a tensor shown in full; a larger one shows its first ones and its last. */
export const SHOWN_ROWS = 4;
export const SHOWN_COLS = 4;

const ELLIPSIS = '…';

/** The first `shown - 1` items, an ellipsis and the last, when there are more than `shown`. */
function truncated<T>(items: readonly T[], shown: number, ellipsis: T): T[] {
  return items.length <= shown ? [...items] : [...items.slice(0, shown - 1), ellipsis, items[items.length - 1]];
}

/** `[2×2]`, `[3]`; empty for a number. */
export const shapeLabel = (shape: Shape): string => (shape.length === 0 ? '' : `[${shape.join('×')}]`);

/**
 * A tensor rounded for reading, one line per row: `[0.5, -1]`, long rows and columns cut with `…`.
 * A tensor of rank 3 or 4 shows its first matrix under its index, as Python writes it: `[0, 0, :, :]`
 * is the first channel of the first example of an [N, C, H, W] value (its shape says how many more).
 */
export function tensorLines(t: Tensor, p: Prose): string[] {
  const rank = t.shape.length;
  if (rank === 0) return [p.n(t.data[0])];
  const cols = t.shape[rank - 1];
  const rows = rank === 1 ? 1 : t.shape[rank - 2];
  const index = rank > 2 ? [`[${[...Array(rank - 2).fill('0'), ':', ':'].join(', ')}]`] : [];
  const row = (r: number): string => {
    const indices = truncated(
      Array.from({ length: cols }, (_, j) => j),
      SHOWN_COLS,
      -1,
    );
    return `[${indices.map((j) => (j < 0 ? ELLIPSIS : p.n(t.data[r * cols + j]))).join(p.sep)}]`;
  };
  const shownRows = truncated(
    Array.from({ length: rows }, (_, r) => r),
    SHOWN_ROWS,
    -1,
  );
  return [...index, ...shownRows.map((r) => (r < 0 ? '⋮' : row(r)))];
}

/** The labels of a box's value and gradient. */
const LABELS = { value: say('value', 'valor'), gradient: say('gradient', 'gradiente') };

/** What every caption says after its first line: the colours, and that the numbers are rounded. */
const LEGEND = say(
  `Inputs in blue, params in yellow, the output in green; numbers rounded to ${PROSE_SIGFIGS} significant figures`,
  `Entradas em azul, parâmetros em amarelo, a saída em verde; números arredondados a ${PROSE_SIGFIGS} algarismos significativos`,
);

function caption(locale: Locale, output: string, outputShape: Shape): string[] {
  if (outputShape.length === 0) {
    return [
      say(
        `The computational graph of ${output}: each id's value and gradient d${output}/d(id).`,
        `Grafo computacional de ${output}: o valor e o gradiente d${output}/d(id) de cada id.`,
      )[locale],
      `${LEGEND[locale]} ${say('(the exact ones: POST /v1/gradients).', '(os exatos: POST /v1/gradients).')[locale]}`,
    ];
  }
  const shape = shapeLabel(outputShape);
  return [
    say(
      `The computational graph of ${output}, values only: the output ${output} has shape ${shape}, not a scalar, so there are no gradients (reduce it with sum, mean or a loss).`,
      `Grafo computacional de ${output}, só os valores: a saída ${output} tem forma ${shape} e não é um escalar, então não há gradientes (reduza-a com sum, mean ou uma perda).`,
    )[locale],
    `${LEGEND[locale]} ${say('(the exact ones: POST /v1/forward).', '(os exatos: POST /v1/forward).')[locale]}`,
  ];
}

function roleOf(tape: Tape, slot: number): BoxRole {
  const kind = tape.kind[slot];
  return kind === INPUT ? 'input' : kind === PARAM ? 'param' : kind === CONST ? 'literal' : 'node';
}

/**
 * The op's symbol, with its attrs in a course's notation (`conv2d s=2 p=1`, `maxpool 2×2`, `slice axis=1 [0:2]`:
 * ATTR_LABELS), or with each attr that is not at its default: `leaky relu alpha=0,1`, `BN eps=0,001` (an
 * optional attr not given is left out); or the op written with its args as the statement writes them: `½(y_hat − y)²`.
 */
function symbolOf(tape: Tape, k: number, p: Prose, notation: Notation): string {
  const name = opNameOf(tape, k);
  const symbol = OP_SYMBOLS[name];
  // A part of a statement as an arg is written out, as its box is labelled: `−(a + b)`, never `−_t1`.
  if (symbol === WITH_ARGS) return notation.expression(k).text;
  const values = attrsOf(tape, k);
  const label = ATTR_LABELS[name];
  if (label) return label(Array.from(values), (x) => p.n(x));
  const defs = opOf(tape, k).attrs;
  const defaultOf = (j: number): number | undefined => {
    const from = defs[j].defaultFrom;
    return from === undefined ? defs[j].default : values[defs.findIndex((d) => d.name === from)];
  };
  const shown = defs.flatMap((a, j) =>
    Number.isNaN(values[j]) || values[j] === defaultOf(j) ? [] : [`${a.name}=${p.n(values[j])}`],
  );
  return shown.length ? `${symbol} ${shown.join(' ')}` : symbol;
}

/**
 * For each slot, the slot of the statement that holds it: itself, or for a part of an expr
 * statement, the first node up its uses that is not a part (a part is used once, by its statement).
 */
function enclosingStatements(tape: Tape, notation: Notation): (slot: number) => number {
  const consumer = new Int32Array(tape.slotCount).fill(-1);
  for (let k = 0; k < tape.nodeCount; k++) {
    for (const arg of notation.args(k)) if (notation.isSubexpression(arg)) consumer[arg] = tape.nodeSlot[k];
  }
  return (slot) => {
    let s = slot;
    while (notation.isSubexpression(s) && consumer[s] >= 0) s = consumer[s];
    return s;
  };
}

/**
 * The picture of an evaluated tape. `gradients` (dOutput/dSlot) is given when the output is a
 * scalar; without it the boxes show values only and the caption says why. `heatMaps`: whether the
 * boxes carry heat maps (a format that cannot draw them, Mermaid, does without).
 */
export function graphPicture(
  tape: Tape,
  values: Float64Array,
  gradients: Float64Array | undefined,
  locale: Locale,
  heatMaps = true,
): GraphPicture {
  const p = prose(locale);
  const heatMap = (t: Tensor): HeatMap | undefined =>
    heatMaps && drawsHeatMap(t.shape, SHOWN_ROWS, SHOWN_COLS) ? heatMapOf(t, p) : undefined;
  const notation = new Notation(tape, locale);
  const key = (slot: number): string => `v${slot}`;
  const statementOf = enclosingStatements(tape, notation);
  const boxes: ValueBox[] = [];
  for (let s = 0; s < tape.slotCount; s++) {
    const role = roleOf(tape, s);
    const shape = shapeOf(tape, s);
    const value = view(tape, values, s);
    const gradient = gradients && role !== 'literal' ? view(tape, gradients, s) : undefined;
    const part = notation.isSubexpression(s);
    boxes.push({
      key: key(s),
      id: tape.ids[s],
      label: part ? notation.expression(notation.positionOf(s)).text : tape.ids[s],
      ...(part && { partOf: tape.ids[statementOf(s)]! }),
      role,
      output: s === tape.output,
      shape: shapeLabel(shape),
      value: tensorLines(value, p),
      gradient: gradient && tensorLines(gradient, p),
      valueMap: heatMap(value),
      gradientMap: gradient && heatMap(gradient),
    });
  }
  const ops: OpCircle[] = [];
  const edges: [string, string][] = [];
  for (let k = 0; k < tape.nodeCount; k++) {
    const s = tape.nodeSlot[k];
    const op = `f${s}`;
    ops.push({ key: op, symbol: symbolOf(tape, k, p, notation) });
    for (const arg of notation.args(k)) edges.push([key(arg), op]);
    edges.push([op, key(s)]);
  }
  return {
    boxes,
    ops,
    edges,
    words: { value: LABELS.value[locale], gradient: LABELS.gradient[locale] },
    caption: caption(locale, tape.ids[tape.output]!, shapeOf(tape, tape.output)),
  };
}
