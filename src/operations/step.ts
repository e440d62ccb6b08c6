/** POST /v1/step: the params after one or more SGD or Adam steps. */
import { DEFAULT_HISTORY, DEFAULT_OPTIMIZER, DEFAULT_STEPS } from '../core/defaults.js';
import { assertScalarOutput } from '../engine/evaluate.js';
import { NUMBER_BYTES, checkResponseBytes, checkResponseSize, checkWork } from '../engine/limits.js';
import { type Tape, elementsOf } from '../engine/tape.js';
import { wireNumber } from '../engine/tensor.js';
import { type Locale, say } from '../text.js';
import { type TrainOptions, historyLength, train } from '../core/train.js';
import { compileSpec } from '../specs/index.js';
import { StepBody, StepResponse } from '../schemas/operations.js';
import { operation } from './operation.js';
import {
  ENVELOPE_BYTES,
  idMap,
  idMapBytes,
  targetBroadcastWarnings,
  valueCount,
  type Warning,
  warningBytes,
} from './report.js';
import { problemResponses } from '../schemas/problem-details.js';

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

export const ASK_FOR_LESS_HISTORY = say(
  'keep part of the loss history (`"history": {"every": k}`) or none of it (`"history": "none"`), or use fewer steps',
  'guarde parte do histórico de perdas (`"history": {"every": k}`) ou nada dele (`"history": "none"`), ou use menos passos (steps)',
);

/** Each step is a forward and a backward pass, then one forward pass for the loss after. */
const passes = (steps: number): number => 2 * steps + 1;

export const stepOperation = operation({
  path: '/v1/step',
  body: StepBody,
  response: StepResponse,
  errors: problemResponses,
  largeBodies: true,
  askForLess: ASK_FOR_LESS_HISTORY,
  docs: {
    tags: ['compute'],
    summary: 'Update step: the params after one or more SGD or Adam steps',
    description:
      'Applies `steps` updates with torch.optim semantics (SGD with optional momentum; Adam with beta1, beta2, eps) and returns the params, the loss before the first and after the last step, and the loss before each step (history).',
    responseDocs: {
      200: {
        description:
          'The `params` after the last step (w - learningRate · dL/dw for plain SGD), the loss before the first and after the last step, and the loss before each step.',
      },
    },
  },
  prepare(body, { limits, locale }): StepJob {
    const { learningRate, steps = DEFAULT_STEPS, optimizer = DEFAULT_OPTIMIZER, history = DEFAULT_HISTORY } = body;
    const tape = compileSpec(body, limits);
    assertScalarOutput(tape);
    checkWork(
      tape,
      passes(steps),
      limits,
      say('use fewer steps or a smaller graph', 'use menos passos (steps) ou um grafo menor'),
    );
    const historyEvery = history === 'all' ? 1 : history === 'none' ? 0 : history.every;
    const losses = historyLength(steps, historyEvery);
    const params = Array.from(tape.params);
    checkResponseSize(tape, valueCount(tape, params) + losses + 2, limits, ASK_FOR_LESS_HISTORY);
    const bytes =
      ENVELOPE_BYTES + idMapBytes(tape, params) + (losses + 2) * NUMBER_BYTES + warningBytes(tape, params, 1);
    checkResponseBytes(tape, bytes, limits, ASK_FOR_LESS_HISTORY);
    return { tape, options: { learningRate, steps, optimizer, historyEvery }, locale };
  },
  work: ({ tape, options }) => passes(options.steps) * tape.passWork,
  run({ tape, options, locale }) {
    const result = train(tape, options);
    const every = options.historyEvery ?? 1;
    const params = Array.from(tape.params);
    const losses = [result.lossBefore, ...result.history, result.lossAfter];
    const badParams = params.filter((s) => !elementsOf(tape, result.leaves, s).every(Number.isFinite));
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
      loss: { before: wireNumber(result.lossBefore), after: wireNumber(result.lossAfter) },
      history: every === 0 ? undefined : result.history.map(wireNumber),
      historyEvery: every > 1 ? every : undefined,
      warnings,
    };
  },
});
