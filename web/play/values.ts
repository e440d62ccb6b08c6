/**
 * The leaves' numbers as a student types them, `x = 2; y = 1`, one per line or separated by `;`,
 * with a decimal point or comma and either minus sign; a tensor as a JSON list (`w = [0.5, -1]`).
 * Read here, in the page, so that a slip is named at its field before anything is sent.
 */
import { type Localized, say } from '../../src/text.js';

export type Leaves = Record<string, number | unknown[]>;
export type Read = { ok: true; leaves: Leaves } | { ok: false; message: Localized };

const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A number typed with `,` or `.` for the decimals and `−` or `-` for the sign; NaN if it is not one. */
export function readNumber(text: string): number {
  const plain = text
    .trim()
    .replace(/\u2212/g, '-')
    .replace(',', '.');
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(plain) ? Number(plain) : Number.NaN;
}

export function readLeaves(text: string): Read {
  const leaves: Leaves = {};
  for (const part of text.split(/[;\n]/)) {
    if (part.trim() === '') continue;
    const [name, value, ...rest] = part.split('=');
    const id = name.trim();
    if (value === undefined || rest.length > 0 || !ID.test(id))
      return {
        ok: false,
        message: say(`'${part.trim()}': write name = number`, `'${part.trim()}': escreva nome = número`),
      };
    const number = readNumber(value);
    if (!Number.isNaN(number)) {
      leaves[id] = number;
      continue;
    }
    try {
      const list = JSON.parse(value.replace(/\u2212/g, '-'));
      if (Array.isArray(list)) {
        leaves[id] = list;
        continue;
      }
    } catch {
      // Not a list either: named below.
    }
    return {
      ok: false,
      message: say(
        `'${value.trim()}' (${id}) is not a number: write it as 0.5 or -1, or a list as [0.5, -1]`,
        `'${value.trim()}' (${id}) não é um número: escreva-o como 0,5 ou -1, ou uma lista como [0.5, -1]`,
      ),
    };
  }
  return { ok: true, leaves };
}

/** A number as the page writes it back: a decimal comma in pt-BR, the minus sign U+2212. */
export function writeNumber(n: number, locale: string): string {
  const text = String(n).replace('-', '\u2212');
  return locale === 'pt-BR' ? text.replace('.', ',') : text;
}

/** A result as the explanation writes it: 6 significant figures, a decimal comma in pt-BR, the minus sign. */
export function roundNumber(n: number, locale: string): string {
  return writeNumber(Number(n.toPrecision(6)), locale);
}

/** Leaves as the field shows them: `x = 2; y = 1`. */
export function writeLeaves(leaves: Leaves, locale: string): string {
  return Object.entries(leaves)
    .map(([id, value]) => `${id} = ${typeof value === 'number' ? writeNumber(value, locale) : JSON.stringify(value)}`)
    .join('; ');
}
