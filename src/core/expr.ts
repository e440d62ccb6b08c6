/**
 * The tutorial's notation (`u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2`)
 * parsed by a small Pratt parser into graph nodes. Text is only ever parsed, never evaluated.
 * Each operator or call becomes one node; named assignments keep their names and unnamed
 * subexpressions get generated ids (_t1, _t2, ...) that avoid every name in the text.
 */
import { specError } from './errors.js';
import { lookupOp, opNames } from './ops.js';
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

type TokenKind = 'name' | 'number' | 'op' | '(' | ')' | ',' | '=' | 'end' | 'eos';

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
  // right-associative: the right side binds at a lower power than the left
  '^': { op: 'pow', left: 40, right: 39 },
};
/** Unary minus binds tighter than * but looser than ^, so -x^2 is -(x^2). */
const PREFIX_POWER = 30;

const at = (t: { line: number; column: number }): string => `line ${t.line}, column ${t.column}`;

function tokenize(text: string, path: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number) =>
    tokens.push({ kind, text: text.slice(start, end), line, column: start - lineStart + 1 });
  while (i < text.length) {
    const c = text[i];
    if (c === '\n' || c === ';') {
      push('eos', i, i + 1);
      i++;
      if (c === '\n') {
        line++;
        lineStart = i;
      }
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
      push('name', start, i);
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) throw specError('EXPR_SYNTAX', path, `unexpected '${c}' at ${at({ line, column: i - lineStart + 1 })}`);
      push('number', i, i + m[0].length);
      i += m[0].length;
    } else if (c === '*' && text[i + 1] === '*') {
      throw specError('EXPR_SYNTAX', path, `'**' at ${at({ line, column: i - lineStart + 1 })}: write powers with ^`);
    } else if ('+-*/^'.includes(c)) {
      push('op', i, i + 1);
      i++;
    } else if (c === '(' || c === ')' || c === ',' || c === '=') {
      push(c, i, i + 1);
      i++;
    } else {
      throw specError('EXPR_SYNTAX', path, `unexpected character '${c}' at ${at({ line, column: i - lineStart + 1 })}`);
    }
  }
  tokens.push({ kind: 'end', text: '', line, column: i - lineStart + 1 });
  return tokens;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Catalogue names within edit distance 3 of `name`, closest first (at most 3). */
export function nearestOpNames(name: string): string[] {
  return opNames
    .map((op) => ({ op, d: levenshtein(name.toLowerCase(), op) }))
    .filter(({ d }) => d <= 3)
    .sort((a, b) => a.d - b.d || a.op.localeCompare(b.op))
    .slice(0, 3)
    .map(({ op }) => op);
}

/** A parsed operand: an id or a number literal, as a node's arg. */
type Operand = string | number;

