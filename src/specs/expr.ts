/**
 * The tutorial's notation (`u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2`)
 * parsed by a small Pratt parser into graph nodes. Text is only ever parsed, never evaluated.
 * Each operator or call becomes one node; named assignments keep their names and unnamed
 * subexpressions get generated ids (_t1, _t2, ...) that avoid every name in the text.
 * Names are not resolved here: the graph compiler checks them against inputs, params and nodes.
 * The formulas as the exercise statements print them read the same (`u = w·x`, `σ(z)`,
 * `L = ½·(y_hat − y)²`, `ln(x)`); any other symbol is refused with a hint, in both languages.
 */
import { type Localized, plural, quote, say } from '../text.js';
import { MAX_ID_LENGTH } from '../engine/compile.js';
import { specError } from '../engine/errors.js';
import { type OpDef, arityOf } from '../engine/op-def.js';
import { lookupOp } from '../engine/ops.js';
import { type TextPosition, positionText } from '../engine/tape.js';
import { unknownOp } from '../engine/unknown-op.js';
import type { NodeSpec } from './spec.js';

export interface ExprNode extends NodeSpec {
  /** Position of the node's operator, call or statement: line 1, column 28. */
  where: TextPosition;
  /** A part of a statement with a generated id (`(y_hat - y)` in `L = 0.5*(y_hat - y)^2`), not a statement's own node. */
  subexpression?: true;
}

export interface ParsedExpr {
  nodes: ExprNode[];
  output: string;
}

/** Deeper nesting than this is refused, so no text can exhaust the stack. */
const MAX_DEPTH = 200;

type TokenKind = 'name' | 'number' | 'op' | '(' | ')' | ',' | '=' | 'eos' | 'end';

interface Token {
  kind: TokenKind;
  /** What the parser reads: `*` for a `·` in the text, `0.5` for `½`. */
  text: string;
  line: number;
  column: number;
  /** What the text has there, when it differs from `text` (for messages). */
  source?: string;
}

const BINARY: Record<string, { op: string; left: number; right: number }> = {
  '+': { op: 'add', left: 10, right: 11 },
  '-': { op: 'sub', left: 10, right: 11 },
  '*': { op: 'mul', left: 20, right: 21 },
  '/': { op: 'div', left: 20, right: 21 },
  // Right-associative: the right side accepts another ^ (power 39 < 40).
  '^': { op: 'pow', left: 40, right: 39 },
};
/** Unary minus binds tighter than * but looser than ^, so -x^2 is -(x^2) and 2^-1 is 2^(-1). */
const PREFIX_POWER = 30;

/** " at line 1, column 9" in each language. */
function atIn(t: TextPosition): Localized {
  const where = positionText(t);
  return say(` at ${where.en}`, ` na ${where['pt-BR']}`);
}

/** `message at line 1, column 9; hint` in each language. */
function located(message: Localized, t: TextPosition, hint?: Localized): Localized {
  const where = atIn(t);
  return say(
    `${message.en}${where.en}${hint ? `; ${hint.en}` : ''}`,
    `${message['pt-BR']}${where['pt-BR']}${hint ? `; ${hint['pt-BR']}` : ''}`,
  );
}

/**
 * What the exercise statements print, read as the ASCII they stand for: `u = w·x`,
 * `L = ½·(y_hat − y)²`, `σ(z)`. `½` is 0.5, and a product when an operand follows it
 * (`½(y_hat − y)²`, as the statements write it); `²` and `³` are powers; `σ(` is `sigmoid(`;
 * brackets group as parentheses do (`−[y · ln(y_hat) + …]`); `⊙` is the elementwise `*`.
 */
