import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/engine/errors.js';
import { type ParsedExpr, parseExpr } from '../../src/specs/expr.js';
import { nearestOpNames } from '../../src/engine/suggest.js';

/** `id=op(arg,...)` per node, attrs appended as `{name:value}`. */
function flat(parsed: ParsedExpr): string[] {
  return parsed.nodes.map((n) => `${n.id}=${n.op}(${n.args.join(',')})${n.attrs ? JSON.stringify(n.attrs) : ''}`);
}

/** The expression tree under `id`, generated nodes inlined: `pow(x,pow(2,0.5))`. */
function tree(parsed: ParsedExpr, id: string): string {
  const node = parsed.nodes.find((n) => n.id === id)!;
  const inline = (a: string | number): string =>
    typeof a === 'string' && a.startsWith('_t') ? tree(parsed, a) : String(a);
  return `${node.op}(${node.args.map(inline).join(',')})${node.attrs ? JSON.stringify(node.attrs) : ''}`;
}

/** The single top expression of `text` as a tree. */
const shape = (text: string): string => {
  const parsed = parseExpr(text);
  return tree(parsed, parsed.output);
};

function errorOf(text: string, path?: string): SpecError {
  try {
    parseExpr(text, path);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseExpr', () => {
  describe("the tutorial's examples", () => {
    it('turns the neuron exercise into one node per operation', () => {
      const parsed = parseExpr('u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2');
      expect(flat(parsed)).toEqual([
        'u=mul(w,x)',
        'z=add(u,b)',
        'y_hat=sigmoid(z)',
        '_t1=sub(y_hat,y)',
        '_t2=pow(_t1,2)',
        'L=mul(0.5,_t2)',
      ]);
      expect(parsed.output).toBe('L');
      expect(parsed.nodes[0].args).toEqual(['w', 'x']);
      expect(parsed.nodes[4].args).toEqual(['_t1', 2]); // number literals stay numbers
    });

    it('wires a multi-line exercise with powers, attrs, unary minus and calls', () => {
      const parsed = parseExpr(
        'h = x ^ 2 ^ 0.5\nr = (x ^ 2) ^ 0.5\ns = leaky_relu(q * x, 0.1)\nt = -(p + x) / (1 + exp(-q))\nout = h + r * s - t',
      );
      expect(tree(parsed, 'h')).toBe('pow(x,pow(2,0.5))');
      expect(tree(parsed, 'r')).toBe('pow(pow(x,2),0.5)');
      expect(tree(parsed, 's')).toBe('leaky_relu(mul(q,x)){"alpha":0.1}');
      expect(tree(parsed, 't')).toBe('div(neg(add(p,x)),add(1,exp(neg(q))))');
      expect(tree(parsed, 'out')).toBe('sub(add(h,mul(r,s)),t)');
      expect(parsed.output).toBe('out');
      expect(parsed.nodes.map((n) => n.id)).toEqual([
        '_t1',
        'h',
        '_t2',
        'r',
        '_t3',
        's',
        '_t4',
        '_t5',
        '_t6',
        '_t7',
        '_t8',
        't',
        '_t9',
        '_t10',
        'out',
      ]);
    });

    it("records where each node's operator, call or statement was written", () => {
      const parsed = parseExpr('u = w*x\ny_hat = sigmoid(u)\nc = 3');
      expect(parsed.nodes.map((n) => n.where)).toEqual([
        { line: 1, column: 6 },
        { line: 2, column: 9 },
        { line: 3, column: 1 },
      ]);
    });
  });

  describe('precedence and associativity', () => {
    it('binds * and / tighter than + and -', () => {
      expect(shape('y = a + b * c')).toBe('add(a,mul(b,c))');
      expect(shape('y = a / b - c')).toBe('sub(div(a,b),c)');
    });

    it('makes + - * / left-associative', () => {
      expect(shape('y = a - b - c')).toBe('sub(sub(a,b),c)');
      expect(shape('y = a / b / c')).toBe('div(div(a,b),c)');
      expect(shape('y = a - b + c')).toBe('add(sub(a,b),c)');
    });

    it('makes ^ right-associative and tighter than * /', () => {
      expect(shape('y = x ^ 2 ^ 0.5')).toBe('pow(x,pow(2,0.5))');
      expect(shape('y = 2 * x ^ 3')).toBe('mul(2,pow(x,3))');
    });

    it('lets parentheses override binding', () => {
      expect(shape('y = (a + b) * c')).toBe('mul(add(a,b),c)');
      expect(shape('y = a - (b - c)')).toBe('sub(a,sub(b,c))');
      expect(shape('y = ((((a * b))))')).toBe('mul(a,b)');
    });
  });

  describe('unary minus', () => {
    it('binds looser than ^: -x^2 is neg(pow(x, 2))', () => {
      expect(shape('y = -x^2')).toBe('neg(pow(x,2))');
    });

    it('may stand in an exponent: 2^-1 is pow(2, neg(1))', () => {
      expect(shape('y = 2^-1')).toBe('pow(2,neg(1))');
      expect(shape('y = 2^-x*3')).toBe('mul(pow(2,neg(x)),3)');
    });

    it('binds tighter than * and chains', () => {
      expect(shape('y = -a * b')).toBe('mul(neg(a),b)');
      expect(shape('y = a - -b')).toBe('sub(a,neg(b))');
      expect(shape('y = --a')).toBe('neg(neg(a))');
    });

    it('treats unary + as a no-op', () => {
      expect(shape('y = +a * +b')).toBe('mul(a,b)');
      expect(flat(parseExpr('y = +a'))).toEqual(['y=identity(a)']);
    });
  });

  describe('calls', () => {
    it('calls any catalogue op with its arity, args being any expression', () => {
      expect(shape('L = bce(sigmoid(w*x + b), y)')).toBe('bce(sigmoid(add(mul(w,x),b)),y)');
      expect(shape('y = matmul(W, x)')).toBe('matmul(W,x)');
    });

    it('reads extra arguments as attrs, in catalogue order, allowing a negative literal', () => {
      expect(flat(parseExpr('s = leaky_relu(z, 0.1)'))).toEqual(['s=leaky_relu(z){"alpha":0.1}']);
      expect(flat(parseExpr('s = leaky_relu(z, -2.5e-1)'))).toEqual(['s=leaky_relu(z){"alpha":-0.25}']);
      expect(flat(parseExpr('s = leaky_relu(z)'))).toEqual(['s=leaky_relu(z)']); // default left to the catalogue
    });

    it('refuses an attr that is not a number literal', () => {
      for (const text of ['s = leaky_relu(z, a)', 's = leaky_relu(z, 2*0.1)', 's = leaky_relu(z, (0.1))']) {
        const e = errorOf(text);
        expect(e.code).toBe('EXPR_SYNTAX');
        expect(e.errors[0].message).toMatch(/^attr alpha of leaky_relu must be a number.* at line 1, column 19$/);
      }
    });

    it('names the op and its arity when given too many or too few arguments', () => {
      expect(errorOf('y = sigmoid(a, b)').errors[0].message).toBe(
        'sigmoid takes 1 argument, got 2 at line 1, column 5',
      );
      expect(errorOf('y = add(a)').errors[0].message).toBe('add takes 2 arguments, got 1 at line 1, column 5');
      expect(errorOf('y = sigmoid()').errors[0].message).toBe('sigmoid takes 1 argument, got 0 at line 1, column 5');
      const many = errorOf('y = leaky_relu(z, 0.1, 2)');
      expect(many.code).toBe('EXPR_SYNTAX');
      expect(many.errors[0].message).toBe(
        'leaky_relu takes 1 argument and up to 1 attr (alpha), got 3 at line 1, column 5',
      );
    });

    it('reads the args up to the first number, and the numbers after it as the attrs in catalogue order', () => {
      expect(flat(parseExpr('y = concat(a, b, c, 1)'))).toEqual(['y=concat(a,b,c){"axis":1}']);
      expect(flat(parseExpr('y = concat(a, b, c, d, e)'))).toEqual(['y=concat(a,b,c,d,e)']);
      expect(flat(parseExpr('y = conv2d(x, W, b, 2, 1)'))).toEqual(['y=conv2d(x,W,b){"stride":2,"padding":1}']);
      expect(flat(parseExpr('y = conv2d(x, W, 2)'))).toEqual(['y=conv2d(x,W){"stride":2}']);
      expect(flat(parseExpr('y = conv2d(x, W)'))).toEqual(['y=conv2d(x,W)']);
      expect(flat(parseExpr('y = slice(x, 1, -3, -1)'))).toEqual(['y=slice(x){"axis":1,"start":-3,"end":-1}']);
      expect(flat(parseExpr('y = max_pool2d(x, 3)'))).toEqual(['y=max_pool2d(x){"kernel":3}']);
    });

    it("reads a number among an op's required args as an arg, as before", () => {
      expect(flat(parseExpr('y = add(x, 1)'))).toEqual(['y=add(x,1)']);
      expect(flat(parseExpr('y = mul(0.5, x)'))).toEqual(['y=mul(0.5,x)']);
      // An expression after the required args is an arg (concat's third), a bare number an attr.
      expect(tree(parseExpr('y = concat(a, b, 2*c, 0)'), 'y')).toBe('concat(a,b,mul(2,c)){"axis":0}');
    });

    it('refuses an arg after the attrs, too many attrs, and too few args, naming the arity', () => {
      expect(errorOf('y = concat(a, b, 1, c)').errors[0].message).toBe(
        'concat takes at least 2 arguments and up to 1 attr (axis), got 4 at line 1, column 5',
      );
      expect(errorOf('y = conv2d(x, W, 1, c)').errors[0].message).toMatch(/^attr padding of conv2d must be a number/);
      expect(errorOf('y = conv2d(x, W, b, 1, 0, 2)').errors[0].message).toBe(
        'conv2d takes 2 or 3 arguments and up to 2 attrs (stride, padding), got 6 at line 1, column 5',
      );
      expect(errorOf('y = concat(a)').errors[0].message).toBe(
        'concat takes at least 2 arguments and up to 1 attr (axis), got 1 at line 1, column 5',
      );
      expect(errorOf('y = slice(x, 0, 1, 2, 3)').errors[0].message).toBe(
        'slice takes 1 argument and up to 3 attrs (axis, start, end), got 5 at line 1, column 5',
      );
    });

    it('refuses an unknown op with the nearest catalogue names', () => {
      const e = errorOf('y = 2 * sigmod(z)');
      expect(e.code).toBe('UNKNOWN_OP');
      expect(e.errors).toEqual([
        { path: 'graph.expr', message: "unknown op 'sigmod' at line 1, column 9; nearest: sigmoid" },
      ]);
      expect(e.extra).toEqual({ suggestions: ['sigmoid'] });
    });

    it('suggests at most 3 names within edit distance 3, closest first', () => {
      expect(nearestOpNames('sigmod')).toEqual(['sigmoid']);
      expect(nearestOpNames('Tanh')[0]).toBe('tanh');
      expect(nearestOpNames('relu_leaky')).toEqual([]);
      expect(nearestOpNames('su').length).toBeLessThanOrEqual(3);
      expect(nearestOpNames('su')[0]).toBe('sub');
      expect(errorOf('y = completely_unknown(x)').extra).toEqual({ suggestions: [] });
    });

    it('treats an op name without parentheses as a plain name', () => {
      expect(flat(parseExpr('y = sum + exp'))).toEqual(['y=add(sum,exp)']);
    });
  });

  describe('statements', () => {
    it('separates statements by ; or newlines, ignoring blank ones and a trailing ;', () => {
      const parsed = parseExpr('\n a = x*2 ;; \r\n\n b = a+1;\n');
      expect(flat(parsed)).toEqual(['a=mul(x,2)', 'b=add(a,1)']);
      expect(parsed.output).toBe('b');
    });

    it('gives a bare name or number on the right an identity node', () => {
      expect(flat(parseExpr('a = x; c = 3; d = (x)'))).toEqual(['a=identity(x)', 'c=identity(3)', 'd=identity(x)']);
    });

    it('lets a bare expression statement keep its generated id, and be the output', () => {
      const parsed = parseExpr('u = w*x; u + b');
      expect(flat(parsed)).toEqual(['u=mul(w,x)', '_t1=add(u,b)']);
      expect(parsed.output).toBe('_t1');
    });

    it('refuses a statement that is only a name or number', () => {
      for (const text of ['x', 'u = w*x; 3']) {
        const e = errorOf(text);
        expect(e.code).toBe('EXPR_SYNTAX');
        expect(e.errors[0].message).toMatch(/^a statement needs an operation or an assignment at line 1, column \d+$/);
      }
    });

    it('emits a reassigned name twice (the compiler reports the duplicate)', () => {
      expect(flat(parseExpr('a = x+1; a = x*2'))).toEqual(['a=add(x,1)', 'a=mul(x,2)']);
    });

    it('refuses text without statements', () => {
      for (const text of ['', '   ', ' ;\n ; \n']) {
        const e = errorOf(text);
        expect(e.code).toBe('EXPR_SYNTAX');
        expect(e.errors).toEqual([{ path: 'graph.expr', message: 'expr has no statements' }]);
      }
    });
  });

  describe('ids', () => {
    it('numbers generated ids in order of creation, skipping names used anywhere in the text', () => {
      const parsed = parseExpr('y = (a + b) * (c + _t1); _t3 = 1 - y; z = _t3 / 2 + 1');
      expect(flat(parsed)).toEqual([
        '_t2=add(a,b)',
        '_t4=add(c,_t1)',
        'y=mul(_t2,_t4)',
        '_t3=sub(1,y)',
        '_t5=div(_t3,2)',
        'z=add(_t5,1)',
      ]);
    });

    it('makes every id a valid name', () => {
      const parsed = parseExpr('h = x ^ 2 ^ 0.5\nt = -(p + x) / (1 + exp(-q))\n(t * h) - 1');
      for (const n of parsed.nodes) expect(n.id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    });
  });

  describe('numbers', () => {
    it('reads integers, decimals, leading dots and exponents', () => {
      expect(
        parseExpr('y = 3 + 0.5 + .5 + 1e-3 + 2.5E+2').nodes.flatMap((n) => n.args.filter((a) => typeof a === 'number')),
      ).toEqual([3, 0.5, 0.5, 0.001, 250]);
    });

    it('refuses malformed or infinite numbers', () => {
      expect(errorOf('y = 2x').errors[0].message).toBe(
        "malformed number '2x' at line 1, column 5; write 2*x for a product",
      );
      expect(errorOf('y = 1.2.3').errors[0].message).toBe("malformed number '1.2.3' at line 1, column 5");
      expect(errorOf('y = 1e999').errors[0].message).toBe("number '1e999' is too large at line 1, column 5");
    });
  });

  describe('syntax errors', () => {
    it('reports the offending token with its line and column (1-based)', () => {
      const cases: [string, string][] = [
        ['y = (a))', "unexpected ')' at line 1, column 8"],
        ['a = 1\ny = * b', "expected a name or number at line 2, column 5, found '*'"],
        ['y = a +', 'expected a name or number at line 1, column 8, found the end of the text'],
        ['y = a +\nb', 'expected a name or number at line 1, column 8, found the end of the line'],
        ['y = w x', "unexpected 'x' at line 1, column 7; write the product with *: w*x"],
        ['y = a = b', "unexpected '=' at line 1, column 7"],
        [
          'y = (a + b',
          "expected ')' (to close the '(' at line 1, column 5) but found the end of the text at line 1, column 11",
        ],
        [
          'y = add(a b)',
          "expected ',' or ')' in the call of add but found 'b' at line 1, column 11; write the product with *: a*b, or separate the args with a comma: a, b",
        ],
        ['y = add(a, )', "expected a name or number at line 1, column 12, found ')'"],
      ];
      for (const [text, message] of cases) {
        const e = errorOf(text);
        expect(e.code).toBe('EXPR_SYNTAX');
        expect(e.errors).toEqual([{ path: 'graph.expr', message }]);
      }
    });

    it('names an unexpected character and its position, with a hint', () => {
      expect(errorOf('y = a $ b').errors[0].message).toMatch(
        /^unexpected character '\$' at line 1, column 7; expr reads names, numbers, \+ - \* \/ \^/,
      );
      expect(errorOf('y = √x').errors[0].message).toBe(
        "unexpected character '√' at line 1, column 5; write sqrt(...) for a square root",
      );
    });

    it('refuses ** and points to ^', () => {
      const e = errorOf('y = x ** 2');
      expect(e.code).toBe('EXPR_SYNTAX');
      expect(e.errors[0].message).toBe("unexpected '**' at line 1, column 7; write powers with ^, as in x^2");
    });

    it('uses the given path', () => {
      expect(errorOf('y = )', 'problem.graph.expr').errors[0].path).toBe('problem.graph.expr');
    });

    it('never evaluates the text', () => {
      const e = errorOf('y = process.exit(1)');
      expect(e.code).toBe('EXPR_SYNTAX');
    });
  });

  describe('nesting', () => {
    it('accepts 200 levels', () => {
      expect(shape(`y = ${'('.repeat(199)}a * b${')'.repeat(199)}`)).toBe('mul(a,b)');
    });

    it('refuses deeper nesting of parentheses, unary minus and calls', () => {
      for (const text of [
        `y = ${'('.repeat(201)}a${')'.repeat(201)}`,
        `y = ${'-'.repeat(300)}a`,
        `y = ${'exp('.repeat(300)}a${')'.repeat(300)}`,
        `y = a${'^a'.repeat(300)}`,
      ]) {
        const e = errorOf(text);
        expect(e.code).toBe('EXPR_SYNTAX');
        expect(e.errors[0].message).toMatch(
          /^expression nested too deeply \(more than 200 levels\) at line 1, column \d+$/,
        );
      }
    });

    it('refuses a megabyte of open parentheses at the 201st, without overflowing the stack', () => {
      // The work is bounded by the text, not by the clock: a million characters read once is a
      // blink; a parse that went back over the text for each parenthesis (10^12 steps) would not
      // finish within the test's timeout, and one that recursed on each would overflow the stack.
      const e = errorOf(`y = ${'('.repeat(1_000_000)}`);
      expect(e.errors[0].message).toBe('expression nested too deeply (more than 200 levels) at line 1, column 205');
    });

    it('parses long flat chains without recursion limits', () => {
      const parsed = parseExpr(`y = a${' + a'.repeat(5000)}`);
      expect(parsed.nodes).toHaveLength(5000);
      expect(parsed.output).toBe('y');
    });
  });
});

describe('parseExpr: what the exercise statements print', () => {
  /** The Portuguese message of an error (SpecError.errors is English by default). */
  const portuguese = (e: SpecError): string => e.localized[0].message['pt-BR'];

  it.each([
    ['u = w·x', 'u = w*x'],
    ['u = w⋅x', 'u = w*x'],
    ['u = w × x', 'u = w * x'],
    ['y = 2∙x', 'y = 2*x'],
    ['L = ½·(y_hat - y)²', 'L = 0.5*(y_hat - y)^2'],
    ['L = ½(y_hat − y)²', 'L = 0.5*(y_hat - y)^2'],
    ['L = ½ (y_hat – y)²', 'L = 0.5*(y_hat - y)^2'],
    ['y = ½x', 'y = 0.5*x'],
    ['y = x³ − x²', 'y = x^3 - x^2'],
    ['y = -x²', 'y = -x^2'],
    ['y = 2^x²', 'y = 2^x^2'],
    ['y_hat = σ(z)', 'y_hat = sigmoid(z)'],
    ['y_hat = σ (z)', 'y_hat = sigmoid(z)'],
    ['y = e − ln(x)', 'y = e - log(x)'],
    ['y = a\u00a0+\u2009b', 'y = a + b'],
    ['L = −[y · ln(y_hat) + (1 − y) · ln(1 − y_hat)]', 'L = -(y * log(y_hat) + (1 - y) * log(1 - y_hat))'],
    ['L = ½[a − (b + c)]²', 'L = 0.5*(a - (b + c))^2'],
    ['y = a ⊙ b', 'y = a * b'],
  ])('%s reads as %s', (printed, ascii) => {
    expect(flat(parseExpr(printed))).toEqual(flat(parseExpr(ascii)));
  });

  it("reads the neuron exercise's formulas as the ASCII ones", () => {
    const printed = parseExpr('u = w·x\nz = u + b\ny_hat = σ(z)\nL = ½·(y_hat − y)²');
    expect(flat(printed)).toEqual(flat(parseExpr('u = w*x; z = u + b; y_hat = sigmoid(z); L = 0.5*(y_hat - y)^2')));
  });

  it('keeps the line and column of every node after the printed symbols', () => {
    const text = 'u = w·x\nL = ½(u − y)² + σ(u)';
    const where = parseExpr(text).nodes.map((n) => `${n.op} line ${n.where.line}, column ${n.where.column}`);
    // Counted by hand: `u = w·x` has · at 6; `L = ½(u − y)² + σ(u)` has ½ at 5, ( at 6, − at 9, ² at 13, + at 15, σ at 17.
    expect(where).toEqual([
      'mul line 1, column 6',
      'sub line 2, column 9',
      'pow line 2, column 13',
      'mul line 2, column 6', // ½ followed by '(': the product is placed at the '('
      'sigmoid line 2, column 17',
      'add line 2, column 15',
    ]);
    const e = errorOf('u = w·x; v = u² $ 1');
    expect(e.errors[0].message).toMatch(/ at line 1, column 17; /);
    expect(portuguese(e)).toMatch(/ na linha 1, coluna 17; /);
  });

  it.each([
    ['y = x ÷ 2', 'y = x ÷ 2'.indexOf('÷') + 1, 'write / for a division', 'escreva / para uma divisão'],
    ['y = √x', 5, 'write sqrt(...) for a square root', 'escreva sqrt(...) para uma raiz quadrada'],
    ['y = x⁴', 6, 'write powers with ^, as in x^4', 'escreva potências com ^, como em x^4'],
    ['y = x⁻¹', 6, 'as in x^(-1)', 'como em x^(-1)'],
    ['y = x²³', 6, 'as in x^23', 'como em x^23'],
    ['y = “x”', 5, 'quotes are not part of expr', 'aspas não fazem parte de expr'],
    ['`u = w·x`', 1, 'backticks are markdown', 'crases são markdown'],
    ['y = η·x', 5, 'write eta for η', 'escreva eta para η'],
    ['L = ŷ - y', 5, 'write y_hat for ŷ', 'escreva y_hat para ŷ'],
    ['y = σ + 1', 5, 'σ is sigmoid: write σ(z)', 'σ é a sigmoide: escreva σ(z)'],
    ['y = a — b', 7, 'write - for a minus', 'escreva - para o sinal de menos'],
    ['y = a @ b', 7, 'expr reads names, numbers', 'expr aceita nomes, números'],
    ['z1 = x · W1ᵀ + b1', 12, 'matmul(x, transpose(W))', 'matmul(x, transpose(W))'],
  ])('%s gets a hint in both languages', (text, column, en, pt) => {
    const e = errorOf(text);
    expect(e.code).toBe('EXPR_SYNTAX');
    expect(e.errors[0].message).toContain(` at line 1, column ${column}; `);
    expect(e.errors[0].message).toContain(en);
    expect(portuguese(e)).toContain(` na linha 1, coluna ${column}; `);
    expect(portuguese(e)).toContain(pt);
  });

  it('closes a bracket with a bracket, and calls with parentheses only', () => {
    expect(errorOf('y = [a + b)').errors[0].message).toBe(
      "expected ']' (to close the '[' at line 1, column 5) but found ')' at line 1, column 11",
    );
    expect(portuguese(errorOf('y = (a + b]'))).toBe(
      "esperava ')' (para fechar o '(' da linha 1, coluna 5), mas encontrou ']' na linha 1, coluna 11",
    );
    expect(errorOf('y = sigmoid[z]').errors[0].message).toBe("unexpected '[' at line 1, column 12");
    expect(errorOf('y = add(a, b]').errors[0].message).toBe(
      "expected ',' or ')' in the call of add but found ']' at line 1, column 13",
    );
  });

  it('points to the decimal point for a decimal comma', () => {
    const e = errorOf('L = 0,5*(y_hat - y)^2');
    expect(e.errors[0].message).toBe("unexpected ',' at line 1, column 6; write decimals with a point: 0.5");
    expect(portuguese(e)).toBe("não esperava ',' na linha 1, coluna 6; escreva decimais com ponto: 0.5");
  });

  it('writes every syntax message in both languages', () => {
    const texts = [
      'y = (a))',
      'a = 1\ny = * b',
      'y = a +',
      'y = (a + b',
      'y = add(a b)',
      'y = sigmoid(a, b)',
      'y = leaky_relu(x, a)',
      'y = sigmod(x)',
      'y = 2x',
      'y = 1e999',
      '',
      'y = x ** 2',
      `y = ${'('.repeat(300)}`,
      '3',
    ];
    for (const text of texts) {
      const e = errorOf(text);
      const { en, 'pt-BR': pt } = e.localized[0].message;
      expect(en).toBe(e.errors[0].message);
      expect(pt, text).not.toBe(en);
      expect(pt, text).toMatch(/linha \d+, coluna \d+|nenhuma instrução/);
      expect(pt, text).not.toMatch(/\b(at|line|column|unexpected|expected|found|the|takes|got|write|number)\b/);
    }
  });
});
