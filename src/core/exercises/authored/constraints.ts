/**
 * The constraints that make a variant teachable, each a check of one solved variant. The draw
 * counts which one failed, so that when every draw fails the 422 names the one that failed most.
 */
import { specError } from '../../../engine/errors.js';
import { argOf, opNameOf } from '../../../engine/tape.js';
import { quote, say } from '../../../text.js';
import type { z } from 'zod';
import type { ExerciseConstraints } from '../../../schemas/authored.js';
import { parseKey } from '../../grading/keys.js';
import type { Solved } from '../solve.js';

export type Constraints = z.output<typeof ExerciseConstraints>;
export type ConstraintName = keyof Constraints;

/** Below this a gradient is the rounding of an exact 0 (0.1 + 0.2 − 0.3), which reads as 0 by hand. */
export const ZERO_GRADIENT = 1e-12;

const KINKED = new Set(['relu', 'abs', 'leaky_relu']);
const SATURATING = new Set(['sigmoid', 'tanh']);

/** Every element of the first input of the nodes whose op is in `ops`. */
function inputsOf(s: Solved, ops: ReadonlySet<string>): number[] {
  const out: number[] = [];
  for (let k = 0; k < s.graph.nodeCount; k++) {
    if (ops.has(opNameOf(s.graph, k))) out.push(...s.valueAt(argOf(s.graph, k, 0)).data);
  }
  return out;
}

/** The gradients the nonzeroGradients constraint reads, one array each: d(output)/d(param) for every param, and every asked derivative. */
function gradients(s: Solved, keys: readonly string[]): number[][] {
  const out = s.graph.ids[s.graph.output];
  const asked = keys.filter((key) => parseKey(s.graph, key).kind === 'derivative');
  const params = Array.from(s.graph.params, (slot) => `d${out}/d${s.graph.ids[slot]}`);
  return [...params, ...asked].map((key) => Array.from(s.answer(key).data));
}

const isZero = (g: number) => Math.abs(g) < ZERO_GRADIENT;

/** true: some element of some gradient is 0; 'some': some gradient is 0 in every element (nothing it reaches learns). */
function zeroGradient(s: Solved, rule: true | 'some', keys: readonly string[]): boolean {
  const all = gradients(s, keys);
  return rule === 'some' ? all.some((g) => g.every(isZero)) : all.some((g) => g.some(isZero));
}

/** Some element of a bounded id's value lies outside [min, max]. */
const outOfBounds = (s: Solved, bounds: NonNullable<Constraints['bounds']>): boolean =>
  Object.entries(bounds).some(([id, { min = -Infinity, max = Infinity }]) =>
    s.value(id).data.some((v) => !(v >= min && v <= max)),
  );

/** The first constraint the variant breaks, or undefined. */
export function brokenConstraint(s: Solved, c: Constraints, keys: readonly string[]): ConstraintName | undefined {
  if (c.kinkMargin !== undefined && inputsOf(s, KINKED).some((v) => Math.abs(v) < c.kinkMargin!)) return 'kinkMargin';
  if (c.maxPreactivation !== undefined && inputsOf(s, SATURATING).some((v) => Math.abs(v) > c.maxPreactivation!)) {
    return 'maxPreactivation';
  }
  if (c.bounds !== undefined && outOfBounds(s, c.bounds)) return 'bounds';
  if (c.nonzeroGradients && zeroGradient(s, c.nonzeroGradients, keys)) return 'nonzeroGradients';
  if (c.minLoss !== undefined && !(s.valueAt(s.graph.output).data[0] >= c.minLoss)) return 'minLoss';
  return undefined;
}

/** Every bounded id is an id of the graph: else a 422 at its bound (checked on the first draw, which knows the ids). */
export function checkBoundIds(s: Solved, c: Constraints): void {
  for (const id of Object.keys(c.bounds ?? {})) {
    if (s.graph.ids.includes(id)) continue;
    throw specError(
      'INVALID_SPEC',
      `exercise.constraints.bounds.${id}`,
      say(`the graph has no id '${quote(id)}' to bound`, `o grafo não tem o id '${quote(id)}' para limitar`),
    );
  }
}

/** Constraints that can never hold, refused before any draw. */
export function checkConstraints(c: Constraints): void {
  if (c.kinkMargin !== undefined && c.kinkMargin < 0) {
    throw specError(
      'INVALID_SPEC',
      'exercise.constraints.kinkMargin',
      say('the margin is a distance: 0 or more', 'a margem é uma distância: 0 ou mais'),
    );
  }
  if (c.maxPreactivation !== undefined && !(c.maxPreactivation > 0)) {
    throw specError(
      'INVALID_SPEC',
      'exercise.constraints.maxPreactivation',
      say('the bound on |z| must be above 0', 'o limite de |z| deve ser maior que 0'),
    );
  }
  for (const [id, { min, max }] of Object.entries(c.bounds ?? {})) {
    if (min !== undefined && max !== undefined && min > max) {
      throw specError(
        'INVALID_SPEC',
        `exercise.constraints.bounds.${id}.min`,
        say(`min (${min}) is above max (${max})`, `min (${min}) é maior que max (${max})`),
      );
    }
  }
}
