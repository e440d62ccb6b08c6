/**
 * Bilingual text, at the bottom of every layer: the two languages, one text in each (`say`), counts,
 * quoting of client text and the choice of language from Accept-Language. Imports nothing.
 */

/** The two languages the service speaks: English and Brazilian Portuguese, the tutorial's own. */
export const locales = ['en', 'pt-BR'] as const;
export type Locale = (typeof locales)[number];

/** One text in each language. */
export type Localized = Record<Locale, string>;

/**
 * One text written in both languages side by side, where it is raised; the language is chosen
 * where the answer is written (the HTTP error handler reads Accept-Language):
 * `specError('UNKNOWN_ID', path, say(`unknown id '${id}'`, `id desconhecido '${id}'`))`.
 */
export const say = (en: string, pt: string): Localized => ({ en, 'pt-BR': pt });

/** A text built the same way in each language from localized parts: `inEach((l) => `${a[l]}: ${b[l]}`)`. */
export const inEach = (write: (locale: Locale) => string): Localized => ({ en: write('en'), 'pt-BR': write('pt-BR') });

/**
 * A count and its noun, singular for exactly 1 (both languages use the singular for 1 only):
 * `plural(n, 'element', 'elements')` -> `1 element`, `3 elements`; `plural(0, 'nó', 'nós')` -> `0 nós`.
 */
export const plural = (n: number | bigint, one: string, many: string): string => `${n} ${Number(n) === 1 ? one : many}`;

/** `pt-BR,pt;q=0.9,en;q=0.8` -> the supported language with the highest weight; English by default. */
export function localeFrom(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)).find(Boolean);
      return { tag, q: q ? Number(q[1]) : 1 };
    })
    .filter((l) => l.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('pt')) return 'pt-BR';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The most characters of client text a message quotes. */
export const QUOTE_LENGTH = 100;

/**
 * Client text as a message quotes it: whole up to QUOTE_LENGTH characters, otherwise its start
 * and an ellipsis, so that an answer never echoes back a megabyte a client sent (an op name, an
 * id, a URL). Used wherever a message or a path repeats what the client wrote.
 */
export function quote(text: string): string {
  if (text.length <= QUOTE_LENGTH) return text;
  let end = QUOTE_LENGTH - 1;
  // Not between the two halves of a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text[end - 1])) end--;
  return `${text.slice(0, end)}…`;
}