class Parser {
  private pos = 0;
  private depth = 0;
  private counter = 0;
  readonly nodes: ExprNode[] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly path: string,
    private readonly names: ReadonlySet<string>,
  ) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private fail(message: string, t: Token = this.peek()): never {
    throw specError('EXPR_SYNTAX', this.path, `${message} at ${at(t)}`);
  }

  private describe(t: Token): string {
    return t.kind === 'end' ? 'end of text' : t.kind === 'eos' ? (t.text === ';' ? "';'" : 'end of line') : `'${t.text}'`;
  }

  private expect(kind: TokenKind, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(`expected ${what}, found ${this.describe(t)}`);
    return this.next();
  }

  private freshId(): string {
    let id: string;
    do id = `_t${++this.counter}`;
    while (this.names.has(id));
    return id;
  }

  private emit(op: string, args: Operand[], where: Token, attrs?: Record<string, number>): string {
    const id = this.freshId();
    this.nodes.push({ id, op, args, ...(attrs ? { attrs } : {}), where: at(where) });
    return id;
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) this.fail(`expression nested too deeply (more than ${MAX_DEPTH} levels)`, t);
  }

  /** Parses `name = expr` or `expr` up to the end of the statement; returns the statement's id. */
  statement(): string {
    const start = this.peek();
    let name: string | undefined;
    if (start.kind === 'name' && this.tokens[this.pos + 1].kind === '=') {
      name = start.text;
      this.pos += 2;
    }
    const first = this.nodes.length;
    const value = this.expression(0);
    const end = this.peek();
    if (end.kind !== 'eos' && end.kind !== 'end') this.fail(`unexpected ${this.describe(end)}`);
    if (this.nodes.length === first) {
      // The right side is a bare id or number: `a = x` becomes identity(x).
      if (name === undefined) this.fail('a statement needs an operation or an assignment', start);
      this.nodes.push({ id: name, op: 'identity', args: [value], where: at(start) });
      return name;
    }
    if (name !== undefined) this.nodes[this.nodes.length - 1].id = name;
    return name ?? (value as string);
  }

  private expression(minPower: number): Operand {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      const rule = t.kind === 'op' ? BINARY[t.text] : undefined;
      if (!rule || rule.left <= minPower) return left;
      this.next();
      this.enter(t);
      const right = this.expression(rule.right);
      this.depth--;
      left = this.emit(rule.op, [left, right], t);
    }
  }

  private prefix(): Operand {
    const t = this.next();
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.enter(t);
      const operand = this.expression(PREFIX_POWER);
      this.depth--;
      return t.text === '-' ? this.emit('neg', [operand], t) : operand;
    }
    if (t.kind === '(') {
      this.enter(t);
      const inner = this.expression(0);
      this.expect(')', "')'");
      this.depth--;
      return inner;
    }
    if (t.kind === 'name') return this.peek().kind === '(' ? this.call(t) : t.text;
    this.pos--;
    return this.fail(`expected a name, a number or '(', found ${this.describe(t)}`);
  }

  private call(name: Token): string {
    const def = lookupOp(name.text);
    if (!def) {
      const suggestions = nearestOpNames(name.text);
      throw specError(
        'UNKNOWN_OP',
        this.path,
        `unknown op '${name.text}' at ${at(name)}${suggestions.length ? `; nearest: ${suggestions.join(', ')}` : ''}`,
        { suggestions },
      );
    }
    this.next(); // '('
    this.enter(name);
    const given: { value: Operand; literal: number | undefined }[] = [];
    if (this.peek().kind !== ')') {
      for (;;) {
        const start = this.pos;
        const value = this.expression(0);
        const tokens = this.tokens.slice(start, this.pos);
        // An attr must be a number literal, optionally negated: `leaky_relu(z, -0.1)` is allowed.
        const literal =
          typeof value === 'number' ? value
          : tokens.length === 2 && tokens[0].text === '-' && tokens[1].kind === 'number' ? -Number(tokens[1].text)
          : undefined;
        given.push({ value, literal });
        if (this.peek().kind !== ',') break;
        this.next();
      }
    }
    this.expect(')', `',' or ')' to close ${name.text}(`);
    this.depth--;

    const arity = def.args.length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const signature = `${name.text} takes ${plural(arity, 'argument')}${def.attrs.length ? ` and up to ${plural(def.attrs.length, 'attr')} (${def.attrs.map((a) => a.name).join(', ')})` : ''}`;
    if (given.length < arity || given.length > arity + def.attrs.length) this.fail(`${signature}, got ${given.length}`, name);
    const attrs: Record<string, number> = {};
    given.slice(arity).forEach((g, k) => {
      if (g.literal === undefined) this.fail(`${name.text}'s attr ${def.attrs[k].name} must be a number`, name);
      attrs[def.attrs[k].name] = g.literal;
    });
    // A negated literal used as an attr must not leave its neg node behind.
    const attrNodes = given.slice(arity).filter((g) => typeof g.value === 'string').map((g) => g.value);
    if (attrNodes.length) this.nodes.splice(0, this.nodes.length, ...this.nodes.filter((n) => !attrNodes.includes(n.id)));
    return this.emit(name.text, given.slice(0, arity).map((g) => g.value), name, given.length > arity ? attrs : undefined);
  }

  atEnd(): boolean {
    while (this.peek().kind === 'eos') this.next();
    return this.peek().kind === 'end';
  }
}

export function parseExpr(text: string, path = 'graph.expr'): ParsedExpr {
  const tokens = tokenize(text, path);
  const names = new Set(tokens.filter((t) => t.kind === 'name').map((t) => t.text));
  const parser = new Parser(tokens, path, names);
  let output: string | undefined;
  while (!parser.atEnd()) output = parser.statement();
  if (output === undefined) throw specError('EXPR_SYNTAX', path, 'expr has no statements');
  return { nodes: parser.nodes, output };
}
