/**
 * The JSON body parser. Bodies of the compute routes that are too large to parse, validate and
 * compile on the event loop stay text: validation waits for the worker thread that will compute
 * them, and the event loop only passes the text on. Every other body is parsed here. Both are
 * parsed by JSON.parse, so a malformed body gets the same message wherever it is parsed.
 */
import { type FastifyInstance, errorCodes } from 'fastify';
import { type Localized, say } from '../core/locale.js';

/** A JSON body left as text, to be parsed on a worker thread. */
export class RawJson {
  constructor(readonly text: string) {}
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Large JSON bodies of this route are left as text for a worker thread (RawJson). */
    rawLargeBodies?: boolean;
  }
}

/**
 * Bodies longer than `largeBody` characters, on routes that ask for it, stay text. Keys named
 * __proto__ or constructor are ids like any other: JSON.parse makes them own properties, and
 * nothing here merges objects.
 */
export function registerJsonParser(app: FastifyInstance, largeBody: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // A byte order mark is not JSON, but editors write one.
    const text = (body as string).charCodeAt(0) === 0xfeff ? (body as string).slice(1) : (body as string);
    if (text.length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
    if (request.routeOptions.config.rawLargeBodies && text.length > largeBody) return done(null, new RawJson(text));
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(e as SyntaxError, undefined);
    }
  });
}

/** V8's JSON.parse messages, in Portuguese as far as they are known (the position is kept). */
const JSON_ERRORS_PT: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Unexpected end of JSON input/, () => 'o texto termina antes do fim do JSON'],
  [/^Unexpected token '(.+?)'/, (m) => `caractere inesperado '${m[1]}'`],
  [/^Unexpected token (\S+) in JSON/, (m) => `caractere inesperado '${m[1]}'`],
  [/^Expected property name or '}'/, () => "esperava o nome de um campo (entre aspas duplas) ou '}'"],
  [/^Expected double-quoted property name/, () => 'esperava o nome de um campo entre aspas duplas (há uma vírgula sobrando?)'],
  [/^Expected ':' after property name/, () => "esperava ':' depois do nome do campo"],
  [/^Expected ',' or '}' after property value/, () => "esperava ',' ou '}' depois do valor do campo"],
  [/^Expected ',' or ']' after array element/, () => "esperava ',' ou ']' depois do elemento da lista"],
  [/^Unterminated string/, () => 'um texto não tem as aspas de fechamento'],
  [/^Unexpected non-whitespace character after JSON/, () => 'há mais texto depois do fim do JSON'],
  [/^Bad control character in string literal/, () => 'um texto contém um caractere de controle (como uma quebra de linha)'],
  [/^Bad (Unicode )?escape/i, () => 'um texto contém uma sequência de escape inválida'],
  [/^Unexpected number/, () => 'número inesperado'],
  [/^Unexpected string/, () => 'texto inesperado'],
  [/number/i, () => 'número malformado'],
];

/** "the body is not valid JSON: <the parser's message>", in each language. */
export function jsonSyntaxMessage(message: string): Localized {
  let pt = 'erro de sintaxe';
  for (const [re, write] of JSON_ERRORS_PT) {
    const m = re.exec(message);
    if (m) {
      pt = write(m);
      break;
    }
  }
  const position = /at position (\d+)/.exec(message)?.[1];
  return say(`the body is not valid JSON: ${message}`, `o corpo não é um JSON válido: ${pt}${position ? ` (posição ${position})` : ''}`);
}
