/** POST /v1/gradients: backpropagation, the gradient of the output with respect to every id. */
import { assertScalarOutput, backward, forward, localDerivatives } from '../engine/evaluate.js';
import { NUMBER_BYTES, checkResponseBytes, checkResponseSize, checkWork } from '../engine/limits.js';
import { CONST, type Tape, argOf, opOf } from '../engine/tape.js';
import type { z } from 'zod';
import { wireNumber } from '../engine/tensor.js';
import { compileSpec } from '../specs/index.js';
import {
  GradientsBody,
  GradientsResponse,
  type LocalDerivative as LocalDerivativeSchema,
} from '../schemas/operations.js';
import type { Locale } from '../text.js';
import { ASK_FOR_LESS_VALUES, ASK_FOR_SMALLER_GRAPH, reportedSlots } from './include.js';
import { operation } from './operation.js';
import {
  ENVELOPE_BYTES,
  idMap,
  idMapBytes,
  layerBytes,
  layerReports,
  layerValueCount,
  nonFiniteWarning,
  targetBroadcastWarnings,
  valueCount,
  warningBytes,
} from './report.js';
import { problemResponses } from '../schemas/problem-details.js';

export interface GradientsJob {
  tape: Tape;
  slots: number[];
  layers: boolean;
  /** The language of the warnings. */
  locale: Locale;
}

/** `arg` is the position of the arg in the node's args: an id may appear twice, as in mul(x, x). */
export type LocalDerivative = z.output<typeof LocalDerivativeSchema>;

/**
 * Each reported node's local derivative with respect to each of its args that is an id (not a
 * literal), in evaluation order. The walk is written out here and in localExtent: a graph of a
 * million nodes has one and a half million entries, and a callback per entry cost about as much
 * as building the entry.
 */
function localReport(tape: Tape, values: Float64Array, reported: Uint8Array): LocalDerivative[] {
  const { da, db } = localDerivatives(tape, values);
  const { ids, kind, nodeSlot } = tape;
  const out: LocalDerivative[] = [];
  for (let k = 0; k < tape.nodeCount; k++) {
    if (!reported[nodeSlot[k]]) continue;
    const of = ids[nodeSlot[k]]!;
    const arity = opOf(tape, k).args.length;
    for (let j = 0; j < arity; j++) {
      const arg = argOf(tape, k, j);
      if (kind[arg] !== CONST) out.push({ of, wrt: ids[arg]!, arg: j, value: wireNumber(j === 0 ? da[k] : db[k]) });
    }
  }
  return out;
}

/** The entries `localReport` writes, and their bytes as JSON at most (`{"of":"…","wrt":"…","arg":j,"value":…},` each): the same walk. */
function localExtent(tape: Tape, reported: Uint8Array): { count: number; bytes: number } {
  const { ids, kind, nodeSlot } = tape;
  let count = 0;
  let bytes = 2;
  for (let k = 0; k < tape.nodeCount; k++) {
    if (!reported[nodeSlot[k]]) continue;
    const ofBytes = 31 + ids[nodeSlot[k]]!.length + NUMBER_BYTES;
    const arity = opOf(tape, k).args.length;
    for (let j = 0; j < arity; j++) {
      const arg = argOf(tape, k, j);
      if (kind[arg] === CONST) continue;
      count++;
      bytes += ofBytes + ids[arg]!.length;
    }
  }
  return { count, bytes };
}

const flags = (tape: Tape, slots: readonly number[]): Uint8Array => {
  const out = new Uint8Array(tape.slotCount);
  for (const s of slots) out[s] = 1;
  return out;
};

export const gradientsOperation = operation({
  path: '/v1/gradients',
  body: GradientsBody,
  response: GradientsResponse,
  errors: problemResponses,
  largeBodies: true,
  askForLess: ASK_FOR_LESS_VALUES,
  docs: {
    tags: ['compute'],
    summary: 'Backpropagation: the gradient of the output with respect to every id',
    description:
      'Forward values, dOutput/dId for every id (shaped like its value; 0 where the output does not depend on the id) and, for scalar graphs, the local derivative of each node with respect to each of its args. The output must be a scalar.',
    responseDocs: {
      200: {
        description:
          "The forward `values`, the `gradients` (dOutput/dId for every id: `gradients.w` is dL/dw) and, for scalar graphs, the `local` derivative of each node with respect to each arg: the chain rule multiplies these along each path. For a network, each layer's dL/da, dL/dz, dL/dW and dL/db.",
      },
    },
  },
  prepare(body, { limits, locale }): GradientsJob {
    const tape = compileSpec(body, limits);
    assertScalarOutput(tape);
    const slots = reportedSlots(tape, body.include);
    const layers = body.include === undefined;
    checkWork(tape, 2, limits, ASK_FOR_SMALLER_GRAPH);
    const local = tape.allScalar ? localExtent(tape, flags(tape, slots)) : { count: 0, bytes: 0 };
    checkResponseSize(
      tape,
      2 * valueCount(tape, slots) + local.count + (layers ? layerValueCount(tape, true) : 0),
      limits,
      ASK_FOR_LESS_VALUES,
    );
    const bytes =
      ENVELOPE_BYTES +
      tape.ids[tape.output]!.length +
      2 * idMapBytes(tape, slots) +
      local.bytes +
      (layers ? layerBytes(tape, true) : 0) +
      warningBytes(tape, slots, 2);
    checkResponseBytes(tape, bytes, limits, ASK_FOR_LESS_VALUES);
    return { tape, slots, layers, locale };
  },
  work: ({ tape }) => 2 * tape.passWork,
  run({ tape, slots, layers, locale }) {
    const values = forward(tape);
    const grads = backward(tape, values);
    return {
      output: tape.ids[tape.output]!,
      values: idMap(tape, values, slots),
      gradients: idMap(tape, grads, slots),
      local: tape.allScalar ? localReport(tape, values, flags(tape, slots)) : undefined,
      layers: layers ? layerReports(tape, values, grads) : undefined,
      warnings: [
        ...targetBroadcastWarnings(tape, locale),
        ...nonFiniteWarning(tape, values, slots, 'non_finite_values', locale),
        ...nonFiniteWarning(tape, grads, slots, 'non_finite_gradients', locale),
      ],
    };
  },
});
