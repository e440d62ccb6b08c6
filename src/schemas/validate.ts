/**
 * Validation of a request body against its zod schema, for the routes and the library alike.
 * zod only validates: the body is used as it was parsed, because zod rebuilds records into plain
 * objects, where an id such as `__proto__` would be lost. Defaults are therefore applied in the
 * core. A body that does not match is a SpecError with code VALIDATION and one problem per issue,
 * each message in English and Brazilian Portuguese: a body that fails is parsed once more with
 * the Portuguese messages (the parse is deterministic, so the issues pair up one to one).
 */
import type { z } from 'zod';
import { locales, safeParse, util } from 'zod/v4/core';
import { type Locale, type Localized, inEach, plural, quote, say } from '../text.js';
import { MAX_REPORTED_ERRORS } from '../engine/compile.js';
import { type LocalizedFieldError, SpecError } from '../engine/errors.js';
import { nearestNames } from '../engine/suggest.js';
import { type ItemCheck, notSure, stubbed } from './by-hand.js';

/** A zod issue path as users write it: `graph.nodes[2].args[0]`, each key the client wrote quoted (quote). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${quote(String(key))}` : quote(String(key));
  }
  return out;
}

/** The language of the parse under way (parsing is synchronous, so one at a time). */
let parsing: Locale = 'en';

/**
 * A schema's own message in the language of the parse under way: for `addIssue({ message })`
 * in a refinement, or as `error: () => schemaMessage(...)` of a schema or check.
 */
export const schemaMessage = (message: Localized): string => message[parsing];

/** zod's issue as it reaches an error map: the finished issue plus its input. */
type RawIssue = z.core.$ZodRawIssue;

const REQUIRED = say('is required', 'é obrigatório');

/** zod's type names as a student reads them. */
const TYPE_NAMES: Record<string, Localized> = {
  number: say('a number', 'um número'),
  int: say('an integer', 'um número inteiro'),
  string: say('a string', 'um texto'),
  boolean: say('a boolean (true or false)', 'um booleano (true ou false)'),
  array: say('a list', 'uma lista'),
  object: say('an object', 'um objeto'),
  null: say('null', 'null'),
  nan: say('NaN', 'NaN'),
  bigint: say('an integer', 'um número inteiro'),
};
/** A zod type's name; zod's own word for a type without one. */
const typeName = (type: string): Localized => (Object.hasOwn(TYPE_NAMES, type) ? TYPE_NAMES[type] : say(type, type));

/**
 * What the client sent, as a message names it: its type, and a string or a number itself (quoted
 * to QUOTE_LENGTH characters): `a string ("3")`, `um número (2)`, `true`.
 */
function received(input: unknown): Localized {
  if (typeof input === 'boolean') return say(String(input), String(input));
  const type = typeName(util.parsedType(input));
  if (typeof input === 'string') return inEach((l) => `${type[l]} ("${quote(input)}")`);
  if (typeof input === 'number' && Number.isFinite(input)) return inEach((l) => `${type[l]} (${input})`);
  return type;
}

const OR = say(' or ', ' ou ');

/** `expected a number, got a string ("3")`, with the expected types of every branch of a union. */
function expectedGot(expected: readonly string[], input: unknown): Localized {
  const list = (l: Locale) => {
    const names = [...new Set(expected.map((type) => typeName(type)[l]))];
    return names.length > 1 ? `${names.slice(0, -1).join(', ')}${OR[l]}${names.at(-1)}` : names[0];
  };
  const got = received(input);
  return say(`expected ${list('en')}, got ${got.en}`, `esperava ${list('pt-BR')}, recebeu ${got['pt-BR']}`);
}

/** The types the branches of a union expected where none matched the input's type (empty if one did). */
function unionExpected(issue: { errors?: readonly (readonly z.core.$ZodIssue[])[] }): string[] {
  const expected: string[] = [];
  for (const branch of issue.errors ?? []) {
    const top = branch.find((i) => i.path.length === 0 && i.code === 'invalid_type');
    if (top?.code !== 'invalid_type') return [];
    expected.push(top.expected);
  }
  return expected;
}

/** Bounds in Portuguese: `deve ser maior que 0`, `deve ter pelo menos 1 elemento`. */
function boundPt(
  issue: { origin?: string; inclusive?: boolean; exact?: boolean },
  bound: number | bigint,
  small: boolean,
): string {
  const sized =
    issue.origin === 'array' || issue.origin === 'set'
      ? ['elemento', 'elementos']
      : issue.origin === 'string'
        ? ['caractere', 'caracteres']
        : undefined;
  if (sized) {
    const amount = issue.exact ? 'exatamente' : small ? 'pelo menos' : 'no máximo';
    return `deve ter ${amount} ${plural(bound, sized[0], sized[1])}`;
  }
  if (issue.exact) return `deve ser igual a ${bound}`;
  const than = small ? 'maior' : 'menor';
  return issue.inclusive ? `deve ser ${than} ou igual a ${bound}` : `deve ser ${than} que ${bound}`;
}

