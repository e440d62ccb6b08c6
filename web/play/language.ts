/**
 * The page's language: the one remembered in this browser, else the browser's own
 * (navigator.languages, what it sends as Accept-Language), read as the service reads it.
 */
import { type Locale, localeFrom, locales } from '../../src/text.js';
import { WORDS, type Word } from './words.js';

const STORED = 'play.locale';

export function initialLocale(): Locale {
  const saved = stored();
  if (saved && (locales as readonly string[]).includes(saved)) return saved as Locale;
  return localeFrom(navigator.languages?.join(',') || navigator.language);
}

export function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORED, locale);
  } catch {
    // Storage refused (a private window's quota): the choice lasts as long as the page.
  }
}

function stored(): string | null {
  try {
    return localStorage.getItem(STORED);
  } catch {
    return null;
  }
}

export const word = (locale: Locale, key: Word): string => WORDS[key][locale];

/** Puts the page's words in `locale`: every element's `data-text` names its word. */
export function applyWords(locale: Locale): void {
  document.documentElement.lang = locale;
  document.title = word(locale, 'title');
  for (const element of document.querySelectorAll<HTMLElement>('[data-text]')) {
    element.textContent = word(locale, element.dataset.text as Word);
  }
  for (const element of document.querySelectorAll<HTMLElement>('[data-label]')) {
    element.setAttribute('aria-label', word(locale, element.dataset.label as Word));
  }
}
