/** Shapes evaluation results into the id-keyed maps, layers and warnings of the wire contract. */
import { type Tape, slotOf, view } from '../engine/tape.js';
import { type WireValue, toJson, wireNumber } from '../engine/tensor.js';

export type IdMap = Record<string, WireValue>;

export interface Warning {
  code: 'non_finite_values' | 'non_finite_gradients' | 'kink';
  ids: string[];
  message: string;
}

/** One slot's elements of an arena as the wire writes them. */
export function wireValue(tape: Tape, arena: Float64Array, slot: number): WireValue {
  return tape.rank[slot] === 0 ? wireNumber(arena[tape.offset[slot]]) : toJson(view(tape, arena, slot));
}

/** Above this many keys V8 keeps an object as a dictionary whatever its prototype. */
const SMALL_MAP = 1000;

/**
 * An id -> value map of the given slots, in their order. An id such as `__proto__` is an own key
 * like any other, which `JSON.stringify` writes. A small map is a plain object, which V8 keeps in
 * its fast mode (built and stringified about a third faster than one without prototype); on it,
 * assigning `__proto__` would set the prototype, so that key is defined instead. A large map has
 * no prototype (built about a third faster than a plain object that turns into a dictionary).
 */
export function idMap(tape: Tape, arena: Float64Array, slots: readonly number[]): IdMap {
  if (slots.length > SMALL_MAP) {
    const out: IdMap = Object.create(null);
    for (const s of slots) out[tape.ids[s]!] = wireValue(tape, arena, s);
    return out;
  }
  const out: IdMap = {};
  for (const s of slots) {
    const id = tape.ids[s]!;
    const value = wireValue(tape, arena, s);
    if (id === '__proto__') Object.defineProperty(out, id, { value, enumerable: true, writable: true, configurable: true });
    else out[id] = value;
  }
  return out;
}

/** The numbers `idMap` writes for these slots. */
export const valueCount = (tape: Tape, slots: readonly number[]): number => slots.reduce((n, s) => n + tape.size[s], 0);

/** Whether every element of the slot is finite, read in place. */
function finiteAt(tape: Tape, arena: Float64Array, slot: number): boolean {
  for (let i = tape.offset[slot], end = i + tape.size[slot]; i < end; i++) if (!Number.isFinite(arena[i])) return false;
  return true;
}

export function nonFiniteWarning(tape: Tape, arena: Float64Array, slots: readonly number[], code: Warning['code'], what: string): Warning[] {
  const ids: string[] = [];
  for (const s of slots) if (!finiteAt(tape, arena, s)) ids.push(tape.ids[s]!);
  if (!ids.length) return [];
  return [{ code, ids, message: `${what} of ${ids.map((id) => `'${id}'`).join(', ')} ${ids.length === 1 ? 'is' : 'are'} not finite (NaN or infinite), written as strings` }];
}

export interface LayerReport {
  z: WireValue;
  a: WireValue;
  'dL/da'?: WireValue;
  'dL/dz'?: WireValue;
  'dL/dW'?: WireValue;
  'dL/db'?: WireValue;
}

/** A network's layers: z and a, and with gradients dL/da, dL/dz, dL/dW and dL/db. */
export function layerReports(tape: Tape, values: Float64Array, grads?: Float64Array): LayerReport[] | undefined {
  return tape.layers?.map((ids) => {
    const at = (id: string): number => slotOf(tape, id)!;
    const layer: LayerReport = { z: wireValue(tape, values, at(ids.z)), a: wireValue(tape, values, at(ids.a)) };
    if (grads) {
      layer['dL/da'] = wireValue(tape, grads, at(ids.a));
      layer['dL/dz'] = wireValue(tape, grads, at(ids.z));
      layer['dL/dW'] = wireValue(tape, grads, at(ids.W));
      layer['dL/db'] = wireValue(tape, grads, at(ids.b));
    }
    return layer;
  });
}

/** The numbers `layerReports` writes: z and a of each layer, and with gradients four more arrays. */
export function layerValueCount(tape: Tape, withGradients: boolean): number {
  let n = 0;
  for (const ids of tape.layers ?? []) {
    const size = (id: string): number => tape.size[slotOf(tape, id)!];
    n += 2 * size(ids.z);
    if (withGradients) n += 2 * size(ids.z) + size(ids.W) + size(ids.b);
  }
  return n;
}