/**
 * zod's issues in Brazilian Portuguese. zod ships `pt` (European: "Demasiado grande", "ficheiro")
 * and `ptBR`, whose "Entrada inválida" reads as a graph input in this service, and whose bounds
 * read "tivesse >= 1 elementos": these are written here for the issues our schemas raise, and the
 * rest falls back to zod's ptBR.
 */
const zodPtBR = locales.ptBR().localeError;

function messagePt(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return expectedGot([issue.expected], issue.input)['pt-BR'];
    case 'invalid_value':
      return issue.values.length === 1
        ? `Valor inválido: esperava ${util.stringifyPrimitive(issue.values[0])}`
        : `Opção inválida: esperava uma destas: ${util.joinValues(issue.values, '|')}`;
    case 'too_small':
      return `Pequeno demais: ${boundPt(issue, issue.minimum, true)}`;
    case 'too_big':
      return `Grande demais: ${boundPt(issue, issue.maximum, false)}`;
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (options?.length)
        return `Valor inválido para o discriminador: esperava ${options.map((o) => `'${String(o)}'`).join(' | ')}`;
      const expected = unionExpected(issue);
      if (expected.length) return expectedGot(expected, issue.input)['pt-BR'];
      return issue.inclusive === false
        ? 'Valor inválido: corresponde a mais de uma das formas aceitas'
        : 'Valor inválido: não tem nenhuma das formas aceitas';
    }
    case 'custom':
      return 'Valor inválido';
    default: {
      const message = zodPtBR(issue);
      return typeof message === 'string' ? message : message?.message;
    }
  }
}

/** zod's English, except where it does not say what was expected and what came. */
function messageEn(issue: RawIssue): string | undefined {
  if (issue.code === 'invalid_type') return expectedGot([issue.expected], issue.input).en;
  if (issue.code === 'invalid_union' && !(issue as { options?: readonly unknown[] }).options?.length) {
    const expected = unionExpected(issue);
    if (expected.length) return expectedGot(expected, issue.input).en;
  }
  return undefined;
}

/** The fields of each strict object that had unknown ones, during the parse under way: what "did you mean" picks from. */
let knownFields = new Map<object, readonly string[]>();

/** The error map, in the language of the parse under way: required fields and keys, then Portuguese or zod's English. */
function errorMap(issue: RawIssue): string | undefined {
  if (issue.input === undefined) return REQUIRED[parsing];
  if (issue.code === 'unrecognized_keys' && issue.input !== null && typeof issue.input === 'object') {
    const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
    if (shape) knownFields.set(issue.input, Object.keys(shape));
  }
  if (issue.code === 'invalid_key') {
    const reason = issue.issues[0]?.message;
    const key = quote(String(issue.input));
    const why = reason ? `: ${reason}` : '';
    return say(`invalid key '${key}'${why}`, `chave inválida '${key}'${why}`)[parsing];
  }
  // zod writes the English itself where messageEn leaves it (undefined); the Portuguese is all ours.
  return parsing === 'en' ? messageEn(issue) : messagePt(issue);
}

/** The issues of `data` in one language (none when it matches). */
function issuesIn<T>(locale: Locale, schema: z.ZodType<T>, data: unknown): readonly z.core.$ZodIssue[] {
  parsing = locale;
  try {
    const result = safeParse(schema, data, { error: errorMap });
    // zod writes the messages when `error` is first read: here, while `parsing` holds the language.
    return result.success ? [] : result.error.issues;
  } finally {
    parsing = 'en';
  }
}

/** Our own message for unknown fields, which names them as the user wrote them (quoted, and the list too). */
function unknownFields(keys: readonly string[]): Localized {
  const list = quote(keys.map((k) => `'${quote(k)}'`).join(', '));
  return keys.length > 1
    ? say(`unknown fields ${list}`, `campos desconhecidos ${list}`)
    : say(`unknown field ${list}`, `campo desconhecido ${list}`);
}

/**
 * "Did you mean": for unknown fields, the nearest field of their object that the body did not
 * give (`activaton` -> activation), each unknown key paired with its own; for a string outside an
 * enum, its nearest values (`sigmod` -> sigmoid). Empty when nothing is near.
 */
