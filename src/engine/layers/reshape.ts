/**
 * Ops that only move elements: flatten, slice and concat. Each vjp moves g back to where its
 * elements came from, adding (a value passed twice to concat gets both parts of g).
 */
import { type Localized, plural, say } from '../../text.js';
import type { Attrs, OpDef } from '../op-def.js';
import { type Shape, shapeText, sizeOf } from '../tensor.js';
import { aroundAxis, axisIndex } from './axes.js';

/** Reading every element of the args once and writing the result. */
const movingCost = (shapes: readonly Shape[], out: Shape): number =>
  shapes.reduce((n, s) => n + sizeOf(s), sizeOf(out));

const notAnAxis = (axis: number, x: Shape): Localized =>
  say(
    `axis ${axis} is not an axis of ${shapeText(x)}: a shape of rank ${x.length} has axes ${-x.length} to ${x.length - 1}`,
    `o eixo ${axis} não é um eixo de ${shapeText(x)}: uma forma de posto ${x.length} tem os eixos ${-x.length} a ${x.length - 1}`,
  );

const integerAttr = (name: string, en: string, pt: string) => ({ name, integer: true, description: say(en, pt) });

export const flatten = {
  kind: 'layer',
  args: ['x'],
  attrs: [],
  description: say(
    'Each example of a batch as one vector: every axis after the first joined, in row-major order',
    'Cada exemplo de um lote como um vetor: todos os eixos depois do primeiro juntados, em ordem de linhas',
  ),
  formula: say(
    '[N, d1, d2, ...] -> [N, d1 * d2 * ...], row-major; torch.flatten(x, 1)',
    '[N, d1, d2, ...] -> [N, d1 * d2 * ...], em ordem de linhas; torch.flatten(x, 1)',
  ),
  derivative: say('dL/dx = g reshaped to the shape of x', 'dL/dx = g remodelado para a forma de x'),
  shape: ([x]) =>
    x.length >= 2
      ? [x[0], sizeOf(x.slice(1))]
      : say(
          `flatten needs x with at least two axes [N, ...], got ${shapeText(x)}`,
          `flatten precisa de x com pelo menos dois eixos [N, ...], recebeu ${shapeText(x)}`,
        ),
  cost: movingCost,
  forward: ([x], out) => out.data.set(x.data),
  vjp: (g, _x, _y, [gx]) => {
    for (let k = 0; k < g.data.length; k++) gx.data[k] += g.data[k];
  },
} satisfies OpDef;

// ---------------------------------------------------------------------------------------------
// slice: x.narrow(axis, start, end - start), start and end counted from the end when negative.

/** The axis and the elements [from, to) a slice keeps, or why its attrs do not fit x. */
function sliceOf(x: Shape, attrs: Attrs): { k: number; from: number; to: number } | Localized {
  const axis = attrs[0],
    start = attrs[1],
    end = attrs[2];
  if (x.length === 0)
    return say(
      'slice needs x with at least one axis, got a scalar',
      'slice precisa de x com pelo menos um eixo, recebeu um escalar',
    );
  const k = axisIndex(axis, x.length);
  if (k < 0) return notAnAxis(axis, x);
  const n = x[k];
  const from = start < 0 ? start + n : start,
    to = end < 0 ? end + n : end;
  // Refused rather than clamped: a bound past the end is more likely a mistake than a wish.
  if (start < -n || start > n || end < -n || end > n || !(from < to))
    return say(
      `slice(axis=${axis}, start=${start}, end=${end}) of x ${shapeText(x)} is empty or out of range: axis ${axis} has ${plural(n, 'element', 'elements')}, start and end must be in [${-n}, ${n}] (negative from the end) with start before end`,
      `slice(axis=${axis}, start=${start}, end=${end}) de x ${shapeText(x)} é vazio ou sai do intervalo: o eixo ${axis} tem ${plural(n, 'elemento', 'elementos')}, start e end devem estar em [${-n}, ${n}] (negativos a partir do fim) com start antes de end`,
    );
  return { k, from, to };
}

