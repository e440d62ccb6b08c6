/**
 * What validate() reads by hand before zod sees a body: the numbers of its tensors, and the items
 * of the long arrays that have a hand-written check (the graph's nodes, fast-nodes.ts).
 *
 * zod takes about 0.1 µs per number, and a batch of 64 MNIST images is 50,000 of them: more than
 * the gradients take to compute. A schema made only of finite numbers and arrays of them (with
 * length bounds) and unions of those says nothing that a loop cannot say exactly, so its check is
 * derived from the schema itself (`numericCheck`), not written a second time. A body whose numeric
 * fields all pass is handed to zod with each of them replaced by the smallest value its schema
 * accepts (`0`, `[0]`, `[[0]]`...), so zod still judges every other field, key and refinement
 * (none of which reads a tensor's numbers). Anything unusual (a prototype other than Object's, a
 * symbol key, a field that fails) leaves the whole body to zod, whose answer is then the answer.
 * test/property/by-hand.property.test.ts checks that both accept and refuse the same bodies.
 */
import type { z } from 'zod';

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def): Def[] => ((def.checks as { _zod: { def: Def } }[] | undefined) ?? []).map(defOf);

/** A numeric schema's exact check, and the smallest value it accepts. */
interface NumericCheck {
  accepts(value: unknown): boolean;
  stub: unknown;
}

/** zod's own number: finite (so within ±Number.MAX_VALUE, the bounds the schemas write). */
export const isFiniteNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);

/** Number checks that every finite number passes: zod's own number refuses NaN and ±Infinity already. */
function boundsOnlyFinite(checks: readonly Def[]): boolean {
  return checks.every(
    (c) =>
      (c.check === 'greater_than' && c.inclusive === true && (c.value as number) <= -Number.MAX_VALUE) ||
      (c.check === 'less_than' && c.inclusive === true && (c.value as number) >= Number.MAX_VALUE),
  );
}

/** An array's length bounds, or undefined for a check this module does not read. */
function lengthBounds(checks: readonly Def[]): { min: number; max: number } | undefined {
  let min = 0,
    max = Number.POSITIVE_INFINITY;
  for (const c of checks) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum as number);
    else if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
    else if (c.check === 'length_equals')
      (min = Math.max(min, c.length as number)), (max = Math.min(max, c.length as number));
    else return undefined;
  }
  return { min, max };
}

const derived = new WeakMap<object, NumericCheck | null>();

/**
 * The exact check of a schema made of numbers, arrays and unions of them, or null for any other
 * schema (cached per schema object).
 */
export function numericCheck(schema: z.ZodType): NumericCheck | null {
  let check = derived.get(schema);
  if (check === undefined) {
    check = derive(defOf(schema));
    derived.set(schema, check);
  }
  return check;
}

function derive(def: Def): NumericCheck | null {
  const checks = checksOf(def);
  switch (def.type) {
    case 'number':
      return !def.coerce && boundsOnlyFinite(checks) ? { accepts: isFiniteNumber, stub: 0 } : null;
    case 'array': {
      const element = numericCheck(def.element as z.ZodType);
      const bounds = lengthBounds(checks);
      if (!element || !bounds || bounds.min > 1 || bounds.max < 1) return null;
      const { min, max } = bounds;
      const each = element.accepts;
      return {
        accepts: (value) => {
          if (!Array.isArray(value) || value.length < min || value.length > max) return false;
          for (let i = 0; i < value.length; i++) if (!each(value[i])) return false;
          return true;
        },
        stub: [element.stub],
      };
    }
    case 'union': {
      if (checks.length) return null;
      const options = (def.options as z.ZodType[]).map(numericCheck);
      if (!options.length || options.some((o) => o === null)) return null;
      const all = options as NumericCheck[];
      return { accepts: (value) => all.some((o) => o.accepts(value)), stub: all[0].stub };
    }
    default:
      return null;
  }
}

/** A plain object whose own keys are all enumerable strings: a spread copy of it is what zod reads of it. */
export function isPlainCopyable(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Reflect.ownKeys(value).every(
    (key) => typeof key === 'string' && Object.prototype.propertyIsEnumerable.call(value, key),
  );
}

/** An array field of an object schema whose items a hand-written check reads faster than zod. */
export interface ItemCheck {
  field: string;
  /** Whether an item certainly matches the field's item schema. */
  isItem: (item: unknown) => boolean;
}

/** The body with its numeric fields stubbed; NOT_SURE when something is left for zod to judge. */
const NOT_SURE = Symbol('not sure');

