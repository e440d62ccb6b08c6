/**
 * A tensor too large to read as numbers, drawn as a small grid of coloured cells: a matrix, or
 * one matrix of an image-like tensor (the first channel of the first example of an [N, C, H, W]
 * value, the first example of an [N, T, D] one). At most MAX_HEAT_CELLS cells a side: a larger
 * matrix shows every k-th row and column, as Python's `[::k]` slices it. Each cell's colour goes
 * from the least value shown (the cold end) to the largest (the hot end) along viridis, which reads
 * in grey and to colour-blind eyes.
 */
import type { Tensor } from '../../engine/tensor.js';
import { say } from '../../text.js';
import type { Prose } from '../exercises/format.js';

/** Cells on a side of a heat map, at most. */
export const MAX_HEAT_CELLS = 8;

/** Viridis at five points, from the least value to the largest. */
export const HEAT_SCALE = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;
export const COLD = HEAT_SCALE[0];
export const HOT = HEAT_SCALE[HEAT_SCALE.length - 1];
/** A NaN cell, outside the scale. */
export const NAN_FILL = '#bbbbbb';

export interface HeatMap {
  /** Which elements the cells are, when not every one of the matrix: `[0, 0, ::3, ::3]`; else empty. */
  slice: string;
  rows: number;
  cols: number;
  /** Each cell's fill, row by row. */
  fills: string[];
  /** The ends of the scale, as the legend writes them: `min −0.45`, `max 0.46` (the least and the largest value shown, rounded). */
  low: string;
  high: string;
}

const channel = (hex: string, at: number): number => Number.parseInt(hex.slice(at, at + 2), 16);

/** The colour at t in [0, 1] along the scale, interpolated between its points. */
function interpolated(t: number): string {
  const at = t * (HEAT_SCALE.length - 1);
  const i = Math.min(Math.floor(at), HEAT_SCALE.length - 2);
  const f = at - i;
  const [a, b] = [HEAT_SCALE[i], HEAT_SCALE[i + 1]];
  let out = '#';
  for (const c of [1, 3, 5]) {
    const v = Math.round(channel(a, c) + f * (channel(b, c) - channel(a, c)));
    out += v.toString(16).padStart(2, '0');
  }
  return out;
}

/** The scale in 256 steps, worked out once: a cell's colour is looked up, not computed. */
const STEPS = 255;
const RAMP = Array.from({ length: STEPS + 1 }, (_, i) => interpolated(i / STEPS));

/** The colour at t in [0, 1] along the scale (clamped to it). */
export const heatColour = (t: number): string => RAMP[Math.round(Math.min(Math.max(t, 0), 1) * STEPS)];

/** The rows (or columns) a heat map shows: every `step`-th one, at most MAX_HEAT_CELLS. */
function picked(count: number): { indices: number[]; step: number } {
  const step = Math.ceil(count / MAX_HEAT_CELLS);
  return { indices: Array.from({ length: Math.ceil(count / step) }, (_, i) => i * step), step };
}

/**
 * Whether a value is drawn as a heat map: an image-like tensor (rank 3 or 4), or a matrix with
 * more rows or columns than its text shows; in either case a matrix of 2×2 or more.
 */
export function drawsHeatMap(shape: readonly number[], shownRows: number, shownCols: number): boolean {
  const r = shape.length;
  if (r < 2 || shape[r - 2] < 2 || shape[r - 1] < 2) return false;
  return r > 2 || shape[0] > shownRows || shape[1] > shownCols;
}

/** The cells of the heat map a value of this shape draws (drawsHeatMap); 0 when it draws none. */
export function heatCells(shape: readonly number[], shownRows: number, shownCols: number): number {
  if (!drawsHeatMap(shape, shownRows, shownCols)) return 0;
  const r = shape.length;
  return picked(shape[r - 2]).indices.length * picked(shape[r - 1]).indices.length;
}

/** The words of the legend's ends. */
const ENDS = { low: say('min', 'mín'), high: say('max', 'máx') };

/** The heat map of the first matrix of `t` (rank 2 or more), with its scale's ends written by `p`. */
export function heatMapOf(t: Tensor, p: Prose): HeatMap {
  const r = t.shape.length;
  const [height, width] = [t.shape[r - 2], t.shape[r - 1]];
  const rows = picked(height);
  const cols = picked(width);
  const values = rows.indices.flatMap((i) => cols.indices.map((j) => t.data[i * width + j]));
  // The scale spans the finite values; an infinite one takes the end of its sign, a NaN a grey of its own.
  const finite = values.filter(Number.isFinite);
  const ends = finite.length ? finite : values.filter((v) => !Number.isNaN(v));
  const [low, high] = ends.length ? [Math.min(...ends), Math.max(...ends)] : [Number.NaN, Number.NaN];
  const span = high - low;
  const position = (v: number): number =>
    v === Number.POSITIVE_INFINITY ? 1 : v === Number.NEGATIVE_INFINITY ? 0 : span > 0 ? (v - low) / span : 0.5;
  const fills = values.map((v) => (Number.isNaN(v) ? NAN_FILL : heatColour(position(v))));
  const sampled = rows.step > 1 || cols.step > 1;
  const axis = (step: number): string => (step > 1 ? `::${step}` : ':');
  const slice = sampled ? `[${[...Array(r - 2).fill('0'), axis(rows.step), axis(cols.step)].join(', ')}]` : '';
  return {
    slice,
    rows: rows.indices.length,
    cols: cols.indices.length,
    fills,
    low: `${ENDS.low[p.locale]} ${p.n(low)}`,
    high: `${ENDS.high[p.locale]} ${p.n(high)}`,
  };
}
