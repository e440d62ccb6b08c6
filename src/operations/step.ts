/** POST /v1/step: the params after one or more SGD or Adam steps. */
import { assertScalarOutput } from '../engine/evaluate.js';
import { checkResponseSize, checkWork } from '../engine/limits.js';
import type { Tape } from '../engine/tape.js';
import { wireNumber } from '../engine/tensor.js';
import { type Locale, say } from '../core/locale.js';
import { type TrainOptions, train } from '../core/train.js';
import { compileProblem } from '../problems/index.js';
import { StepBody } from '../schemas/operations.js';
import { operation } from './operation.js';
import { idMap, targetBroadcastWarnings, type Warning } from './report.js';

export interface StepJob {
  tape: Tape;
  options: TrainOptions;
  /** The language of the warnings. */
  locale: Locale;
}

const DIVERGED = say(
  'the update diverged: a param or the loss is not finite (try a smaller learningRate)',
  'a atualização divergiu: um parâmetro ou a perda não é finito (tente uma taxa de aprendizado menor em learningRate)',
);

/** Each step is a forward and a backward pass, then one forward pass for the loss after. */
const passes = (steps: number): number => 2 * steps + 1;

export const stepOperation = operation({
  body: StepBody,
  prepare(body, { limits, locale }): StepJob {
    const { learningRate, steps = 1, optimizer = { name: 'sgd' } } = body;
    const tape = compileProblem(body, limits);
    assertScalarOutput(tape);
    checkWork(tape, passes(steps), limits, say('use fewer steps or a smaller graph', 'use menos passos (steps) ou um grafo menor'));
    const paramValues = Array.from(tape.params).reduce((n, s) => n + tape.size[s], 0);
    checkResponseSize(tape, paramValues + steps + 2, limits, say('use fewer steps (history has one loss per step)', 'use menos passos (steps): history tem uma perda por passo'));
    return { tape, options: { learningRate, steps, optimizer }, locale };
  },
  work: ({ tape, options }) => passes(options.steps) * tape.passWork,
  run({ tape, options, locale }) {
    const result = train(tape, options);
    const params = Array.from(tape.params);
    const losses = [...result.history, result.lossAfter];
    const badParams = params.filter((s) => !result.leaves.subarray(tape.offset[s], tape.offset[s] + tape.size[s]).every(Number.isFinite));
    const warnings: Warning[] = targetBroadcastWarnings(tape, locale);
    if (badParams.length || !losses.every(Number.isFinite)) {
      warnings.push({
        code: 'non_finite_values',
        ids: badParams.length ? badParams.map((s) => tape.ids[s]!) : [tape.ids[tape.output]!],
        message: DIVERGED[locale],
      });
    }
    return {
      params: idMap(tape, result.leaves, params),
      loss: { before: wireNumber(result.history[0]), after: wireNumber(result.lossAfter) },
      history: result.history.map(wireNumber),
      warnings,
    };
  },
});