export const slice = {
  kind: 'layer',
  args: ['x'],
  attrs: [
    integerAttr(
      'axis',
      'The axis to slice (negative counts from the end)',
      'O eixo a fatiar (negativo conta a partir do fim)',
    ),
    integerAttr(
      'start',
      'The first index kept (negative counts from the end)',
      'O primeiro índice mantido (negativo conta a partir do fim)',
    ),
    integerAttr(
      'end',
      'The index after the last one kept: end is exclusive (negative counts from the end)',
      'O índice depois do último mantido: end é exclusivo (negativo conta a partir do fim)',
    ),
  ],
  description: say(
    'The elements from start to end (exclusive) along one axis',
    'Os elementos de start até end (exclusivo) ao longo de um eixo',
  ),
  formula: say(
    'x[..., start:end, ...] on the axis, end exclusive, negatives from the end; x.narrow(axis, start, end - start)',
    'x[..., start:end, ...] no eixo, end exclusivo, negativos a partir do fim; x.narrow(axis, start, end - start)',
  ),
  derivative: say('dL/dx = g in the sliced positions, 0 elsewhere', 'dL/dx = g nas posições fatiadas, 0 nas demais'),
  shape: ([x], attrs) => {
    const s = sliceOf(x, attrs);
    if ('en' in s) return s;
    const out = [...x];
    out[s.k] = s.to - s.from;
    return out;
  },
  cost: ([x], out) => 2 * sizeOf(out) + x.length,
  forward: ([x], out, attrs) => {
    const { k, from, to } = sliceOf(x.shape, attrs) as { k: number; from: number; to: number };
    const { outer, size, inner } = aroundAxis(x.shape, k);
    const block = (to - from) * inner;
    for (let o = 0; o < outer; o++) {
      const at = (o * size + from) * inner;
      out.data.set(x.data.subarray(at, at + block), o * block);
    }
  },
  vjp: (g, [x], _y, [gx], attrs) => {
    const { k, from, to } = sliceOf(x.shape, attrs) as { k: number; from: number; to: number };
    const { outer, size, inner } = aroundAxis(x.shape, k);
    const block = (to - from) * inner;
    for (let o = 0; o < outer; o++) {
      const at = (o * size + from) * inner;
      for (let r = 0; r < block; r++) gx.data[at + r] += g.data[o * block + r];
    }
  },
} satisfies OpDef;

// ---------------------------------------------------------------------------------------------
// concat: torch.cat([a, b, ...], dim=axis). Around the axis, the result's block of one outer index is
// the args' blocks one after the other.

export const concat = {
  kind: 'layer',
  args: ['a'],
  variadic: true,
  minArgs: 2,
  attrs: [
    {
      ...integerAttr(
        'axis',
        'The axis to join along (negative counts from the end)',
        'O eixo ao longo do qual juntar (negativo conta a partir do fim)',
      ),
      default: 0,
    },
  ],
  description: say('Two or more tensors joined along one axis', 'Dois ou mais tensores juntados ao longo de um eixo'),
  formula: say(
    'a, b, ... one after the other along the axis; the other axes must agree; torch.cat([a, b, ...], dim=axis)',
    'a, b, ... um depois do outro ao longo do eixo; os demais eixos devem coincidir; torch.cat([a, b, ...], dim=axis)',
  ),
  derivative: say(
    "dL/da, dL/db, ... = g split along the axis into each arg's part (an arg passed twice gets both parts)",
    'dL/da, dL/db, ... = g dividido ao longo do eixo na parte de cada argumento (um argumento passado duas vezes recebe as duas partes)',
  ),
  shape: (shapes, attrs) => {
    const axis = attrs[0];
    if (shapes.length < 2)
      return say(
        `concat needs two or more args, got ${shapes.length}`,
        `concat precisa de dois ou mais argumentos, recebeu ${shapes.length}`,
      );
    const first = shapes[0];
    if (first.length === 0)
      return say(
        'concat cannot join scalars: its args need at least one axis',
        'concat não junta escalares: os argumentos precisam de pelo menos um eixo',
      );
    const k = axisIndex(axis, first.length);
    if (k < 0) return notAnAxis(axis, first);
    let along = 0;
    for (const s of shapes) {
      if (s.length !== first.length || s.some((d, a) => a !== k && d !== first[a]))
        return say(
          `concat on axis ${axis} needs shapes that agree except on that axis, got ${shapeText(first)} and ${shapeText(s)}`,
          `concat no eixo ${axis} precisa de formas que coincidam exceto nesse eixo, recebeu ${shapeText(first)} e ${shapeText(s)}`,
        );
      along += s[k];
    }
    const out = [...first];
    out[k] = along;
    return out;
  },
  cost: movingCost,
  forward: (xs, out, attrs) => {
    const k = axisIndex(attrs[0], xs[0].shape.length);
    const { outer, inner } = aroundAxis(out.shape, k);
    for (let o = 0, at = 0; o < outer; o++)
      for (const x of xs) {
        const block = x.shape[k] * inner;
        out.data.set(x.data.subarray(o * block, (o + 1) * block), at);
        at += block;
      }
  },
  vjp: (g, xs, y, gx, attrs) => {
    const k = axisIndex(attrs[0], y.shape.length);
    const { outer, inner } = aroundAxis(y.shape, k);
    for (let o = 0, at = 0; o < outer; o++)
      for (let j = 0; j < xs.length; j++) {
        const block = xs[j].shape[k] * inner;
        const into = gx[j].data;
        for (let r = 0; r < block; r++) into[o * block + r] += g.data[at + r];
        at += block;
      }
  },
} satisfies OpDef;
