/**
 * What an explanation is made of: ordered steps, each a formula in the student's notation with
 * the numbers put in, as text and as LaTeX, and its exact numbers in fields of its own. The text
 * and LaTeX round numbers for reading; `value` and the other numeric fields do not.
 */
import type { z } from 'zod';
import type { ExplainResponse, ExplainStep } from '../../schemas/explain.js';

/** One step, as the response writes it (the ExplainStep schema); its kinds by `phase`. */
export type Step = z.output<typeof ExplainStep>;
export type Phase = Step['phase'];

/** The schema's phases in the order an explanation goes through them. */
export const phases = ['forward', 'local', 'backward', 'update', 'gradcheck'] as const satisfies readonly Phase[];
/** A phase the schema has and the list above lacks does not compile: `never` takes no phase. */
type Unlisted = Exclude<Phase, (typeof phases)[number]>;
const everyPhaseListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyPhaseListed;
export type ForwardStep = Extract<Step, { phase: 'forward' }>;
export type LocalStep = Extract<Step, { phase: 'local' }>;
export type BackwardStep = Extract<Step, { phase: 'backward' }>;
export type UpdateStep = Extract<Step, { phase: 'update' }>;
export type GradcheckStep = Extract<Step, { phase: 'gradcheck' }>;

/** One node's part of a gradient: what arrives from above (dL/dfrom) times the local derivative (dfrom/did). */
export type Incoming = BackwardStep['incoming'][number];

/** An explanation as computed: the response but for its warnings, which the operation adds. */
export type Explanation = Omit<z.output<typeof ExplainResponse>, 'warnings'>;

/** A leaf as given. */
export type Given = Explanation['given'][number];