const PRINTED_OPS: Record<string, string> = {
  '·': '*',
  '⋅': '*',
  '∙': '*',
  '∗': '*',
  '×': '*',
  '⊙': '*',
  '−': '-',
  '–': '-',
};
const SUPERSCRIPT_POWERS: Record<string, string> = { '²': '2', '³': '3' };
const SUPERSCRIPTS: Record<string, string> = {
  '⁰': '0',
  '¹': '1',
  '²': '2',
  '³': '3',
  '⁴': '4',
  '⁵': '5',
  '⁶': '6',
  '⁷': '7',
  '⁸': '8',
  '⁹': '9',
  '⁺': '+',
  '⁻': '-',
  '⁽': '(',
  '⁾': ')',
  ⁿ: 'n',
  ⁱ: 'i',
};
const GREEK: Record<string, string> = {
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  δ: 'delta',
  ε: 'epsilon',
  ζ: 'zeta',
  η: 'eta',
  θ: 'theta',
  κ: 'kappa',
  λ: 'lambda',
  μ: 'mu',
  ν: 'nu',
  ξ: 'xi',
  π: 'pi',
  ρ: 'rho',
  τ: 'tau',
  υ: 'upsilon',
  φ: 'phi',
  χ: 'chi',
  ψ: 'psi',
  ω: 'omega',
};
const QUOTES = say(
  'quotes are not part of expr: write the formula without them',
  'aspas não fazem parte de expr: escreva a fórmula sem elas',
);
/** A hint for a character that expr does not read, by character. */
const HINTS: Record<string, Localized> = {
  '÷': say('write / for a division', 'escreva / para uma divisão'),
  '√': say('write sqrt(...) for a square root', 'escreva sqrt(...) para uma raiz quadrada'),
  '—': say('write - for a minus (— is a dash)', 'escreva - para o sinal de menos (— é um travessão)'),
  '•': say('write * for a product', 'escreva * para um produto'),
  ˆ: say('write ^ for a power', 'escreva ^ para uma potência'),
  '`': say(
    'backticks are markdown, not part of expr: paste the formula without them',
    'crases são markdown, não fazem parte de expr: cole a fórmula sem elas',
  ),
  '‘': QUOTES,
  '’': QUOTES,
  '“': QUOTES,
  '”': QUOTES,
  '"': QUOTES,
  "'": QUOTES,
  '´': QUOTES,
  ŷ: say('write y_hat for ŷ', 'escreva y_hat para ŷ'),
  '\u0302': say('write y_hat for ŷ', 'escreva y_hat para ŷ'),
  '∑': say('write sum(...) for a sum of elements', 'escreva sum(...) para a soma dos elementos'),
  Σ: say('write sum(...) for a sum of elements', 'escreva sum(...) para a soma dos elementos'),
  '∂': say(
    'write the function itself: the service computes its derivatives (POST /v1/gradients)',
    'escreva a própria função: o serviço calcula as derivadas (POST /v1/gradients)',
  ),
  '{': say('group with parentheses ( ) or brackets [ ]', 'agrupe com parênteses ( ) ou colchetes [ ]'),
  '}': say('group with parentheses ( ) or brackets [ ]', 'agrupe com parênteses ( ) ou colchetes [ ]'),
  ᵀ: say(
    'write transpose(W) for Wᵀ, and matmul(x, transpose(W)) for the matrix product x · Wᵀ (· and * multiply element by element)',
    'escreva transpose(W) para Wᵀ, e matmul(x, transpose(W)) para o produto de matrizes x · Wᵀ (· e * multiplicam elemento a elemento)',
  ),
};
const WHAT_EXPR_READS = say(
  'expr reads names, numbers, + - * / ^ (also · × − ² ³ ½ σ), parentheses and op calls such as sigmoid(z) (GET /v1/ops lists the ops)',
  'expr aceita nomes, números, + - * / ^ (também · × − ² ³ ½ σ), parênteses e chamadas de operações como sigmoid(z) (GET /v1/ops lista as operações)',
);

/** Why a character is not read, and what to write instead. */
function hintFor(c: string): Localized {
  const greek = GREEK[c.toLowerCase()];
  if (greek)
    return say(
      `names are written with ASCII letters, digits and _: write ${greek} for ${c}`,
      `nomes são escritos com letras ASCII, dígitos e _: escreva ${greek} para ${c}`,
    );
  return HINTS[c] ?? WHAT_EXPR_READS;
}

// Sticky regexes read at an index without slicing, so long texts stay linear.
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORDISH = /[A-Za-z0-9_.]*/y;
/** Spaces other than ' ', '\t' and '\r' (a no-break space pasted from a page). */
const OTHER_SPACE = /[^\S\n]/;
const SPACES = /[^\S\n]*/y;