/** Below this many elements an array is left to zod: stubbing it would save less than the walk costs. */
const WORTH_STUBBING = 16;

/** The elements of a (possibly nested) array as its first entries count them: a guess, enough to pick the long ones. */
function roughSize(data: unknown[]): number {
  let n = 1;
  for (let level: unknown = data; Array.isArray(level) && level.length; level = level[0]) n *= level.length;
  return n;
}

/**
 * `data` with each long numeric field that its schema accepts replaced by its stub, and each item
 * check's array emptied once every item passes; `data` itself when nothing was replaced; NOT_SURE
 * when a field or an item failed its check or the data is unusual.
 */
export function stubbed(
  schema: z.ZodType,
  data: unknown,
  itemChecks: ReadonlyMap<z.ZodType, ItemCheck>,
  depth = 0,
): unknown {
  if (data === null || typeof data !== 'object' || depth > 16) return data;
  const numeric = numericCheck(schema);
  if (numeric) {
    if (!Array.isArray(data) || roughSize(data) < WORTH_STUBBING) return data;
    return numeric.accepts(data) ? numeric.stub : NOT_SURE;
  }
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional': {
      // An item check's array is emptied first, so that the walk does not read its items again.
      const itemCheck = itemChecks.get(schema);
      const checked = itemCheck ? withItemsChecked(data, itemCheck) : data;
      return checked === NOT_SURE ? NOT_SURE : stubbed(def.innerType as z.ZodType, checked, itemChecks, depth + 1);
    }
    case 'object': {
      if (!isPlainCopyable(data) || Object.hasOwn(data, '__proto__')) return NOT_SURE;
      const shape = def.shape as Record<string, z.ZodType>;
      let copy: Record<string, unknown> | undefined;
      for (const key in shape) {
        if (!Object.hasOwn(data, key)) continue;
        const value = stubbed(shape[key], data[key], itemChecks, depth + 1);
        if (value === NOT_SURE) return NOT_SURE;
        if (value !== data[key]) (copy ??= { ...data })[key] = value;
      }
      return copy ?? data;
    }
    case 'record': {
      if (!isPlainCopyable(data) || Object.hasOwn(data, '__proto__')) return NOT_SURE;
      const valueType = def.valueType as z.ZodType;
      let copy: Record<string, unknown> | undefined;
      for (const key in data) {
        const value = stubbed(valueType, data[key], itemChecks, depth + 1);
        if (value === NOT_SURE) return NOT_SURE;
        if (value !== data[key]) (copy ??= { ...data })[key] = value;
      }
      return copy ?? data;
    }
    case 'array': {
      if (!Array.isArray(data)) return data;
      const element = def.element as z.ZodType;
      let copy: unknown[] | undefined;
      for (let i = 0; i < data.length; i++) {
        const value = stubbed(element, data[i], itemChecks, depth + 1);
        if (value === NOT_SURE) return NOT_SURE;
        if (value !== data[i]) (copy ??= data.slice())[i] = value;
      }
      return copy ?? data;
    }
    case 'union': {
      // A discriminated union (a network's layer kinds): the option its discriminator picks, as zod picks it.
      const option = discriminatedOption(def, data);
      return option ? stubbed(option, data, itemChecks, depth + 1) : data;
    }
    default:
      return data;
  }
}

/** The one option of a discriminated union whose discriminator values hold the data's; undefined otherwise. */
function discriminatedOption(def: Def, data: object): z.ZodType | undefined {
  const key = def.discriminator as string | undefined;
  if (key === undefined || !isPlainCopyable(data)) return undefined;
  const value = data[key];
  const matching = (def.options as z.ZodType[]).filter((option) =>
    (option as { _zod: { propValues?: Record<string, Set<unknown>> } })._zod.propValues?.[key]?.has(value),
  );
  return matching.length === 1 ? matching[0] : undefined;
}

/** The object with its item check's array emptied when every item passes; NOT_SURE when one does not. */
function withItemsChecked(data: unknown, { field, isItem }: ItemCheck): unknown {
  if (!isPlainCopyable(data) || !Array.isArray(data[field])) return data;
  const items = data[field] as unknown[];
  for (let i = 0; i < items.length; i++) if (!isItem(items[i])) return NOT_SURE;
  return { ...data, [field]: [] };
}

/** Whether `stubbed` found something it could not vouch for. */
export const notSure = (value: unknown): boolean => value === NOT_SURE;
