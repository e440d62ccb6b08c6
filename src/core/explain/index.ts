/**
 * Explanations: the forward pass and then the backward pass of any spec as ordered steps,
 * as the tutorial teaches them (forward values, local derivatives, the chain rule with the
 * numbers put in), optionally an update step and a finite-difference check, each step in the
 * student's notation as text and LaTeX, and the whole as Markdown, in English or Portuguese.
 */
import { INPUT, type Tape, shapeOf, view } from '../../engine/tape.js';
import type { Locale } from '../../text.js';
import { named } from '../notation/written.js';
import { backwardSteps } from './backward.js';
import { contextOf, wire } from './context.js';
import { forwardSteps } from './forward.js';
import { gradcheckSteps } from './gradcheck.js';
import { localSteps } from './local.js';
import { type MarkdownOptions, markdownOf } from './markdown.js';
import type { Explanation, Given, Step } from './steps.js';
import { updateSteps } from './update.js';

export type { Explanation } from './steps.js';
export type { MarkdownOptions } from './markdown.js';

export interface ExplainOptions {
  /** One SGD step with this learning rate after the backward pass. */
  learningRate?: number;
  /** The params whose update is shown; all of them by default. */
  update?: readonly string[];
  /** A finite-difference check of the params (or of the leaves of `wrt`) after the update. */
  gradcheck?: { epsilon: number; wrt?: readonly string[] };
  markdown?: MarkdownOptions;
}

/** The explanation of a tape whose output is a scalar (the caller checks it). */
export function explain(tape: Tape, locale: Locale, options: ExplainOptions = {}): Explanation {
  const c = contextOf(tape, locale);
  const steps: Step[] = [...forwardSteps(c), ...localSteps(c), ...backwardSteps(c)];
  if (options.learningRate !== undefined) steps.push(...updateSteps(c, options.learningRate, options.update));
  if (options.gradcheck) steps.push(...gradcheckSteps(c, options.gradcheck.epsilon, options.gradcheck.wrt));
  const leaves = Array.from({ length: tape.leafCount }, (_, s) => s);
  const given: Given[] = leaves.map((s) => ({
    id: tape.ids[s]!,
    kind: tape.kind[s] === INPUT ? 'input' : 'param',
    value: wire(tape, tape.initial, s),
  }));
  const givenText = leaves.map(
    (s) => `${named(tape.ids[s]!).text} = ${c.notation.array(view(tape, tape.initial, s).data, shapeOf(tape, s)).text}`,
  );
  return { output: c.output, locale, given, steps, markdown: markdownOf(c, givenText, steps, options.markdown) };
}