function tokenize(text: string, path: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const fail = (message: Localized, index: number, hint?: Localized): never => {
    throw specError('EXPR_SYNTAX', path, located(message, { line, column: index - lineStart + 1 }, hint));
  };
  const push = (kind: TokenKind, start: number, end: number) => {
    tokens.push({ kind, text: text.slice(start, end), line, column: start - lineStart + 1 });
    i = end;
  };
  /** A token read as `as` where the text has text[start, end) (empty for an implied `*`). */
  const pushAs = (kind: TokenKind, as: string, start: number, end: number) => {
    tokens.push({ kind, text: as, line, column: start - lineStart + 1, source: text.slice(start, end) || undefined });
    i = end;
  };
  const match = (re: RegExp, from = i): number => {
    re.lastIndex = from;
    return re.exec(text) ? re.lastIndex : from;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '\n' || c === ';') {
      push('eos', i, i + 1);
      if (c === '\n') {
        line++;
        lineStart = i;
      }
    } else if (/[A-Za-z_]/.test(c)) {
      const end = match(NAME);
      if (end - i > MAX_ID_LENGTH) {
        const name = quote(text.slice(i, end));
        fail(
          say(
            `the name '${name}' is longer than ${MAX_ID_LENGTH} characters`,
            `o nome '${name}' tem mais de ${MAX_ID_LENGTH} caracteres`,
          ),
          i,
        );
      }
      push('name', i, end);
    } else if (/[0-9.]/.test(c)) {
      const end = match(NUMBER);
      // `2x`, `1e`, `1.2.3`: report the whole word rather than a confusing later token.
      const wordEnd = match(WORDISH, end);
      if (end === i || wordEnd > end) {
        const word = text.slice(i, wordEnd);
        const [a, b] = [text.slice(i, end), text.slice(end, wordEnd)];
        const product =
          end > i && /^[A-DF-Za-df-z_]/.test(b)
            ? say(`write ${quote(a)}*${quote(b)} for a product`, `escreva ${quote(a)}*${quote(b)} para um produto`)
            : undefined;
        fail(say(`malformed number '${quote(word)}'`, `número malformado '${quote(word)}'`), i, product);
      }
      const number = text.slice(i, end);
      if (!Number.isFinite(Number(number)))
        fail(say(`number '${quote(number)}' is too large`, `o número '${quote(number)}' é grande demais`), i);
      push('number', i, end);
    } else if (c === '*' && text[i + 1] === '*')
      fail(
        say("unexpected '**'", "'**' inesperado"),
        i,
        say('write powers with ^, as in x^2', 'escreva potências com ^, como em x^2'),
      );
    else if ('+-*/^'.includes(c)) push('op', i, i + 1);
    else if (c === '(' || c === ')' || c === ',' || c === '=') push(c, i, i + 1);
    else if (c === '[') push('(', i, i + 1);
    else if (c === ']') push(')', i, i + 1);
    else if (OTHER_SPACE.test(c)) i++;
    else if (PRINTED_OPS[c]) pushAs('op', PRINTED_OPS[c], i, i + 1);
    else if (SUPERSCRIPTS[c]) {
      let end = i;
      while (end < text.length && SUPERSCRIPTS[text[end]]) end++;
      const power = quote(text.slice(i, end));
      if (power.length === 1 && SUPERSCRIPT_POWERS[c]) {
        pushAs('op', '^', i, i);
        pushAs('number', SUPERSCRIPT_POWERS[c], i, i + 1);
      } else {
        const ascii = Array.from(power, (s) => SUPERSCRIPTS[s] ?? s).join(''); // `?? s`: the ellipsis of a long one
        const written = /^\d+$/.test(ascii) ? ascii : `(${ascii})`;
        fail(
          say(`unexpected superscript '${power}'`, `expoente sobrescrito '${power}' inesperado`),
          i,
          say(
            `write powers with ^, as in x^${written} (only ² and ³ are read as powers)`,
            `escreva potências com ^, como em x^${written} (só ² e ³ são lidos como potências)`,
          ),
        );
      }
    } else if (c === '½') {
      pushAs('number', '0.5', i, i + 1);
      const next = match(SPACES);
      if (text[next] === '(' || text[next] === '[' || text[next] === 'σ' || /[A-Za-z_]/.test(text[next] ?? ''))
        pushAs('op', '*', next, next);
    } else if (c === 'σ' && text[match(SPACES, i + 1)] === '(') pushAs('name', 'sigmoid', i, i + 1);
    else if (c === 'σ') {
      fail(
        say("unexpected character 'σ'", "caractere inesperado 'σ'"),
        i,
        say(
          'σ is sigmoid: write σ(z) or sigmoid(z); as a name, write sigma',
          'σ é a sigmoide: escreva σ(z) ou sigmoid(z); como nome, escreva sigma',
        ),
      );
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      fail(say(`unexpected character '${char}'`, `caractere inesperado '${char}'`), i, hintFor(char));
    }
  }
  tokens.push({ kind: 'end', text: '', line, column: i - lineStart + 1 });
  return tokens;
}

