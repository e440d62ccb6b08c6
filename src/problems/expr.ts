/**
 * The tutorial's notation (`u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2`)
 * parsed by a small Pratt parser into graph nodes. Text is only ever parsed, never evaluated.
 * Each operator or call becomes one node; named assignments keep their names and unnamed
 * subexpressions get generated ids (_t1, _t2, ...) that avoid every name in the text.
 * Names are not resolved here: the graph compiler checks them against inputs, params and nodes.
 */
import { specError } from '../engine/errors.js';
import { type OpDef, lookupOp } from '../engine/ops.js';
import { nearestOpNames } from '../engine/suggest.js';
import type { NodeSpec } from './spec.js';

export interface ExprNode extends NodeSpec {
  /** Position of the node's operator, call or statement: "line 1, column 28". */
  where: string;
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
  text: string;
  line: number;
  column: number;
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

const at = (t: { line: number; column: number }): string => `line ${t.line}, column ${t.column}`;

// Sticky regexes read at an index without slicing, so long texts stay linear.
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORDISH = /[A-Za-z0-9_.]*/y;

function tokenize(text: string, path: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const fail = (message: string, index: number, hint?: string): never => {
    const where = at({ line, column: index - lineStart + 1 });
    throw specError('EXPR_SYNTAX', path, `${message} at ${where}${hint ? `; ${hint}` : ''}`);
  };
  const push = (kind: TokenKind, start: number, end: number) => {
    tokens.push({ kind, text: text.slice(start, end), line, column: start - lineStart + 1 });
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
    } else if (/[A-Za-z_]/.test(c)) push('name', i, match(NAME));
    else if (/[0-9.]/.test(c)) {
      const end = match(NUMBER);
      // `2x`, `1e`, `1.2.3`: report the whole word rather than a confusing later token.
      const wordEnd = match(WORDISH, end);
      if (end === i || wordEnd > end) {
        const word = text.slice(i, wordEnd);
        const product = end > i && /^[A-DF-Za-df-z_]/.test(text.slice(end, wordEnd)) ? `write ${text.slice(i, end)}*${text.slice(end, wordEnd)} for a product` : undefined;
        fail(`malformed number '${word}'`, i, product);
      }
      if (!Number.isFinite(Number(text.slice(i, end)))) fail(`number '${text.slice(i, end)}' is too large`, i);
      push('number', i, end);
    } else if (c === '*' && text[i + 1] === '*') fail(`unexpected '**'`, i, 'write powers with ^, as in x^2');
    else if ('+-*/^'.includes(c)) push('op', i, i + 1);
    else if (c === '(' || c === ')' || c === ',' || c === '=') push(c, i, i + 1);
    else fail(`unexpected character '${String.fromCodePoint(text.codePointAt(i)!)}'`, i);
  }
  tokens.push({ kind: 'end', text: '', line, column: i - lineStart + 1 });
  return tokens;
}

/** A parsed operand: a node id or name, or a number literal. */
type Operand = string | number;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function signature(name: string, def: OpDef): string {
  const attrs = def.attrs.length ? ` and up to ${plural(def.attrs.length, 'attr')} (${def.attrs.map((a) => a.name).join(', ')})` : '';
  return `${name} takes ${plural(def.args.length, 'argument')}${attrs}`;
}

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

  private fail(message: string, t: Token = this.peek()): never {
    throw specError('EXPR_SYNTAX', this.path, `${message} at ${at(t)}`);
  }

  private describe(t: Token): string {
    if (t.kind === 'end') return 'the end of the text';
    if (t.kind === 'eos' && t.text === '\n') return 'the end of the line';
    return `'${t.text}'`;
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
    this.nodes.push({ id, op, args, ...(attrs ? { attrs } : {}), where: at(where) });
    return id;
  }

  /** Every recursive descent goes through here, so depth bounds the stack. */
  private nested<T>(t: Token, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`expression nested too deeply (more than ${MAX_DEPTH} levels)`, t);
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
    if (end.kind !== 'eos' && end.kind !== 'end') this.fail(`unexpected ${this.describe(end)}`);
    if (this.nodes.length === before) {
      // `a = x` or `c = 3` still needs a node of its own to carry the name.
      if (name === undefined) this.fail('a statement needs an operation or an assignment', start);
      this.nodes.push({ id: name, op: 'identity', args: [value], where: at(start) });
      return name;
    }
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
        if (close.kind !== ')') this.fail(`expected ')' (to close the '(' at ${at(t)}) but found ${this.describe(close)}`, close);
        this.next();
        return inner;
      });
    }
    if (t.kind === 'number') return Number(this.next().text);
    if (t.kind === 'name') {
      this.next();
      return this.peek().kind === '(' ? this.nested(t, () => this.call(t)) : t.text;
    }
    throw specError('EXPR_SYNTAX', this.path, `expected a name or number at ${at(t)}, found ${this.describe(t)}`);
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

  private call(name: Token): string {
    const def = lookupOp(name.text);
    if (!def) {
      const suggestions = nearestOpNames(name.text);
      const nearest = suggestions.length ? `; nearest: ${suggestions.join(', ')}` : '';
      throw specError('UNKNOWN_OP', this.path, `unknown op '${name.text}' at ${at(name)}${nearest}`, { suggestions });
    }
    const arity = def.args.length;
    this.next(); // '('
    const args: Operand[] = [];
    const attrs: Record<string, number> = {};
    let count = 0;
    if (this.peek().kind !== ')') {
      for (;;) {
        const attr = count >= arity ? def.attrs[count - arity] : undefined;
        if (attr) {
          const start = this.peek();
          const value = this.attrLiteral();
          if (value === undefined) this.fail(`attr ${attr.name} of ${name.text} must be a number, as in ${name.text}(..., ${attr.default})`, start);
          attrs[attr.name] = value;
        } else {
          // Surplus arguments are parsed only to count them for the message below.
          args.push(this.expression(0));
        }
        count++;
        if (this.peek().kind !== ',') break;
        this.next();
      }
    }
    if (this.peek().kind !== ')') this.fail(`expected ',' or ')' in the call of ${name.text} but found ${this.describe(this.peek())}`);
    this.next();
    if (count < arity || count > arity + def.attrs.length) this.fail(`${signature(name.text, def)}, got ${count}`, name);
    return this.emit(name.text, args, name, count > arity ? attrs : undefined);
  }
}

export function parseExpr(text: string, path = 'graph.expr'): ParsedExpr {
  const tokens = tokenize(text, path);
  const names = new Set(tokens.filter((t) => t.kind === 'name').map((t) => t.text));
  const parser = new Parser(tokens, path, names);
  let output: string | undefined;
  while (parser.more()) output = parser.statement();
  if (output === undefined) throw specError('EXPR_SYNTAX', path, 'expr has no statements');
  return { nodes: parser.nodes, output };
}
