/** POST /v1/explain: the forward and backward passes step by step, as the tutorial teaches them. */
import { type ExplainOptions, explain } from '../core/explain/index.js';
import { type ExplanationSize, explanationSize } from '../core/explain/size.js';
import { GRADCHECK_DEFAULTS } from '../core/defaults.js';
import { type Locale, say } from '../text.js';
import { assertScalarOutput, backward, forward } from '../engine/evaluate.js';
import { checkResponseBytes, checkResponseSize, checkWork, specPath, tooLarge } from '../engine/limits.js';
import { type Tape, reportOrder, sizeOfSlot } from '../engine/tape.js';
import { compileSpec } from '../specs/index.js';
import { ExplainBody, ExplainResponse } from '../schemas/explain.js';
import { operation } from './operation.js';
import { ENVELOPE_BYTES, nonFiniteWarning, targetBroadcastWarnings, warningBytes } from './report.js';
import { problemResponses } from '../schemas/problem-details.js';

/**
 * An explanation is for reading: graphs beyond these sizes are refused (413) rather than written
 * out. Nodes: each is a line or more. Elements: every number of every tensor, each written in
 * the text, the LaTeX and the Markdown.
 */
export const EXPLAIN_LIMITS = { maxNodes: 300, maxElements: 5_000 } as const;

export interface ExplainJob {
  tape: Tape;
  locale: Locale;
  options: ExplainOptions;
  /** Forward and backward passes the explanation makes. */
  passes: number;
  /** What it writes (src/core/explain/size.ts). */
  size: ExplanationSize;
  /** Bytes of the response, at most: the explanation, its warnings, the envelope. */
  responseBytes: number;
}

export const ASK_FOR_A_SHORTER_EXPLANATION = say(
  'send a smaller graph, with shorter statements and ids, or leave out `gradcheck`',
  'envie um grafo menor, com instruções e ids mais curtos, ou deixe de fora `gradcheck`',
);

/**
 * Element operations an explanation costs besides its passes, in the unit of the offload
 * threshold (src/http/compute.ts, about 300 a microsecond): per byte it writes (about 9 ns), and
 * per chain edge it walks (about 270 ns: a local derivative looked up, multiplied and written, a
 * few times each), rounded up. Measured with bench/explain-cost.ts's sums and with long products.
 */
export const EXPLAIN_WORK = { perByte: 4, perChainEdge: 100 } as const;

const paramElements = (tape: Tape): number => Array.from(tape.params).reduce((n, s) => n + sizeOfSlot(tape, s), 0);