/** A parenthesis itself, not a bracket (a call takes parentheses only). */
const isToken = (t: Token, paren: '(' | ')'): boolean => t.kind === paren && t.text === paren;

/** A parsed operand: a node id or name, or a number literal. */
type Operand = string | number;

/** `leaky_relu takes 1 argument and up to 1 attr (alpha), got 3`, `conv2d takes 2 or 3 arguments and up to 2 attrs (stride, padding), got 6`, in each language. */
function signature(name: string, def: OpDef, count: number): Localized {
  const names = def.attrs.map((a) => a.name).join(', ');
  const k = def.attrs.length;
  const { min, max } = arityOf(def);
  const [en, pt] =
    max === Number.POSITIVE_INFINITY
      ? [`at least ${plural(min, 'argument', 'arguments')}`, `pelo menos ${plural(min, 'argumento', 'argumentos')}`]
      : min === max
        ? [plural(min, 'argument', 'arguments'), plural(min, 'argumento', 'argumentos')]
        : [`${min} or ${max} arguments`, `${min} ou ${max} argumentos`];
  return say(
    `${name} takes ${en}${k ? ` and up to ${plural(k, 'attr', 'attrs')} (${names})` : ''}, got ${count}`,
    `${name} espera ${pt}${k ? ` e até ${plural(k, 'atributo', 'atributos')} (${names})` : ''}, mas recebeu ${count}`,
  );
}

/** Calls written as the statements write them: `ln(...)` is the catalogue's `log`. */
const CALL_ALIASES: Record<string, string> = { ln: 'log' };

class Parser {
  private pos = 0;
  private depth = 0;
  private counter = 0;
  /** The counter before the last node's id was drawn, so a named top node can give its number back. */
  private counterBeforeLast = 0;
  readonly nodes: ExprNode[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly path: string,
    private readonly names: ReadonlySet<string>,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private fail(message: Localized, t: Token = this.peek(), hint?: Localized): never {
    throw specError('EXPR_SYNTAX', this.path, located(message, t, hint));
  }

  /**
   * `w x`: two operands side by side, blanks between them, where the text breaks: the product the
   * student meant (`2x` and `½(…)` are read as products already; a blank is not).
   */
  private juxtaposed(t: Token, inCall = false): Localized | undefined {
    const before = this.tokens[this.pos - 1];
    const operand = (k: Token) => k.kind === 'name' || k.kind === 'number';
    if (!before || !operand(before) || !operand(t) || before.line !== t.line) return undefined;
    const [a, b] = [before.source ?? before.text, t.source ?? t.text];
    if (t.column <= before.column + a.length) return undefined;
    const product = `${quote(a)}*${quote(b)}`;
    if (!inCall) return say(`write the product with *: ${product}`, `escreva o produto com *: ${product}`);
    const list = `${quote(a)}, ${quote(b)}`;
    return say(
      `write the product with *: ${product}, or separate the args with a comma: ${list}`,
      `escreva o produto com *: ${product}, ou separe os argumentos com uma vírgula: ${list}`,
    );
  }

  private describe(t: Token): Localized {
    if (t.kind === 'end') return say('the end of the text', 'o fim do texto');
    if (t.kind === 'eos' && t.text === '\n') return say('the end of the line', 'o fim da linha');
    const text = `'${quote(t.source ?? t.text)}'`;
    return say(text, text);
  }

  private freshId(): string {
    let id: string;
    do id = `_t${++this.counter}`;
    while (this.names.has(id));
    return id;
  }

  private emit(op: string, args: Operand[], where: Token, attrs?: Record<string, number>): string {
    this.counterBeforeLast = this.counter;
    const id = this.freshId();
    this.nodes.push({ id, op, args, ...(attrs ? { attrs } : {}), where: { line: where.line, column: where.column } });
    return id;
  }

  /** Every recursive descent goes through here, so depth bounds the stack. */
  private nested<T>(t: Token, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      this.fail(
        say(
          `expression nested too deeply (more than ${MAX_DEPTH} levels)`,
          `expressão aninhada demais (mais de ${MAX_DEPTH} níveis)`,
        ),
        t,
      );
    }
    const result = parse();
    this.depth--;
    return result;
  }

