/**
 * The graph spec's node, checked by hand: the rules of the `Node` schema (spec.ts) written out for
 * speed, since zod takes about a microsecond per node and a graph may have a million. It only says
 * whether a node certainly matches: validate() lets zod judge the body whenever a node does not,
 * so that errors are zod's own, paths and messages alike (test/property/fast-nodes.property.test.ts
 * checks that both accept and refuse the same bodies).
 */
import { ID_PATTERN, MAX_ID_LENGTH, MAX_OP_NAME_LENGTH } from '../engine/compile.js';
import { isFiniteNumber } from './by-hand.js';

const isId = (value: unknown): boolean =>
  typeof value === 'string' && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value);

/**
 * `attrs`: a plain object whose own keys are enumerable strings of at most MAX_OP_NAME_LENGTH
 * characters, each a finite number. A `__proto__` key, a symbol or anything unusual is left to zod.
 */
function isAttrs(attrs: unknown): boolean {
  if (attrs === undefined) return true;
  if (attrs === null || typeof attrs !== 'object' || Object.getPrototypeOf(attrs) !== Object.prototype) return false;
  for (const key of Reflect.ownKeys(attrs)) {
    if (typeof key !== 'string' || key === '__proto__' || key.length > MAX_OP_NAME_LENGTH) return false;
    if (!Object.prototype.propertyIsEnumerable.call(attrs, key)) return false;
    if (!isFiniteNumber((attrs as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** Whether zod's `Node` accepts `node`: a strict object of an id, an op, args (ids or numbers) and optional attrs. */
export function isNode(node: unknown): boolean {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  // The strict object's unknown keys, as zod finds them (`for...in`, which also yields a `__proto__` key).
  for (const key in node) if (key !== 'id' && key !== 'op' && key !== 'args' && key !== 'attrs') return false;
  const { id, op, args, attrs } = node as Record<string, unknown>;
  if (!isId(id) || typeof op !== 'string' || op.length < 1 || op.length > MAX_OP_NAME_LENGTH) return false;
  if (!Array.isArray(args)) return false;
  for (let i = 0; i < args.length; i++) {
    const arg: unknown = args[i];
    if (typeof arg === 'number' ? !isFiniteNumber(arg) : !isId(arg)) return false;
  }
  return isAttrs(attrs);
}
