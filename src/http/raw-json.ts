/**
 * The JSON body parser. Bodies of the compute routes that are too large to parse, validate and
 * compile on the event loop stay text: validation waits for the worker thread that will compute
 * them, and the event loop only passes the text on. Every other body is parsed here. Both are
 * parsed by JSON.parse, so a malformed body gets the same message wherever it is parsed.
 */
import { type FastifyInstance, type FastifyRequest, errorCodes } from 'fastify';
import { type Localized, say } from '../text.js';
import { HttpError } from './http-error.js';

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

/** The first 40 characters of a header's value, to quote it in a message. */
const quote = (value: string): string => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

/**
 * A body is UTF-8 JSON as it was written: one with a content coding (gzip) or declared in another
 * charset is a 415 that says so, rather than a 400 about the JSON its bytes do not make.
 */
function unreadable(request: FastifyRequest): HttpError | undefined {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    return new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      say(`the body is sent with Content-Encoding: ${quote(encoding)}; send it uncompressed`, `o corpo foi enviado com Content-Encoding: ${quote(encoding)}; envie-o sem compressão`),
      // RFC 9110 §15.5.16: which content codings would have been accepted.
      { 'accept-encoding': 'identity' },
    );
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      say(`the body is declared as charset=${quote(charset)}; send JSON in UTF-8 (charset=utf-8, or no charset)`, `o corpo foi declarado como charset=${quote(charset)}; envie JSON em UTF-8 (charset=utf-8, ou sem charset)`),
    );
  }
  return undefined;
}

/**
 * Text in the tutorial's notation compiles to a node every two characters (`x+x+…`), at a few
 * microseconds each: about ten times what the same length of JSON nodes costs. A body holding an
 * `expr` is large at an eighth of `largeBody` (8 kB by default: some 10 ms of parse and compile).
 */
const EXPR_SHARE = 8;

const isLarge = (text: string, largeBody: number): boolean =>
  text.length > largeBody || (text.length > largeBody / EXPR_SHARE && text.includes('"expr"'));

/**
 * Bodies longer than `largeBody` characters (an eighth of that with an `expr`), on routes that ask for it, stay text. Keys named
 * __proto__ or constructor are ids like any other: JSON.parse makes them own properties, and
 * nothing here merges objects.
 */
export function registerJsonParser(app: FastifyInstance, largeBody: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const refused = unreadable(request);
    if (refused) return done(refused, undefined);
    // A byte order mark is not JSON, but editors write one.
    const text = (body as string).charCodeAt(0) === 0xfeff ? (body as string).slice(1) : (body as string);
    if (text.length === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
    if (request.routeOptions.config.rawLargeBodies && isLarge(text, largeBody)) return done(null, new RawJson(text));
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(withHint(e as SyntaxError, text), undefined);
    }
  });
}

/** V8's JSON.parse messages, in Portuguese as far as they are known (the position is kept). */
const JSON_ERRORS_PT: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Unexpected end of JSON input/, () => 'o texto termina antes do fim do JSON'],
  [/^Unexpected token '(.+?)'/, (m) => `caractere inesperado '${m[1]}'`],
  [/^Unexpected token (\S+) in JSON/, (m) => `caractere inesperado '${m[1]}'`],
  [/^Expected property name or '}'/, () => "esperava o nome de um campo (entre aspas duplas) ou '}'"],
  [/^Expected double-quoted property name/, () => 'esperava o nome de um campo entre aspas duplas'],
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

/** What most often causes a V8 message, as a hint in each language. */
const JSON_HINTS: [RegExp, Localized][] = [
  [/^Expected double-quoted property name/, say('is there a stray comma?', 'há uma vírgula sobrando?')],
  [/^Expected property name or '}'/, say('field names are written in double quotes: {"x": 3}', 'os nomes dos campos se escrevem entre aspas duplas: {"x": 3}')],
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

/** JSON.parse's error on `text`, with the hint its text gives. */
function withHint(error: SyntaxError, text: string): SyntaxError {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  const hint = position === undefined ? undefined : decimalComma(text, Number(position));
  return hint ? new JsonSyntaxError(error.message, hint) : error;
}

/** "the body is not valid JSON: <the parser's message>; <a hint>", in each language. */
export function jsonSyntaxMessage(error: Error | string): Localized {
  const message = typeof error === 'string' ? error : error.message;
  let pt = 'erro de sintaxe';
  for (const [re, write] of JSON_ERRORS_PT) {
    const m = re.exec(message);
    if (m) {
      pt = write(m);
      break;
    }
  }
  const hint = (error instanceof JsonSyntaxError ? error.hint : undefined) ?? JSON_HINTS.find(([re]) => re.test(message))?.[1];
  const position = /at position (\d+)/.exec(message)?.[1];
  return say(
    `the body is not valid JSON: ${message}${hint ? `; ${hint.en}` : ''}`,
    `o corpo não é um JSON válido: ${pt}${position ? ` (posição ${position})` : ''}${hint ? `; ${hint['pt-BR']}` : ''}`,
  );
}
