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
import { type Locale, type Localized, quote, say } from '../core/locale.js';
import { MAX_REPORTED_ERRORS } from '../engine/compile.js';
import { type LocalizedProblem, SpecError } from '../engine/errors.js';

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

/** zod's type names as a Brazilian student reads them. */
const TYPE_NAMES_PT: Record<string, string> = {
  number: 'um número',
  int: 'um número inteiro',
  string: 'um texto',
  boolean: 'um booleano (true ou false)',
  array: 'uma lista',
  object: 'um objeto',
  null: 'null',
  nan: 'NaN',
  bigint: 'um número inteiro',
};
const typePt = (type: string): string => TYPE_NAMES_PT[type] ?? type;

const plural = (n: number | bigint, one: string, many: string): string => `${n} ${Number(n) === 1 ? one : many}`;

/** Bounds in Portuguese: `deve ser maior que 0`, `deve ter pelo menos 1 elemento`. */
function boundPt(issue: { origin?: string; inclusive?: boolean; exact?: boolean }, bound: number | bigint, small: boolean): string {
  const sized = issue.origin === 'array' || issue.origin === 'set' ? ['elemento', 'elementos'] : issue.origin === 'string' ? ['caractere', 'caracteres'] : undefined;
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
      return `Valor inválido: esperava ${typePt(issue.expected)}, recebeu ${typePt(util.parsedType(issue.input))}`;
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
      if (options?.length) return `Valor inválido para o discriminador: esperava ${options.map((o) => `'${String(o)}'`).join(' | ')}`;
      return issue.inclusive === false ? 'Valor inválido: corresponde a mais de uma das formas aceitas' : 'Valor inválido: não tem nenhuma das formas aceitas';
    }
    case 'custom':
      return 'Valor inválido';
    default: {
      const message = zodPtBR(issue);
      return typeof message === 'string' ? message : message?.message;
    }
  }
}

/** The error map of one language: required fields and keys, then Portuguese or zod's English. */
const errorMap =
  (locale: Locale) =>
  (issue: RawIssue): string | undefined => {
    if (issue.input === undefined) return REQUIRED[locale];
    if (issue.code === 'invalid_key') {
      const reason = issue.issues[0]?.message;
      const key = quote(String(issue.input));
      return locale === 'en' ? `invalid key '${key}'${reason ? `: ${reason}` : ''}` : `chave inválida '${key}'${reason ? `: ${reason}` : ''}`;
    }
    return locale === 'en' ? undefined : messagePt(issue);
  };

const ERROR_MAPS: Record<Locale, ReturnType<typeof errorMap>> = { en: errorMap('en'), 'pt-BR': errorMap('pt-BR') };

/** The issues of `data` in one language (none when it matches). */
function issuesIn<T>(locale: Locale, schema: z.ZodType<T>, data: unknown): readonly z.core.$ZodIssue[] {
  parsing = locale;
  try {
    const result = safeParse(schema, data, { error: ERROR_MAPS[locale] });
    // zod writes the messages when `error` is first read: here, while `parsing` holds the language.
    return result.success ? [] : result.error.issues;
  } finally {
    parsing = 'en';
  }
}

/** Our own message for unknown fields, which names them as the user wrote them (quoted, and the list too). */
function unknownFields(keys: readonly string[]): Localized {
  const list = quote(keys.map((k) => `'${quote(k)}'`).join(', '));
  return keys.length > 1 ? say(`unknown fields ${list}`, `campos desconhecidos ${list}`) : say(`unknown field ${list}`, `campo desconhecido ${list}`);
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
function asSent(issue: z.core.$ZodIssue, checked: unknown, shadows: Map<object, string>): { path: PropertyKey[]; keys?: string[] } {
  let node: unknown = checked;
  const back = (key: PropertyKey): PropertyKey => (node !== null && typeof node === 'object' && shadows.get(node) === key ? PROTO : key);
  const path = issue.path.map((key) => {
    const sent = back(key);
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    return sent;
  });
  return { path, ...(issue.code === 'unrecognized_keys' && { keys: issue.keys.map((key) => String(back(key))) }) };
}

/** The body itself when it matches the schema; otherwise a SpecError naming every field that does not. */
export function validate<T>(schema: z.ZodType<T>, data: unknown): { value: T } | { error: SpecError } {
  const shadows = new Map<object, string>();
  const checked = renameProtoKeys(data, shadows);
  const en = issuesIn('en', schema, checked);
  if (!en.length) return { value: data as T };
  const ptIssues = issuesIn('pt-BR', schema, checked);
  // The first ones only: a body of 60,000 bad keys would otherwise answer a document of megabytes.
  const problems: LocalizedProblem[] = en.slice(0, MAX_REPORTED_ERRORS).map((issue, i) => {
    const sent = shadows.size ? asSent(issue, checked, shadows) : { path: issue.path, keys: issue.code === 'unrecognized_keys' ? issue.keys : undefined };
    return {
      path: formatPath(sent.path),
      message: sent.keys ? unknownFields(sent.keys) : say(issue.message, ptIssues[i]?.message ?? issue.message),
    };
  });
  return { error: new SpecError('VALIDATION', problems) };
}