  /** Skips blank statements; false at the end of the text. */
  more(): boolean {
    while (this.peek().kind === 'eos') this.next();
    return this.peek().kind !== 'end';
  }

  /** Parses `name = expr` or `expr` up to the end of the statement; returns its top node's id. */
  statement(): string {
    const start = this.peek();
    let name: string | undefined;
    if (start.kind === 'name' && this.peek(1).kind === '=') {
      name = start.text;
      this.pos += 2;
    }
    const before = this.nodes.length;
    const value = this.expression(0);
    const end = this.peek();
    if (end.kind !== 'eos' && end.kind !== 'end') {
      const found = this.describe(end);
      // `0,5*x`: a decimal comma, as Portuguese writes numbers.
      const after = this.peek(1),
        before = this.tokens[this.pos - 1];
      const decimal =
        end.kind === ',' &&
        before?.kind === 'number' &&
        after.kind === 'number' &&
        after.line === end.line &&
        after.column === end.column + 1
          ? say(
              `write decimals with a point: ${before.text}.${after.text}`,
              `escreva decimais com ponto: ${before.text}.${after.text}`,
            )
          : undefined;
      this.fail(say(`unexpected ${found.en}`, `não esperava ${found['pt-BR']}`), end, decimal ?? this.juxtaposed(end));
    }
    if (this.nodes.length === before) {
      // `a = x` or `c = 3` still needs a node of its own to carry the name.
      if (name === undefined)
        this.fail(
          say(
            'a statement needs an operation or an assignment',
            'uma instrução precisa de uma operação ou de uma atribuição',
          ),
          start,
        );
      this.nodes.push({ id: name, op: 'identity', args: [value], where: { line: start.line, column: start.column } });
      return name;
    }
    for (let i = before; i < this.nodes.length - 1; i++) this.nodes[i].subexpression = true;
    if (name !== undefined) {
      // The top node is always the last one emitted; its generated id is returned unused.
      this.nodes[this.nodes.length - 1].id = name;
      this.counter = this.counterBeforeLast;
    }
    return name ?? (value as string);
  }