function suggestionsFor(
  issue: z.core.$ZodIssue,
  sent: unknown,
  keys: readonly string[] | undefined,
): { names: string[]; message?: Localized } {
  if (keys && sent !== null && typeof sent === 'object') {
    const free = (knownFields.get(sent) ?? []).filter((field) => !Object.hasOwn(sent, field));
    const pairs = keys
      .map((key) => [key, nearestNames(key, free)[0]] as const)
      .filter(([, near]) => near !== undefined);
    if (!pairs.length) return { names: [] };
    const names = pairs.map(([, near]) => near);
    if (keys.length === 1)
      return { names, message: say(`did you mean '${names[0]}'?`, `você quis dizer '${names[0]}'?`) };
    const list = (word: string) => quote(pairs.map(([key, near]) => `'${near}' ${word} '${quote(key)}'`).join(', '));
    return { names, message: say(`did you mean ${list('for')}?`, `você quis dizer ${list('em vez de')}?`) };
  }
  if (issue.code === 'invalid_value' && typeof sent === 'string') {
    const values = issue.values.filter((v): v is string => typeof v === 'string');
    const names = nearestNames(sent, values);
    if (!names.length) return { names };
    const list = names.map((n) => `'${n}'`).join(', ');
    return { names, message: say(`did you mean ${list}?`, `você quis dizer ${list}?`) };
  }
  return { names: [] };
}

/**
 * A union none of whose branches the value matched names, in zod, no field inside it. When some
 * branches did match the value's type (a list, say, with one bad element), the issues of the one
 * that came closest (fewest issues) are what the client needs, at their own paths: `x[1]: expected
 * a number, got a string ("a")` rather than `x: invalid input`. Deterministic, so both languages
 * flatten alike and still pair up one to one.
 */
function flattenUnions(issues: readonly z.core.$ZodIssue[], depth = 0): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (
      issue.code !== 'invalid_union' ||
      depth > SCHEMA_DEPTH ||
      (issue as { options?: readonly unknown[] }).options?.length
    )
      return [issue];
    const typed = issue.errors.filter(
      (branch) => branch.length && !branch.some((i) => i.path.length === 0 && i.code === 'invalid_type'),
    );
    if (!typed.length) return [issue];
    const closest = typed.reduce((best, branch) => (closer(branch, best) ? branch : best));
    return flattenUnions(
      closest.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
      depth + 1,
    );
  });
}

/**
 * Whether a union's branch came closer to the value than another: fewer issues; on a tie, the one
 * that failed deeper inside it (`x[0][1]: expected a number` for `[[1, "a"]]` rather than `x[0]:
 * expected a number, got a list`, where a vector and a matrix both have one issue), then the one
 * with fewer wrong types (a matrix's empty row is too small, not the wrong type).
 */
function closer(branch: readonly z.core.$ZodIssue[], best: readonly z.core.$ZodIssue[]): boolean {
  if (branch.length !== best.length) return branch.length < best.length;
  const a = shallowest(branch),
    b = shallowest(best);
  return a.depth !== b.depth ? a.depth > b.depth : a.wrongTypes < b.wrongTypes;
}

/** The depth of a branch's shallowest issue, and how many of its issues are wrong types (a loop: there may be many). */
function shallowest(issues: readonly z.core.$ZodIssue[]): { depth: number; wrongTypes: number } {
  let depth = Infinity,
    wrongTypes = 0;
  for (const issue of issues) {
    depth = Math.min(depth, issue.path.length);
    if (issue.code === 'invalid_type') wrongTypes++;
  }
  return { depth, wrongTypes };
}

/** The value at a path of the body as it was checked (undefined where the path leaves it). */
function valueAt(checked: unknown, path: readonly PropertyKey[]): unknown {
  let node = checked;
  for (const key of path)
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}

const PROTO = '__proto__';

/**
 * No request schema reaches deeper than a few levels (a body, a graph, its inputs, a matrix's
 * rows): a `__proto__` key further down sits in a value that zod refuses for its shape anyway, so
 * the walk below stops there, and a body nested a million levels deep does not overflow the stack.
 */
const SCHEMA_DEPTH = 16;

/**
 * zod does not read a record's `__proto__` key (it builds its output by assignment, where that key
 * would set the prototype), so the value of an id named `__proto__` would go unchecked, and
 * `"answers": {"__proto__": 1}` would count no answer. A body with such keys is checked as a copy
 * in which each is renamed to a key of its object that zod reads (`__proto___`, with more `_` if
 * taken); `shadows` maps each renamed object to its new key, so that the issues name it as sent.
 * A body without one is checked as it is (the walk copies nothing).
 */
