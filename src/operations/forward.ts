/** POST /v1/forward: the value of every leaf and node. */
import { forward as evaluate } from '../engine/evaluate.js';
import { checkResponseBytes, checkResponseSize, checkWork } from '../engine/limits.js';
import type { Tape } from '../engine/tape.js';
import { compileSpec } from '../specs/index.js';
import { ForwardBody, ForwardResponse } from '../schemas/operations.js';
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

export interface ForwardJob {
  tape: Tape;
  /** The slots to report, or null for all of them (and the layers). */
  slots: number[];
  layers: boolean;
  /** The language of the warnings. */
  locale: Locale;
}

export const forwardOperation = operation({
  path: '/v1/forward',
  body: ForwardBody,
  response: ForwardResponse,
  errors: problemResponses,
  largeBodies: true,
  askForLess: ASK_FOR_LESS_VALUES,
  docs: {
    tags: ['compute'],
    summary: 'Forward pass: the value of every leaf and node',
    description:
      'Evaluates the graph (or neuron, or network) and returns the value of every id. Non-finite results are written as "NaN", "Infinity" or "-Infinity" and listed in warnings.',
    responseDocs: {
      200: {
        description:
          "The value of every leaf and node (`values`), the output id and any warnings; for a network, each layer's z and a.",
      },
    },
  },
  prepare(body, { limits, locale }): ForwardJob {
    const tape = compileSpec(body, limits);
    const slots = reportedSlots(tape, body.include);
    const layers = body.include === undefined;
    checkWork(tape, 1, limits, ASK_FOR_SMALLER_GRAPH);
    checkResponseSize(
      tape,
      valueCount(tape, slots) + (layers ? layerValueCount(tape, false) : 0),
      limits,
      ASK_FOR_LESS_VALUES,
    );
    const bytes =
      ENVELOPE_BYTES +
      tape.ids[tape.output]!.length +
      idMapBytes(tape, slots) +
      (layers ? layerBytes(tape, false) : 0) +
      warningBytes(tape, slots, 1);
    checkResponseBytes(tape, bytes, limits, ASK_FOR_LESS_VALUES);
    return { tape, slots, layers, locale };
  },
  work: ({ tape }) => tape.passWork,
  run({ tape, slots, layers, locale }) {
    const values = evaluate(tape);
    return {
      output: tape.ids[tape.output]!,
      values: idMap(tape, values, slots),
      layers: layers ? layerReports(tape, values) : undefined,
      warnings: [
        ...targetBroadcastWarnings(tape, locale),
        ...nonFiniteWarning(tape, values, slots, 'non_finite_values', locale),
      ],
    };
  },
});