  private expression(minPower: number): Operand {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      const rule = t.kind === 'op' ? BINARY[t.text] : undefined;
      if (!rule || rule.left <= minPower) return left;
      this.next();
      const right = this.nested(t, () => this.expression(rule.right));
      left = this.emit(rule.op, [left, right], t);
    }
  }

  private prefix(): Operand {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      const operand = this.nested(t, () => this.expression(PREFIX_POWER));
      return t.text === '-' ? this.emit('neg', [operand], t) : operand;
    }
    if (t.kind === '(') {
      this.next();
      return this.nested(t, () => {
        const inner = this.expression(0);
        const close = this.peek();
        const closer = t.text === '[' ? ']' : ')';
        if (close.kind !== ')' || close.text !== closer) {
          const found = this.describe(close),
            opened = positionText(t);
          this.fail(
            say(
              `expected '${closer}' (to close the '${t.text}' at ${opened.en}) but found ${found.en}`,
              `esperava '${closer}' (para fechar o '${t.text}' da ${opened['pt-BR']}), mas encontrou ${found['pt-BR']}`,
            ),
            close,
            this.juxtaposed(close),
          );
        }
        this.next();
        return inner;
      });
    }
    if (t.kind === 'number') return Number(this.next().text);
    if (t.kind === 'name') {
      this.next();
      return isToken(this.peek(), '(') ? this.nested(t, () => this.call(t)) : t.text;
    }
    const found = this.describe(t),
      where = positionText(t);
    throw specError(
      'EXPR_SYNTAX',
      this.path,
      say(
        `expected a name or number at ${where.en}, found ${found.en}`,
        `esperava um nome ou um número na ${where['pt-BR']}, mas encontrou ${found['pt-BR']}`,
      ),
    );
  }

  /** An attr: a number literal, optionally negated, that ends its argument. */
  private attrLiteral(): number | undefined {
    const negative = this.peek().kind === 'op' && this.peek().text === '-';
    const number = this.peek(negative ? 1 : 0);
    const after = this.peek(negative ? 2 : 1).kind;
    if (number.kind !== 'number' || (after !== ',' && after !== ')')) return undefined;
    this.pos += negative ? 2 : 1;
    return negative ? -Number(number.text) : Number(number.text);
  }

  /**
   * A call: its args are expressions, the op's required ones first whatever they are (`add(x, 1)`);
   * then, for an op that takes more (conv2d's b, concat's third), each further expression up to the
   * first number literal; that literal and the ones after it are the attrs, in the catalogue's order
   * (`leaky_relu(z, 0.1)`, `concat(a, b, c, 1)`, `slice(x, 1, -3, -1)`).
   */
  private call(name: Token): string {
    const op = CALL_ALIASES[name.text] ?? name.text;
    const def = lookupOp(op);
    if (!def) {
      const { message, suggestions } = unknownOp(name.text, atIn(name));
      throw specError('UNKNOWN_OP', this.path, message, { suggestions });
    }
    const { min, max } = arityOf(def);
    this.next(); // '('
    const args: Operand[] = [];
    const attrs: Record<string, number> = {};
    let attrCount = 0;
    if (!isToken(this.peek(), ')')) {
      for (;;) {
        const value = args.length < min || attrCount > 0 || args.length >= max ? undefined : this.attrLiteral();
        if (value !== undefined || attrCount > 0 || args.length >= max) {
          const attr = def.attrs[attrCount];
          if (attr) {
            const start = this.peek();
            const given = value ?? this.attrLiteral();
            if (given === undefined) {
              const example = `${name.text}(..., ${attr.default ?? 0})`;
              this.fail(
                say(
                  `attr ${attr.name} of ${name.text} must be a number, as in ${example}`,
                  `o atributo ${attr.name} de ${name.text} deve ser um número, como em ${example}`,
                ),
                start,
              );
            }
            attrs[attr.name] = given;
          } else if (value === undefined) {
            // Surplus arguments are parsed only to count them for the message below.
            this.expression(0);
          }
          attrCount++;
        } else args.push(this.expression(0));
        if (this.peek().kind !== ',') break;
        this.next();
      }
    }
    if (!isToken(this.peek(), ')')) {
      const found = this.describe(this.peek());
      this.fail(
        say(
          `expected ',' or ')' in the call of ${name.text} but found ${found.en}`,
          `esperava ',' ou ')' na chamada de ${name.text}, mas encontrou ${found['pt-BR']}`,
        ),
        this.peek(),
        this.juxtaposed(this.peek(), true),
      );
    }
    this.next();
    if (args.length < min || attrCount > def.attrs.length)
      this.fail(signature(name.text, def, args.length + attrCount), name);
    return this.emit(op, args, name, attrCount > 0 ? attrs : undefined);
  }
}

export function parseExpr(text: string, path = 'graph.expr'): ParsedExpr {
  const tokens = tokenize(text, path);
  const names = new Set(tokens.filter((t) => t.kind === 'name').map((t) => t.text));
  const parser = new Parser(tokens, path, names);
  let output: string | undefined;
  while (parser.more()) output = parser.statement();
  if (output === undefined)
    throw specError('EXPR_SYNTAX', path, say('expr has no statements', 'expr não tem nenhuma instrução'));
  return { nodes: parser.nodes, output };
}

