/** POST /v1/forward: the value of every leaf and node. */
import { forward as evaluate } from '../engine/evaluate.js';
import { checkResponseSize, checkWork } from '../engine/limits.js';
import type { Tape } from '../engine/tape.js';
import { compileProblem } from '../problems/index.js';
import { ForwardBody } from '../schemas/operations.js';
import { ASK_FOR_LESS_VALUES, reportedSlots } from './include.js';
import { operation } from './operation.js';
import { idMap, layerReports, layerValueCount, nonFiniteWarning, valueCount } from './report.js';

export interface ForwardJob {
  tape: Tape;
  /** The slots to report, or null for all of them (and the layers). */
  slots: number[];
  layers: boolean;
}

export const forwardOperation = operation({
  body: ForwardBody,
  prepare(body, { limits }): ForwardJob {
    const tape = compileProblem(body, limits);
    const slots = reportedSlots(tape, body.include);
    const layers = body.include === undefined;
    checkWork(tape, 1, limits, 'send a smaller graph');
    checkResponseSize(tape, valueCount(tape, slots) + (layers ? layerValueCount(tape, false) : 0), limits, ASK_FOR_LESS_VALUES);
    return { tape, slots, layers };
  },
  work: ({ tape }) => tape.passWork,
  run({ tape, slots, layers }) {
    const values = evaluate(tape);
    return {
      output: tape.ids[tape.output]!,
      values: idMap(tape, values, slots),
      layers: layers ? layerReports(tape, values) : undefined,
      warnings: nonFiniteWarning(tape, values, slots, 'non_finite_values', 'the value'),
    };
  },
});
