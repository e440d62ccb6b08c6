/**
 * A body that JSON.parse refuses, said in both languages: V8's message, in Portuguese as far as it
 * is known, and a hint where the text shows the cause (a decimal comma). Free of fastify, so that
 * a body parsed on a worker thread is told the same as one parsed on the event loop.
 */
import { type Localized, say } from '../text.js';

/** V8's JSON.parse messages, in Portuguese as far as they are known (the position is kept), and what most often causes some, as a hint in each language. */
const JSON_ERRORS: [RegExp, (m: RegExpExecArray) => string, Localized?][] = [
  [/^Unexpected end of JSON input/, () => 'o texto termina antes do fim do JSON'],
  [/^Unexpected token '(.+?)'/, (m) => `caractere inesperado '${m[1]}'`],
  [/^Unexpected token (\S+) in JSON/, (m) => `caractere inesperado '${m[1]}'`],
  [
    /^Expected property name or '}'/,
    () => "esperava o nome de um campo (entre aspas duplas) ou '}'",
    say(
      'field names are written in double quotes: {"x": 3}',
      'os nomes dos campos se escrevem entre aspas duplas: {"x": 3}',
    ),
  ],
  [
    /^Expected double-quoted property name/,
    () => 'esperava o nome de um campo entre aspas duplas',
    say('is there a stray comma?', 'há uma vírgula sobrando?'),
  ],
  [/^Expected ':' after property name/, () => "esperava ':' depois do nome do campo"],
  [/^Expected ',' or '}' after property value/, () => "esperava ',' ou '}' depois do valor do campo"],
  [/^Expected ',' or ']' after array element/, () => "esperava ',' ou ']' depois do elemento da lista"],
  [/^Unterminated string/, () => 'um texto não tem as aspas de fechamento'],
  [/^Unexpected non-whitespace character after JSON/, () => 'há mais texto depois do fim do JSON'],
  [
    /^Bad control character in string literal/,
    () => 'um texto contém um caractere de controle (como uma quebra de linha)',
  ],
  [/^Bad (Unicode )?escape/i, () => 'um texto contém uma sequência de escape inválida'],
  [/^Unexpected number/, () => 'número inesperado'],
  [/^Unexpected string/, () => 'texto inesperado'],
  [/number/i, () => 'número malformado'],
];

/**
 * A number written with a decimal comma (`"w": -0,2`) breaks JSON right after the comma, where
 * the digits after it stand where a field name or a value was expected: the text up to the
 * position ends with `<integer>,` and the text from it starts with digits. (Inside a list,
 * `[0,5]` is two numbers and valid JSON: nothing breaks there, so nothing can be said.)
 */
function decimalComma(text: string, position: number): Localized | undefined {
  const before = /(?<![\d.eE+-])(-?\d+),$/.exec(text.slice(Math.max(0, position - 40), position));
  const after = /^\d+/.exec(text.slice(position, position + 40));
  if (!before || !after) return undefined;
  const number = `${before[1]}.${after[0]}`;
  return say(`write decimals with a point: ${number}`, `em JSON, decimais se escrevem com ponto: ${number}`);
}

/** A body that JSON.parse refused, with a hint drawn from the text where it broke (a decimal comma). */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly hint?: Localized,
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

/** JSON.parse, whose SyntaxError carries the hint the text gives where it broke: on the event loop and on a worker thread alike. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const { message } = e as SyntaxError;
    const position = /at position (\d+)/.exec(message)?.[1];
    const hint = position === undefined ? undefined : decimalComma(text, Number(position));
    throw hint ? new JsonSyntaxError(message, hint) : e;
  }
}

/** "the body is not valid JSON: <the parser's message>; <a hint>", in each language. */
export function jsonSyntaxMessage(error: Error | string): Localized {
  const message = typeof error === 'string' ? error : error.message;
  let pt = 'erro de sintaxe';
  let known: Localized | undefined;
  for (const [re, write, hint] of JSON_ERRORS) {
    const m = re.exec(message);
    if (m) {
      pt = write(m);
      known = hint;
      break;
    }
  }
  const hint = (error instanceof JsonSyntaxError ? error.hint : undefined) ?? known;
  const position = /at position (\d+)/.exec(message)?.[1];
  return say(
    `the body is not valid JSON: ${message}${hint ? `; ${hint.en}` : ''}`,
    `o corpo não é um JSON válido: ${pt}${position ? ` (posição ${position})` : ''}${hint ? `; ${hint['pt-BR']}` : ''}`,
  );
}
