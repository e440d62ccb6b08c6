/** Shapes evaluation results into the id-keyed maps, layers and warnings of the wire contract. */
import { type Locale, say } from '../text.js';
import { broadcastShape } from '../engine/broadcast.js';
import { NUMBER_BYTES } from '../engine/limits.js';
import {
  type LayerIds,
  type Tape,
  argOf,
  layerParamNames,
  opNameOf,
  opOf,
  scalarOf,
  shapeOf,
  sizeOfSlot,
  slotOf,
  startOf,
  view,
} from '../engine/tape.js';
import { type WireValue, nestingBytes, sameShape, shapeText, toJson, wireNumber } from '../engine/tensor.js';
import type { z } from 'zod';
import type { Layer } from '../schemas/operations.js';
import type { Warning as WarningSchema } from '../schemas/values.js';

export type IdMap = Record<string, WireValue>;

/** A warning of a response, its message in the request's language. */
export type Warning = z.output<typeof WarningSchema>;

/** One slot's elements of an arena as the wire writes them. */
export function wireValue(tape: Tape, arena: Float64Array, slot: number): WireValue {
  return tape.rank[slot] === 0 ? wireNumber(scalarOf(tape, arena, slot)) : toJson(view(tape, arena, slot));
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
    if (id === '__proto__')
      Object.defineProperty(out, id, { value, enumerable: true, writable: true, configurable: true });
    else out[id] = value;
  }
  return out;
}

/** The numbers `idMap` writes for these slots. */
export const valueCount = (tape: Tape, slots: readonly number[]): number =>
  slots.reduce((n, s) => n + sizeOfSlot(tape, s), 0);

/** Bytes of a response's keys, braces and fixed members, besides what grows with the graph. */
export const ENVELOPE_BYTES = 200;

/** Bytes of one slot's value as JSON, at most: its numbers, and the brackets of a tensor and of its rows. */
export function wireValueBytes(tape: Tape, slot: number): number {
  const shape = shapeOf(tape, slot);
  return sizeOfSlot(tape, slot) * NUMBER_BYTES + nestingBytes(shape);
}

/** Bytes of the ids of these slots as a JSON list or a message names them (`"id",` or `'id', `), at most. */
export const idListBytes = (tape: Tape, slots: readonly number[]): number =>
  slots.reduce((n, s) => n + tape.ids[s]!.length + 4, 0);

/** Bytes `idMap` writes for these slots, at most: `"id":value,` each, and the braces. */
export const idMapBytes = (tape: Tape, slots: readonly number[]): number =>
  2 + slots.reduce((n, s) => n + tape.ids[s]!.length + 4 + wireValueBytes(tape, s), 0);

/** A warning's code, its braces and keys, and a message (in pt-BR, the longer, some letters two bytes): what it holds besides ids. */
const WARNING_BYTES = 1_500;

/**
 * Bytes of the warnings a response about these slots may carry, at most: a target_broadcast per
 * loss node, and `nonFinite` warnings (values, gradients) that may each name every slot twice,
 * in `ids` and in the message.
 */
export function warningBytes(tape: Tape, slots: readonly number[], nonFinite: number): number {
  let bytes = 2 + nonFinite * (WARNING_BYTES + 2 * idListBytes(tape, slots));
  for (let k = 0; k < tape.nodeCount; k++)
    if (opOf(tape, k).kind === 'loss') bytes += WARNING_BYTES + 2 * tape.ids[tape.nodeSlot[k]]!.length;
  return bytes;
}

/** Whether every element of the slot is finite, read in place. */
function finiteAt(tape: Tape, arena: Float64Array, slot: number): boolean {
  for (let i = startOf(tape, slot), end = i + sizeOfSlot(tape, slot); i < end; i++)
    if (!Number.isFinite(arena[i])) return false;
  return true;
}

/** Whether every element of an arena is finite (x - x is NaN for NaN and ±Infinity). */
function allFinite(arena: Float64Array): boolean {
  for (let i = 0; i < arena.length; i++) if (arena[i] - arena[i] !== 0) return false;
  return true;
}

/** The reported slots whose values (non_finite_values) or gradients (non_finite_gradients) are not all finite. */
export function nonFiniteWarning(
  tape: Tape,
  arena: Float64Array,
  slots: readonly number[],
  code: 'non_finite_values' | 'non_finite_gradients',
  locale: Locale,
): Warning[] {
  // Usually every number is finite: one pass over the arena says so, without a call per slot.
  if (allFinite(arena)) return [];
  const ids: string[] = [];
  for (const s of slots) if (!finiteAt(tape, arena, s)) ids.push(tape.ids[s]!);
  if (!ids.length) return [];
  const list = ids.map((id) => `'${id}'`).join(', ');
  const one = ids.length === 1;
  const gradient = code === 'non_finite_gradients';
  const message = say(
    `the ${gradient ? 'gradient' : 'value'}${one ? '' : 's'} of ${list} ${one ? 'is' : 'are'} not finite (NaN or infinite), written as strings`,
    one
      ? `${gradient ? 'o gradiente' : 'o valor'} de ${list} não é finito (NaN ou infinito) e vem escrito como texto`
      : `${gradient ? 'os gradientes' : 'os valores'} de ${list} não são finitos (NaN ou infinitos) e vêm escritos como texto`,
  );
  return [{ code, ids, message: message[locale] }];
}