function renameProtoKeys(data: unknown, shadows: Map<object, string>, depth = 0): unknown {
  if (data === null || typeof data !== 'object' || depth > SCHEMA_DEPTH) return data;
  if (Array.isArray(data)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < data.length; i++) {
      const item: unknown = data[i];
      if (item === null || typeof item !== 'object') continue;
      const renamed = renameProtoKeys(item, shadows, depth + 1);
      if (renamed !== item) (copy ??= data.slice())[i] = renamed;
    }
    return copy ?? data;
  }
  const object = data as Record<string, unknown>;
  const keys = Object.keys(object);
  const hasProto = Object.hasOwn(object, PROTO);
  // The values are copied only once one of them changes: a body without the key allocates nothing.
  let values: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const value = object[keys[i]];
    const renamed = renameProtoKeys(value, shadows, depth + 1);
    if (renamed !== value) (values ??= keys.map((key) => object[key]))[i] = renamed;
  }
  if (!hasProto && !values) return data;
  let shadow = `${PROTO}_`;
  while (Object.hasOwn(object, shadow)) shadow += '_';
  const copy: Record<string, unknown> = {};
  keys.forEach((key, i) => {
    copy[key === PROTO ? shadow : key] = values ? values[i] : object[key];
  });
  if (hasProto) shadows.set(copy, shadow);
  return copy;
}

/** An issue's path and unknown keys as the body sent them: renamed `__proto__` keys named back. */
function asSent(
  issue: z.core.$ZodIssue,
  checked: unknown,
  shadows: Map<object, string>,
): { path: PropertyKey[]; keys?: string[] } {
  let node: unknown = checked;
  const back = (key: PropertyKey): PropertyKey =>
    node !== null && typeof node === 'object' && shadows.get(node) === key ? PROTO : key;
  const path = issue.path.map((key) => {
    const sent = back(key);
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    return sent;
  });
  return { path, ...(issue.code === 'unrecognized_keys' && { keys: issue.keys.map((key) => String(back(key))) }) };
}

/** By schema as a body's field holds it (the graph spec, optional): the arrays that may be long. */
const itemChecks = new Map<z.ZodType, ItemCheck>();

/**
 * Lets validate() check the items of `field` of a body's `schema` member by hand (spec.ts: the
 * graph's nodes). Only for an array that nothing else in the schema reads: zod judges the body
 * with the array emptied, and the items one by one are the check's.
 */
export function checkItemsByHand(schema: z.ZodType, field: string, isItem: (item: unknown) => boolean): void {
  itemChecks.set(schema, { field, isItem });
}

/**
 * Whether the body certainly matches, found without zod reading every number of its tensors and
 * every item of its long arrays (by-hand.ts): each passes its check by hand, and zod accepts the
 * body with those replaced by stubs. False means "not known": zod then judges the whole body.
 */
function matchesByHand(schema: z.ZodType, data: unknown): boolean {
  const stub = stubbed(schema, data, itemChecks);
  if (stub === data || notSure(stub)) return false;
  knownFields = new Map();
  try {
    return issuesIn('en', schema, renameProtoKeys(stub, new Map())).length === 0;
  } finally {
    knownFields = new Map();
  }
}

/** The code of a body that does not match its schema: the schemas' own, besides the engine's. */
export type ValidationErrorCode = 'VALIDATION';

type Validated<T> = { value: T } | { error: SpecError<ValidationErrorCode> };

/**
 * The body itself when it matches the schema; otherwise a SpecError naming every field that does
 * not. Long arrays with a hand-written check are read by it; zod judges all the rest, and the
 * whole body whenever the check is not sure, so the answer is zod's (validateWithZod's).
 */
export function validate<T>(schema: z.ZodType<T>, data: unknown): Validated<T> {
  return matchesByHand(schema, data) ? { value: data as T } : validateWithZod(schema, data);
}

/** validate() with zod reading every item: what the hand-written checks must agree with. */
export function validateWithZod<T>(schema: z.ZodType<T>, data: unknown): Validated<T> {
  const shadows = new Map<object, string>();
  const checked = renameProtoKeys(data, shadows);
  knownFields = new Map();
  try {
    const en = flattenUnions(issuesIn('en', schema, checked));
    if (!en.length) return { value: data as T };
    const ptIssues = flattenUnions(issuesIn('pt-BR', schema, checked));
    let suggestions: string[] | undefined;
    // The first ones only: a body of 60,000 bad keys would otherwise answer a document of megabytes.
    const problems: LocalizedFieldError[] = en.slice(0, MAX_REPORTED_ERRORS).map((issue, i) => {
      const sent = shadows.size
        ? asSent(issue, checked, shadows)
        : { path: issue.path, keys: issue.code === 'unrecognized_keys' ? issue.keys : undefined };
      const message = sent.keys ? unknownFields(sent.keys) : say(issue.message, ptIssues[i]?.message ?? issue.message);
      const near = suggestionsFor(issue, valueAt(checked, issue.path), sent.keys);
      if (near.names.length) suggestions ??= near.names;
      const hint = near.message;
      return { path: formatPath(sent.path), message: hint ? inEach((l) => `${message[l]}; ${hint[l]}`) : message };
    });
    // As UNKNOWN_OP does: the nearest names, here those of the first error that has any.
    return { error: new SpecError<ValidationErrorCode>('VALIDATION', problems, suggestions ? { suggestions } : {}) };
  } finally {
    knownFields = new Map();
  }
}
