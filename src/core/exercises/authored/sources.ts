/**
 * Value sources: a fixed value, a range with a step or decimals (a number, or a tensor of a
 * shape), or choices; each checked once (a 422 at its path) and turned into a draw. Every drawn
 * number is an integer count of steps divided once by a power of 10, so it is the same double as
 * the decimal literal a person would write (0.30000000000000004 never appears).
 */
import { specError } from '../../../engine/errors.js';
import type { ValueSpec } from '../../../specs/spec.js';
import { say } from '../../../text.js';
import type { ValueSourceInput } from '../../../schemas/authored.js';
import { shaped } from '../graph-template.js';
import type { Rng } from '../random.js';

/** The most decimals a range may ask for: beyond 6, nobody computes by hand. */
export const MAX_DECIMALS = 6;

/**
 * The most numbers an exercise's leaves hold, and a source's tensor: an exercise is computed by
 * hand, and its draw is repeated up to MAX_DRAWS times, so a large one is a mistake or an attack.
 */
export const MAX_EXERCISE_ELEMENTS = 10_000;

/** One source, checked: each call draws a fresh value from the generator. */
export type Draw = (rng: Rng) => ValueSpec;

const invalid = (path: string, en: string, pt: string) => specError('INVALID_SPEC', path, say(en, pt));

/** Decimals of a number as written in its shortest form (0.25 → 2), or undefined in exponent form. */
function decimalsOf(x: number): number | undefined {
  const text = String(Math.abs(x));
  if (text.includes('e')) return undefined;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

const flat = (v: ValueSpec): number[] => (Array.isArray(v) ? (v as unknown[]).flat(4) : [v]) as number[];

/** How many times an element below minAbs is drawn again before the largest allowed value is taken. */
export const MIN_ABS_TRIES = 64;

/**
 * A grid of count values, value(k) for k in [0, count), as a draw that may skip the 0, or redraw
 * an element below minAbs: the rejection the templates always drew with, so their variants stay
 * (an allowed fraction f fails all MIN_ABS_TRIES with probability (1 − f)^64).
 */
function gridDraw(
  path: string,
  count: number,
  value: (k: number) => number,
  nonzero: boolean | undefined,
  minAbs: number | undefined,
) {
  if (minAbs !== undefined) return minAbsDraw(path, count, value, nonzero, minAbs);
  let zero = -1;
  if (nonzero) {
    for (let k = 0; k < count; k++) if (value(k) === 0) zero = k;
    if (count - (zero < 0 ? 0 : 1) === 0) {
      throw invalid(
        `${path}.nonzero`,
        'nonzero can never hold: the only value is 0',
        'nonzero nunca vale: o único valor é 0',
      );
    }
  }
  const allowed = zero < 0 ? count : count - 1;
  return (rng: Rng): number => {
    const k = rng.int(0, allowed - 1);
    return value(zero >= 0 && k >= zero ? k + 1 : k);
  };
}

function minAbsDraw(
  path: string,
  count: number,
  value: (k: number) => number,
  nonzero: boolean | undefined,
  minAbs: number,
) {
  if (!(minAbs >= 0))
    throw invalid(`${path}.minAbs`, 'minAbs is a distance: 0 or more', 'minAbs é uma distância: 0 ou mais');
  const allowed = (x: number) => Math.abs(x) >= minAbs && !(nonzero && x === 0);
  let largest = -1;
  for (let k = count - 1; k >= 0 && largest < 0; k--) if (allowed(value(k))) largest = k;
  if (largest < 0) {
    throw invalid(
      `${path}.minAbs`,
      `minAbs can never hold: no value of the range has |x| >= ${minAbs}`,
      `minAbs nunca vale: nenhum valor do intervalo tem |x| >= ${minAbs}`,
    );
  }
  return (rng: Rng): number => {
    for (let tries = 0; tries < MIN_ABS_TRIES; tries++) {
      const x = value(rng.int(0, count - 1));
      if (allowed(x)) return x;
    }
    return value(largest);
  };
}

/** The checked draw of a source at `path` (`exercise.neuron.b`). */
export function sourceDraw(source: ValueSourceInput, path: string): Draw {
  if (typeof source === 'number' || Array.isArray(source)) return () => structuredClone(source);
  if ('choices' in source) {
    if (source.choices.length === 0) {
      throw invalid(`${path}.choices`, 'give at least one choice', 'dê pelo menos uma opção (choices)');
    }
    const allowed = source.nonzero ? source.choices.filter((c) => flat(c).every((x) => x !== 0)) : source.choices;
    if (allowed.length === 0) {
      throw invalid(
        `${path}.nonzero`,
        'nonzero can never hold: every choice is or holds 0',
        'nonzero nunca vale: toda opção é 0 ou contém 0',
      );
    }
    return (rng) => structuredClone(rng.pick(allowed));
  }
  const { min, max, step, decimals, shape, nonzero, minAbs } = source;
  if (min > max)
    throw invalid(`${path}.min`, `min (${min}) is above max (${max})`, `min (${min}) é maior que max (${max})`);
  if ((step === undefined) === (decimals === undefined)) {
    throw invalid(path, 'give exactly one of step or decimals', 'dê exatamente um de step ou decimals');
  }
  let element: (rng: Rng) => number;
  if (step !== undefined) {
    if (!(step > 0)) throw invalid(`${path}.step`, 'the step must be above 0', 'o passo (step) deve ser maior que 0');
    const places = Math.max(decimalsOf(min) ?? -1, decimalsOf(step) ?? -1);
    const scale = places >= 0 && places <= 12 ? 10 ** places : 0;
    // min + k·step, rounded to the decimals of min and step: the literal's double.
    const value = (k: number): number => (scale ? Math.round((min + k * step) * scale) / scale : min + k * step);
    const count = Math.floor((max - min) / step + 1e-9) + 1;
    element = gridDraw(path, count, value, nonzero, minAbs);
  } else {
    if (!Number.isInteger(decimals) || decimals! < 0 || decimals! > MAX_DECIMALS) {
      throw invalid(
        `${path}.decimals`,
        `decimals is an integer from 0 to ${MAX_DECIMALS}`,
        `decimals é um número inteiro de 0 a ${MAX_DECIMALS}`,
      );
    }
    const scale = 10 ** decimals!;
    const lowest = Math.ceil(min * scale - 1e-9);
    const highest = Math.floor(max * scale + 1e-9);
    if (lowest > highest) {
      throw invalid(
        path,
        `no number with ${decimals} decimals lies in [${min}, ${max}]`,
        `nenhum número com ${decimals} casas decimais está em [${min}, ${max}]`,
      );
    }
    element = gridDraw(path, highest - lowest + 1, (k) => (lowest + k) / scale, nonzero, minAbs);
  }
  if (!shape) return element;
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_EXERCISE_ELEMENTS) {
    throw invalid(
      `${path}.shape`,
      `at most ${MAX_EXERCISE_ELEMENTS} elements in an exercise's tensor`,
      `no máximo ${MAX_EXERCISE_ELEMENTS} elementos em um tensor de exercício`,
    );
  }
  return (rng) =>
    shaped(
      Array.from({ length: size }, () => element(rng)),
      shape,
    );
}