/**
 * Each loss whose target broadcasts to a shape other than its prediction's: it still computes,
 * as in PyTorch, but compares predictions with targets meant for other elements. PyTorch warns
 * the same ("Using a target size that is different to the input size ... will likely lead to
 * incorrect results due to broadcasting").
 */
export function targetBroadcastWarnings(tape: Tape, locale: Locale): Warning[] {
  const warnings: Warning[] = [];
  for (let k = 0; k < tape.nodeCount; k++) {
    const def = opOf(tape, k);
    if (def.kind !== 'loss') continue;
    const p = shapeOf(tape, argOf(tape, k, 0));
    const y = shapeOf(tape, argOf(tape, k, 1));
    const to = broadcastShape(p, y);
    if (!to || sameShape(to, p)) continue;
    const id = tape.ids[tape.nodeSlot[k]]!;
    const [P, Y, T] = [shapeText(p), shapeText(y), shapeText(to)];
    const message = say(
      `the loss '${id}' (${opNameOf(tape, k)}) compares the prediction ${P} (${def.args[0]}) with a target ${Y} (${def.args[1]}) that broadcasts to ${T}: each prediction is compared with targets meant for other elements, so the loss is very likely not the one intended (PyTorch warns the same: "Using a target size that is different to the input size ... will likely lead to incorrect results due to broadcasting"); give the target the prediction's shape ${P}`,
      `a perda '${id}' (${opNameOf(tape, k)}) compara a previsão ${P} (${def.args[0]}) com um alvo ${Y} (${def.args[1]}) que o broadcasting estende para ${T}: cada previsão é comparada com alvos de outros elementos, então a perda muito provavelmente não é a pretendida (o PyTorch avisa o mesmo: um alvo de tamanho diferente do da previsão "provavelmente levará a resultados incorretos por causa do broadcasting"); dê ao alvo a forma da previsão, ${P}`,
    );
    warnings.push({ code: 'target_broadcast', ids: [id], message: message[locale] });
  }
  return warnings;
}

export type LayerReport = z.output<typeof Layer>;

/**
 * A network's layers, in the spec's order: z and a, and with gradients dL/da, dL/dz and the
 * gradient of each param the kind has (dL/dW and dL/db for dense and conv2d, dL/dgamma and
 * dL/dbeta for the norms).
 */
export function layerReports(tape: Tape, values: Float64Array, grads?: Float64Array): LayerReport[] | undefined {
  return tape.layers?.map((ids) => {
    const at = (id: string): number => slotOf(tape, id)!;
    const layer: LayerReport = { z: wireValue(tape, values, at(ids.z)), a: wireValue(tape, values, at(ids.a)) };
    if (grads) {
      layer['dL/da'] = wireValue(tape, grads, at(ids.a));
      layer['dL/dz'] = wireValue(tape, grads, at(ids.z));
      for (const name of layerParamNames) {
        const id = ids[name];
        if (id !== undefined) layer[`dL/d${name}`] = wireValue(tape, grads, at(id));
      }
    }
    return layer;
  });
}

/** A layer's params that the report gives gradients of, as slots. */
const paramSlots = (tape: Tape, ids: LayerIds): number[] =>
  layerParamNames.flatMap((name) => (ids[name] === undefined ? [] : [slotOf(tape, ids[name])!]));

/** Bytes `layerReports` writes, at most: each array with its key. */
export function layerBytes(tape: Tape, withGradients: boolean): number {
  let bytes = 2;
  for (const ids of tape.layers ?? []) {
    const bytesOf = (slot: number): number => wireValueBytes(tape, slot) + 14; // `"dL/dgamma":` and a comma
    const z = bytesOf(slotOf(tape, ids.z)!);
    bytes += 2 + 2 * z;
    if (withGradients) bytes += 2 * z + paramSlots(tape, ids).reduce((n, s) => n + bytesOf(s), 0);
  }
  return bytes;
}

/** The numbers `layerReports` writes: z and a of each layer (a has z's shape), and with gradients dL/da, dL/dz and the params'. */
export function layerValueCount(tape: Tape, withGradients: boolean): number {
  let n = 0;
  for (const ids of tape.layers ?? []) {
    const z = sizeOfSlot(tape, slotOf(tape, ids.z)!);
    n += 2 * z;
    if (withGradients) n += 2 * z + paramSlots(tape, ids).reduce((m, s) => m + sizeOfSlot(tape, s), 0);
  }
  return n;
}