const code = (c: string): number => c.charCodeAt(0);
const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNamePart = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** A space within a line: ' ', '\t', '\r', or another space (a no-break space pasted from a page). */
const isSpace = (c: number): boolean =>
  c === 32 || c === 9 || c === 13 || (c > 127 && OTHER_SPACE.test(String.fromCharCode(c)));
/** Operators that are always binary (`*`, `/`, `^`, `·`, `×`, ...) and the minus signs (a sub or a neg). */
const BINARY_ONLY = new Set([
  code('*'),
  code('/'),
  code('^'),
  ...Object.keys(PRINTED_OPS)
    .filter((c) => PRINTED_OPS[c] === '*')
    .map(code),
]);
const MINUS = new Set([
  code('-'),
  ...Object.keys(PRINTED_OPS)
    .filter((c) => PRINTED_OPS[c] === '-')
    .map(code),
]);
const [
  PLUS,
  COMMA,
  EQUALS,
  OPEN,
  OPEN_BRACKET,
  CLOSE,
  CLOSE_BRACKET,
  DOT,
  NEWLINE,
  SEMICOLON,
  HALF,
  SQUARED,
  CUBED,
  SIGMA,
] = Array.from('+,=([)].\n;½²³σ', code);

/**
 * How many nodes and literals `text` makes at least, counted in one pass over its characters
 * without tokens or parsing, so that a text far too large for a purpose (a picture) is refused
 * before it is parsed. Counted: each `*`, `/` and `^`, each minus (a sub or a neg), a `+` after
 * an operand, each call, each number, `²` and `³` (a pow and its 2 or 3), and a named statement
 * with none of these (its identity node). Left out, so that the count never exceeds what parsing
 * makes: a minus or a number right after a comma (it may be an attr: `leaky_relu(z, -0.1)`).
 * A text that does not parse gets a count all the same.
 */
export function exprValuesAtLeast(text: string): number {
  const n = text.length;
  let count = 0;
  /** Values counted in the current statement, and whether it is named (`a = ...`). */
  let inStatement = 0;
  let named = false;
  /** What came last: the end of an operand (a binary operator may follow), a comma, a minus after a comma, or anything else. */
  let last: 'operand' | 'comma' | 'commaMinus' | 'other' = 'other';
  const add = (k: number): void => {
    count += k;
    inStatement += k;
  };
  /** The next character that is not a space (within the line), from `from`; NaN at the end. */
  const nextAfterSpaces = (from: number): number => {
    let j = from;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    return text.charCodeAt(j);
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE || c === SEMICOLON) {
      if (named && inStatement === 0) count++;
      named = false;
      inStatement = 0;
      last = 'other';
      i++;
    } else if (isSpace(c)) i++;
    else if (isNameStart(c)) {
      while (i < n && isNamePart(text.charCodeAt(i))) i++;
      if (nextAfterSpaces(i) === OPEN) add(1);
      last = 'operand';
    } else if (isDigit(c) || c === DOT || c === HALF) {
      if (c === HALF) i++;
      else {
        NUMBER.lastIndex = i;
        i = NUMBER.test(text) ? NUMBER.lastIndex : i + 1;
      }
      if (last !== 'comma' && last !== 'commaMinus') add(1);
      if (c === HALF) {
        // `½(y_hat − y)²`: an implied product.
        const next = nextAfterSpaces(i);
        if (next === OPEN || next === OPEN_BRACKET || next === SIGMA || isNameStart(next)) add(1);
      }
      last = 'operand';
    } else {
      const afterComma = last === 'comma';
      if (BINARY_ONLY.has(c) || (c === PLUS && last === 'operand')) add(1);
      else if (MINUS.has(c) && !afterComma) add(1);
      else if (c === SQUARED || c === CUBED) add(2);
      else if (c === SIGMA && nextAfterSpaces(i + 1) === OPEN) add(1);
      else if (c === EQUALS) named = true;
      if (c === COMMA) last = 'comma';
      else if (MINUS.has(c) && afterComma) last = 'commaMinus';
      else last = c === CLOSE || c === CLOSE_BRACKET || c === SQUARED || c === CUBED ? 'operand' : 'other';
      i++;
    }
  }
  if (named && inStatement === 0) count++;
  return count;
}