export const explainOperation = operation({
  path: '/v1/explain',
  body: ExplainBody,
  response: ExplainResponse,
  errors: problemResponses,
  largeBodies: true,
  askForLess: ASK_FOR_A_SHORTER_EXPLANATION,
  docs: {
    tags: ['teaching'],
    summary:
      'Step-by-step explanation: the forward pass, the local derivatives and the chain rule, with the numbers put in',
    description: `The forward pass and then the backward pass as the tutorial teaches them, one step per line: each node's formula in the student's own notation (\`z = u + b\`, \`y_hat = σ(z)\`, \`L = ½(y_hat − y)²\`) with the numbers put in and the result; each local derivative; then each gradient as the gradient arriving from above times the local derivative (\`dL/dz = dL/dy_hat · dy_hat/dz = 0.450166 · 0.247517 = 0.111424\`), summed over the nodes that use the id. Networks are explained layer by layer (\`dL/dz = dL/da ⊙ f'(z)\`, \`dL/dW = (dL/dz)ᵀ a_prev\`, \`dL/db = Σ dL/dz\`, \`dL/da_prev = dL/dz W\`). With \`learningRate\`, one SGD step on every param; with \`gradcheck\` or \`epsilon\`, the finite-difference check. Every step comes as text and as LaTeX with its exact numbers in its own fields (the text rounds them to 6 significant figures), and the whole as Markdown, in English or Brazilian Portuguese (Accept-Language). Explanations are for reading: graphs over ${EXPLAIN_LIMITS.maxNodes} nodes or ${EXPLAIN_LIMITS.maxElements} numbers are refused with 413.`,
    responseDocs: {
      200: {
        description:
          'The `steps` in order (forward, local, backward, then update and gradcheck when asked for), each with its `key` (as POST /v1/grade names the answer), its formula, its line as `text` and `latex` (numbers rounded), and its exact `value`; backward steps list each `incoming` gradient and local derivative. `markdown` is the whole explanation, ready to show.',
      },
      413: {
        description: `Too large to explain: more than ${EXPLAIN_LIMITS.maxNodes} nodes (EXPLAIN_LIMITS.maxNodes) or ${EXPLAIN_LIMITS.maxElements} numbers in the graph's tensors (EXPLAIN_LIMITS.maxElements), or over a limit of every route (a body over BODY_LIMIT_BYTES, work, numbers in the response); a computation stopped after COMPUTE_BUDGET_MS. The detail names the limit.`,
      },
    },
  },
  prepare(body, { limits, locale }): ExplainJob {
    const tape = compileSpec(body, limits);
    assertScalarOutput(tape);
    const path = specPath(tape.outputPath);
    if (tape.nodeCount > EXPLAIN_LIMITS.maxNodes) {
      throw tooLarge(
        path,
        say(
          `${tape.nodeCount} nodes is more than an explanation writes out, at most ${EXPLAIN_LIMITS.maxNodes} (EXPLAIN_LIMITS.maxNodes): explain a smaller graph, or use /v1/gradients for the numbers alone`,
          `${tape.nodeCount} nós é mais do que uma explicação escreve, no máximo ${EXPLAIN_LIMITS.maxNodes} (EXPLAIN_LIMITS.maxNodes): explique um grafo menor, ou use /v1/gradients só para os números`,
        ),
      );
    }
    const elements = tape.initial.length;
    if (elements > EXPLAIN_LIMITS.maxElements) {
      throw tooLarge(
        path,
        say(
          `the graph's tensors hold ${elements} numbers together, more than an explanation writes out, at most ${EXPLAIN_LIMITS.maxElements} (EXPLAIN_LIMITS.maxElements): explain smaller tensors, or use /v1/gradients for the numbers alone`,
          `os tensores do grafo somam ${elements} números, mais do que uma explicação escreve, no máximo ${EXPLAIN_LIMITS.maxElements} (EXPLAIN_LIMITS.maxElements): explique tensores menores, ou use /v1/gradients só para os números`,
        ),
      );
    }
    const checked = body.gradcheck || body.epsilon !== undefined;
    const options: ExplainOptions = {
      learningRate: body.learningRate,
      gradcheck: checked ? { epsilon: body.epsilon ?? GRADCHECK_DEFAULTS.epsilon } : undefined,
    };
    // Forward and backward; SGD's step and the loss after; two forward passes per checked element and one of each more.
    const passes = 2 + (body.learningRate === undefined ? 0 : 3) + (checked ? 2 * paramElements(tape) + 2 : 0) + 2;
    checkWork(tape, passes, limits, ASK_FOR_A_SHORTER_EXPLANATION);
    // Each number appears in a handful of structured fields (value, gradient, contributions, before/after).
    checkResponseSize(
      tape,
      8 * elements + (checked ? 8 * paramElements(tape) : 0),
      limits,
      ASK_FOR_A_SHORTER_EXPLANATION,
    );
    const size = explanationSize(tape, locale, { learningRate: body.learningRate, gradcheck: checked });
    // Besides the explanation, warnings: non-finite values and gradients, a target broadcast per loss.
    const responseBytes = ENVELOPE_BYTES + size.bytes + warningBytes(tape, reportOrder(tape), 2);
    checkResponseBytes(tape, responseBytes, limits, ASK_FOR_A_SHORTER_EXPLANATION);
    return { tape, locale, options, passes, size, responseBytes };
  },
  work: ({ tape, passes, size }) =>
    passes * tape.passWork + EXPLAIN_WORK.perByte * size.bytes + EXPLAIN_WORK.perChainEdge * size.chainEdges,
  run({ tape, locale, options }) {
    const explanation = explain(tape, locale, options);
    const values = forward(tape);
    const grads = backward(tape, values);
    const slots = reportOrder(tape);
    return {
      ...explanation,
      warnings: [
        ...targetBroadcastWarnings(tape, locale),
        ...nonFiniteWarning(tape, values, slots, 'non_finite_values', locale),
        ...nonFiniteWarning(tape, grads, slots, 'non_finite_gradients', locale),
      ],
    };
  },
});
