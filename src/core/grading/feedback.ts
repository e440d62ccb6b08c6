/**
 * Feedback sentences in the request's language (pt-BR or en): kind, specific, never the stack.
 * They quote the student's graph in the student's own notation (`at u = w · x: du/dw = x`), and a
 * hint names only derivatives on the path from the output down to the answered id.
 */
import { shapeOf } from '../../engine/tape.js';
import { MAX_RANK, type Shape, shapeText } from '../../engine/tensor.js';
import { type Localized, plural, quote, say } from '../../text.js';
import { readable } from '../notation/numbers.js';
import { PREC, wrap } from '../notation/written.js';
import type { GraphWords } from './chain.js';
import type { Target } from './keys.js';
import type { DiagnosisCode } from './mistakes.js';
import { MAX_ANSWER_TEXT_LENGTH, isOddPart, parseNumber, readsAsNonFinite } from './numbers.js';

export interface RoundingFacts {
  /** The place of the last written digit of the (coarsest) element that misses: 0.1 for 0.5. */
  unit?: number;
  /** For a single number: the answer and the value it rounds. */
  submitted?: number;
  reference?: number;
  /** The value it rounds was recomputed from these earlier answers (follow-through). */
  from?: string[];
  /** The answer equals the value recomputed from these rounded earlier answers: the rounding carried into this step. */
  carriedFrom?: string[];
  /** Decimal places that would have been enough at this tolerance. */
  keep?: number;
}

export interface FeedbackFacts {
  key: string;
  target: Target;
  correct: boolean;
  diagnosis: DiagnosisCode | null;
  /** The node whose local derivative the mistake changed, and with respect to which arg. */
  node?: number;
  arg?: number;
  followedFrom?: string[];
  /** Of `followedFrom`, the answers that were themselves roundings. */
  roundedEarlier?: string[];
  rounding?: RoundingFacts;
  /** not_finite: the earlier answers that make the follow-through value overflow (none: the expected value itself is not finite). */
  overflowFrom?: string[];
  raw?: unknown;
  /** The shape the answer should have had, when it had another, and the one it had. */
  shapeExpected?: Shape;
  shapeGot?: Shape;
}

/** Longer chains are written by their ends only. */
const MAX_CHAIN_FACTORS = 8;

/** `a`, `a and b`, `a, b and c`. */
const list = (items: readonly string[], and: string): string =>
  items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
/** `a, b and c` / `a, b e c`: keys named in a sentence or a table cell (src/core/grading/formats.ts). */
export const lists = (items: readonly string[]): Localized => say(list(items, 'and'), list(items, 'e'));

/** "your earlier answer for y_hat" / "da sua resposta anterior para y_hat" (with the preposition "de" that Portuguese contracts). */
function earlier(keys: readonly string[], rounded = false): Localized {
  const used = lists(keys);
  return keys.length === 1
    ? say(
        `your ${rounded ? 'rounded ' : ''}earlier answer for ${used.en}`,
        `da sua resposta anterior ${rounded ? 'arredondada ' : ''}para ${used['pt-BR']}`,
      )
    : say(
        `your ${rounded ? 'rounded ' : ''}earlier answers for ${used.en}`,
        `das suas respostas anteriores ${rounded ? 'arredondadas ' : ''}para ${used['pt-BR']}`,
      );
}

/** The ids a derivative-like answer runs between: d(of)/d(wrt); a step's is d(output)/d(param). */
function ends(w: GraphWords, t: Target): { of: number; wrt: number } | undefined {
  if (t.kind === 'derivative' || t.kind === 'fd') return { of: t.of, wrt: t.wrt };
  if (t.kind === 'step') return { of: w.tape.output, wrt: t.slot };
  return undefined;
}

/**
 * The one update a step(w) answer makes, from the initial params: `w ← w − lr · dL/dw`. SGD with
 * momentum starts with buf = dL/dw, so its first step is the same; Adam's first step has
 * m̂ = dL/dw and v̂ = (dL/dw)², so it moves by lr · dL/dw / (|dL/dw| + ε).
 */
function update(w: GraphWords, slot: number): string {
  const p = w.name(slot),
    g = w.d(w.tape.output, slot);
  return w.optimizer.name === 'adam' ? `${p} ← ${p} − lr · ${g} / (|${g}| + ε)` : `${p} ← ${p} − lr · ${g}`;
}

/**
 * The chain rule from `of` down to `wrt`: `dL/dw = dL/dy_hat · … · du/dw`, and with `formulas`
 * each local derivative's formula (`, with dL/dy_hat = y_hat − y, …`). Undefined when the path
 * forks or there is none.
 */
function chainRule(w: GraphWords, of: number, wrt: number, formulas: boolean): Localized | undefined {
  const factors = w.chain(of, wrt);
  if (factors === 'branches' || factors.length === 0) return undefined;
  if (factors.length > MAX_CHAIN_FACTORS) {
    const names = factors.map((f) => w.d(f.of, f.wrt));
    const text = `${w.d(of, wrt)} = ${names.slice(0, 2).join(' · ')} · … · ${names.slice(-2).join(' · ')}`;
    return say(text, text);
  }
  const rule = w.chainRule(of, wrt, factors);
  const known = formulas
    ? factors.filter((f) => f.formula !== undefined).map((f) => `${w.d(f.of, f.wrt)} = ${f.formula}`)
    : [];
  if (!known.length) return say(rule, rule);
  if (factors.length === 1) return say(known[0], known[0]);
  return say(`${rule}, with ${list(known, 'and')}`, `${rule}, com ${list(known, 'e')}`);
}

type Hint = (w: GraphWords, f: FeedbackFacts) => Localized;

const signError: Hint = (w, f) => {
  if (f.node !== undefined && f.arg !== undefined) {
    const arg = w.argSlot(f.node, f.arg);
    const local = w.local(f.node, f.arg);
    const rule = local ? `${w.d(f.node, arg)} = ${local.text}` : w.d(f.node, arg);
    const at = w.statement(f.node);
    return say(
      `${f.key}: the sign of one local derivative is flipped, at ${at}: ${rule}.`,
      `${f.key}: o sinal de uma derivada local está trocado, em ${at}: ${rule}.`,
    );
  }
  const head = say(
    `${f.key}: the size is right but the sign is flipped.`,
    `${f.key}: o valor absoluto está certo, mas o sinal está trocado.`,
  );
  const t = f.target;
  if (t.kind === 'value') {
    if (!w.isNode(t.slot)) return head;
    const at = w.statement(t.slot);
    return say(
      `${head.en} Recompute ${at} and watch the signs.`,
      `${head['pt-BR']} Refaça ${at} com atenção aos sinais.`,
    );
  }
  if (t.kind === 'step')
    return say(
      `${head.en} The update is ${update(w, t.slot)}.`,
      `${head['pt-BR']} A atualização é ${update(w, t.slot)}.`,
    );
  const { of, wrt } = ends(w, t)!;
  const chain = chainRule(w, of, wrt, true);
  const from = w.name(of),
    to = w.name(wrt);
  return chain
    ? say(
        `${head.en} Check the sign of each local derivative on the path from ${from} to ${to}: ${chain.en}.`,
        `${head['pt-BR']} Confira o sinal de cada derivada local no caminho de ${from} até ${to}: ${chain['pt-BR']}.`,
      )
    : say(
        `${head.en} Check the sign of each local derivative on the paths from ${from} to ${to}.`,
        `${head['pt-BR']} Confira o sinal de cada derivada local nos caminhos de ${from} até ${to}.`,
      );
};

/** `dy_hat/dz = σ'(z) = y_hat · (1 − y_hat)`, the activation's local derivative in the student's notation. */
function activationDerivative(w: GraphWords, node: number): string {
  const z = w.argSlot(node, 0);
  const local = w.local(node, 0)?.text;
  // relu's and leaky_relu's derivatives are written as f'(z) already.
  const prime = local?.includes("'(") ? undefined : w.prime(node);
  const forms = [w.d(node, z), prime, local].filter(
    (s, i, all): s is string => s !== undefined && all.indexOf(s) === i,
  );
  return forms.join(' = ');
}

/** `dL/dz = dL/dy_hat · dy_hat/dz` for the node's arg j; empty when the answer is that local derivative itself. */
function throughNode(w: GraphWords, f: FeedbackFacts, node: number, j: number): string {
  const of = ends(w, f.target)?.of;
  if (of === undefined || of === node) return '';
  const times = w.local(node, j) ? '·' : '⊙';
  return `${w.d(of, w.argSlot(node, j))} = ${w.d(of, node)} ${times} ${w.d(node, w.argSlot(node, j))}`;
}

const missingActivationDerivative: Hint = (w, f) => {
  const node = f.node!;
  const at = w.statement(node),
    rule = throughNode(w, f, node, 0),
    derivative = activationDerivative(w, node);
  return rule
    ? say(
        `${f.key}: the derivative of the activation is missing, at ${at}. Going back through it, multiply by its local derivative: ${rule}, with ${derivative}.`,
        `${f.key}: falta a derivada da função de ativação, em ${at}. Ao voltar por ela, multiplique pela derivada local: ${rule}, com ${derivative}.`,
      )
    : say(
        `${f.key}: the derivative of the activation is missing, at ${at}: ${derivative}.`,
        `${f.key}: falta a derivada da função de ativação, em ${at}: ${derivative}.`,
      );
};

const activationInsteadOfDerivative: Hint = (w, f) => {
  const node = f.node!;
  const at = w.statement(node),
    value = w.name(node),
    derivative = activationDerivative(w, node);
  return say(
    `${f.key}: at ${at}, you used the activation's value ${value} where its derivative belongs: ${derivative}, not ${value}.`,
    `${f.key}: em ${at}, você usou o valor da ativação, ${value}, onde vai a sua derivada: ${derivative}, e não ${value}.`,
  );
};

const missingInputFactor: Hint = (w, f) => {
  const node = f.node!,
    j = f.arg!;
  const at = w.statement(node),
    arg = w.argSlot(node, j),
    other = w.name(w.argSlot(node, 1 - j));
  const local = w.local(node, j);
  if (!local) {
    return say(
      `${f.key}: a factor of the product is missing, at ${at}: the derivative with respect to ${w.name(arg)} keeps the other factor, ${other}.`,
      `${f.key}: falta um fator do produto, em ${at}: a derivada em relação a ${w.name(arg)} mantém o outro fator, ${other}.`,
    );
  }
  const of = ends(w, f.target)?.of;
  const rule = `${w.d(node, arg)} = ${local.text}`;
  if (of === undefined || of === node)
    return say(
      `${f.key}: a factor of the product is missing, at ${at}: ${rule}.`,
      `${f.key}: falta um fator do produto, em ${at}: ${rule}.`,
    );
  const so = `${w.d(of, arg)} = ${w.d(of, node)} · ${wrap(local, PREC.product).text}`;
  return say(
    `${f.key}: a factor of the product is missing, at ${at}: ${rule}, so ${so}.`,
    `${f.key}: falta um fator do produto, em ${at}: ${rule}, então ${so}.`,
  );
};

const lossFactor: Hint = (w, f) => {
  const node = f.node!;
  const at = w.statement(node);
  const wrt = ends(w, f.target)?.wrt;
  const j = wrt === undefined ? 0 : Math.max(0, w.argToward(node, wrt));
  const local = w.local(node, j);
  if (!local) {
    return say(
      `${f.key}: off by a factor of 2, at ${at}. The derivative of a square brings its 2 down exactly once: the derivative of e² is 2e.`,
      `${f.key}: o resultado difere por um fator 2, em ${at}. Na derivada de um quadrado, o expoente 2 desce multiplicando uma única vez: a derivada de e² é 2e.`,
    );
  }
  const rule = `${w.d(node, w.argSlot(node, j))} = ${local.text}`;
  // A square inside a statement (`L = 0.5*(y_hat - y)^2`): also the statement's own local derivative.
  const whole = wrt === undefined ? undefined : w.statementFactor(node, wrt);
  const so =
    whole && whole.of !== node && whole.formula !== undefined
      ? `${w.d(whole.of, whole.wrt)} = ${whole.formula}`
      : undefined;
  return say(
    `${f.key}: off by a factor of 2, at ${at}. The derivative of a square brings its 2 down exactly once: ${rule}${so ? `, so ${so}` : ''}.`,
    `${f.key}: o resultado difere por um fator 2, em ${at}. Na derivada de um quadrado, o expoente 2 desce multiplicando uma única vez: ${rule}${so ? `, então ${so}` : ''}.`,
  );
};

const updateWrongDirection: Hint = (w, f) => {
  const t = f.target;
  const rule = t.kind === 'step' ? update(w, t.slot) : 'w ← w − lr · dL/dw';
  return say(
    `${f.key}: the update went along the gradient. Gradient descent moves against it: ${rule} (lr: the learning rate).`,
    `${f.key}: a atualização foi no sentido do gradiente. A descida do gradiente vai no sentido contrário: ${rule} (lr: a taxa de aprendizado).`,
  );
};

/** What a value of this shape is: "a single number", "a tensor of shape [2, 3]". */
const aValueOf = (shape: Shape): Localized =>
  shape.length
    ? say(`a tensor of shape ${shapeText(shape)}`, `um tensor de formato ${shapeText(shape)}`)
    : say('a single number', 'um único número');

/**
 * Whose shape a key's value has: `dL/dW has the shape of W, [3, 2]: …` for a derivative, `step(W)
 * has the shape of W, [3, 2].`, `h has shape [3, 2].`
 */
function shapeRule(w: GraphWords, f: FeedbackFacts): Localized {
  const t = f.target;
  const shape = shapeText(shapeOf(w.tape, t.kind === 'value' || t.kind === 'step' ? t.slot : t.wrt));
  if (t.kind === 'derivative' || t.kind === 'fd') {
    const x = w.name(t.wrt);
    return say(
      `${f.key} has the shape of ${x}, ${shape}: its row i, column j is the derivative with respect to row i, column j of ${x}.`,
      `${f.key} tem o formato de ${x}, ${shape}: a sua linha i, coluna j é a derivada em relação à linha i, coluna j de ${x}.`,
    );
  }
  if (t.kind === 'step')
    return say(
      `${f.key} has the shape of ${w.name(t.slot)}, ${shape}.`,
      `${f.key} tem o formato de ${w.name(t.slot)}, ${shape}.`,
    );
  return say(`${f.key} has shape ${shape}.`, `${f.key} tem formato ${shape}.`);
}

const transposed: Hint = (w, f) => {
  const rule = shapeRule(w, f);
  return say(
    `${f.key}: the answer is transposed: its rows are the columns of the expected value. ${rule.en}`,
    `${f.key}: a resposta está transposta: as suas linhas são as colunas do valor esperado. ${rule['pt-BR']}`,
  );
};

/** An answer of another shape, which no change of layout explains: both shapes, and how to write a vector. */
function otherShape(f: FeedbackFacts): Localized {
  const expected = f.shapeExpected!,
    got = f.shapeGot ?? [];
  const want = aValueOf(expected);
  const has = got.length
    ? say(`the answer has shape ${shapeText(got)}`, `a resposta tem formato ${shapeText(got)}`)
    : say('the answer is a single number', 'a resposta é um único número');
  const head = say(
    `${f.key}: expected ${want.en}, but ${has.en}.`,
    `${f.key}: esperava-se ${want['pt-BR']}, mas ${has['pt-BR']}.`,
  );
  // A vector written as a 1×n row or an n×1 column: the same numbers, in another shape.
  const n = expected[0];
  if (expected.length === 1 && got.length === 2 && got.includes(1) && got[0] * got[1] === n) {
    return say(
      `${head.en} Write a vector as one flat list of its ${n} numbers, not as a row or a column.`,
      `${head['pt-BR']} Escreva um vetor como uma única lista com os seus ${n} números, não como uma linha nem uma coluna.`,
    );
  }
  return head;
}

/** The places of 1, 10, 100 and 1000, by their power of 10. */
const WHOLE_PLACES: readonly Localized[] = [
  say('a whole number', 'um número inteiro'),
  say('the tens', 'as dezenas'),
  say('the hundreds', 'as centenas'),
  say('the thousands', 'os milhares'),
];

/** "1 decimal place", "a whole number", "the tens": the digit an answer was rounded to. */
function place(unit: number): Localized {
  const p = Math.round(Math.log10(unit));
  if (p < 0) return say(plural(-p, 'decimal place', 'decimal places'), plural(-p, 'casa decimal', 'casas decimais'));
  return WHOLE_PLACES[p] ?? say(`a multiple of 10^${p}`, `um múltiplo de 10^${p}`);
}

const NOTHING = say('', '');

/** " 4 decimal places are enough here." when more decimals would have done. */
function enough(keep: number | undefined): Localized {
  if (keep === undefined || !Number.isFinite(keep) || keep <= 0) return NOTHING;
  return keep === 1
    ? say(': 1 decimal place is enough here', ': 1 casa decimal basta aqui')
    : say(`: ${keep} decimal places are enough here`, `: ${keep} casas decimais bastam aqui`);
}

const rounding: Hint = (w, f) => {
  const r = f.rounding!;
  const locale = w.locale;
  if (r.carriedFrom?.length) {
    const from = earlier(r.carriedFrom, true);
    return say(
      `${f.key}: this step is right from ${from.en}, but rounding early carried into it, and the result misses the tolerance. Keep more digits in intermediate results and round only the final answer.`,
      `${f.key}: este passo está certo a partir ${from['pt-BR']}, mas o arredondamento feito cedo se propagou até aqui, e o resultado ficou fora da tolerância. Mantenha mais casas decimais nos resultados intermediários e arredonde só a resposta final.`,
    );
  }
  const to = place(r.unit!),
    keep = enough(r.keep);
  // An answer rounded to a whole number or coarser lost digits before the decimal point too.
  const more = r.unit! >= 1 ? 'Mantenha mais algarismos' : 'Mantenha mais casas decimais';
  const advice = say(
    `Keep more digits, in intermediate results too${keep.en}.`,
    `${more}, também nos resultados intermediários${keep['pt-BR']}.`,
  );
  if (r.submitted === undefined || r.reference === undefined) {
    return say(
      `${f.key}: the answer was rounded to ${to.en}, too coarse for the tolerance. ${advice.en}`,
      `${f.key}: a resposta foi arredondada para ${to['pt-BR']}, o que é grosseiro demais para a tolerância. ${advice['pt-BR']}`,
    );
  }
  const value = readable(r.reference, locale),
    written = readable(r.submitted, locale);
  const source = r.from?.length ? earlier(r.from) : undefined;
  const what = source
    ? say(`${value}, the value that follows from ${source.en},`, `${value}, o valor que decorre ${source['pt-BR']},`)
    : say(value, value);
  // Within half a unit of its last digit the answer is the value rounded there; further off (a
  // truncation, or a slip in that digit) it only agrees with the value to that digit.
  // (A half that is a tie, 0.13 for 0.125, is a rounding: the slack absorbs float64's error.)
  if (Math.abs(r.submitted - r.reference) > (r.unit! / 2) * (1 + 1e-9)) {
    return say(
      `${f.key}: your answer (${written}) is off from ${what.en} by up to one unit of its last written digit (${to.en}): cut or rounded too early, too coarse for the tolerance. ${advice.en}`,
      `${f.key}: a sua resposta (${written}) difere de ${what['pt-BR']} em até uma unidade do último algarismo escrito (${to['pt-BR']}): cortada ou arredondada cedo demais, o que é grosseiro demais para a tolerância. ${advice['pt-BR']}`,
    );
  }
  return say(
    `${f.key}: you rounded ${what.en} to ${to.en} (${written}), too coarse for the tolerance. ${advice.en}`,
    `${f.key}: você arredondou ${what['pt-BR']} para ${to['pt-BR']} (${written}), o que é grosseiro demais para a tolerância. ${advice['pt-BR']}`,
  );
};

/**
 * LMS graders send "" or null for a question the student left empty (an array of those, or [],
 * for an empty grid). Answers are read at most MAX_RANK lists deep (numbers.ts), so this ends.
 */
const isBlank = (raw: unknown): boolean =>
  Array.isArray(raw) ? raw.every(isBlank) : raw === null || (typeof raw === 'string' && raw.trim() === '');

/** The first element of an answer that is not a number we can read (the answer itself for a scalar). */
const unreadable = (raw: unknown): unknown =>
  Array.isArray(raw) ? raw.flat(MAX_RANK).find((x) => parseNumber(x) === undefined) : raw;

/** How a feedback sentence quotes an element it cannot read: as typed, an object as its JSON text. */
const quoted = (bad: unknown): string => quote(isOddPart(bad) ? bad.text : String(bad));

const WRITE_A_NUMBER = say(
  'Write a decimal such as 0.25 or 0,25, or a fraction such as 1/4.',
  'Escreva um decimal como 0,25 ou 0.25, ou uma fração como 1/4.',
);

const unparseable: Hint = (_w, f) => {
  if (isBlank(f.raw)) return say(`${f.key}: no answer was given.`, `${f.key}: nenhuma resposta foi dada.`);
  const bad = unreadable(f.raw);
  if (bad === undefined || (isOddPart(bad) && bad.odd === 'nested')) {
    // Every element reads as a number: the rows are ragged, or numbers and rows are mixed.
    return say(
      `${f.key}: the answer is neither a list of numbers nor rows of equal length.`,
      `${f.key}: a resposta não é uma lista de números nem linhas de mesmo comprimento.`,
    );
  }
  if (isBlank(bad))
    return say(
      `${f.key}: an element of the answer is empty: write a number in each one.`,
      `${f.key}: um elemento da resposta está vazio: escreva um número em cada um.`,
    );
  if (typeof bad === 'string' && bad.length > MAX_ANSWER_TEXT_LENGTH) {
    return say(
      `${f.key}: '${quoted(bad)}' is too long to read as a number (${bad.length} characters, at most ${MAX_ANSWER_TEXT_LENGTH}). ${WRITE_A_NUMBER.en}`,
      `${f.key}: '${quoted(bad)}' é longo demais para ser lido como número (${bad.length} caracteres, no máximo ${MAX_ANSWER_TEXT_LENGTH}). ${WRITE_A_NUMBER['pt-BR']}`,
    );
  }
  if (isOddPart(bad)) {
    return say(
      `${f.key}: '${quoted(bad)}' is an object, not a number. ${WRITE_A_NUMBER.en} An object gives an answer a tolerance of its own only as \`{"value": …, "tolerance": {…}}\`.`,
      `${f.key}: '${quoted(bad)}' é um objeto, não um número. ${WRITE_A_NUMBER['pt-BR']} Um objeto só dá a uma resposta uma tolerância própria na forma \`{"value": …, "tolerance": {…}}\`.`,
    );
  }
  if (readsAsNonFinite(bad)) {
    return say(
      `${f.key}: '${quoted(bad)}' is not a finite number (it is infinite, NaN, or beyond ±1.8e308). Write a finite number: a decimal such as 0.25 or 0,25, or a fraction such as 1/4.`,
      `${f.key}: '${quoted(bad)}' não é um número finito (é infinito, NaN ou passa de ±1,8e308). Escreva um número finito: um decimal como 0,25 ou 0.25, ou uma fração como 1/4.`,
    );
  }
  return say(
    `${f.key}: '${quoted(bad)}' is not a number we can read. ${WRITE_A_NUMBER.en}`,
    `${f.key}: não conseguimos ler '${quoted(bad)}' como número. ${WRITE_A_NUMBER['pt-BR']}`,
  );
};

/** Compared with a value that is not finite: the spec's own, or one the student's earlier answers make overflow. */
const notFinite: Hint = (_w, f) => {
  if (!f.overflowFrom?.length) {
    return say(
      `${f.key}: not correct. The expected value is not a finite number (NaN or infinite) in this problem, so no answer can get credit for it.`,
      `${f.key}: incorreto. O valor esperado não é um número finito (NaN ou infinito) neste problema, então nenhuma resposta pode receber crédito por ele.`,
    );
  }
  const from = earlier(f.overflowFrom);
  const one = f.overflowFrom.length === 1;
  return say(
    `${f.key}: not correct. Computed from ${from.en}, this step overflows (it is not a finite number), so it gets no credit for following from ${one ? 'it' : 'them'}.`,
    `${f.key}: incorreto. Calculado a partir ${from['pt-BR']}, este passo estoura (não é um número finito), então não recebe crédito por decorrer ${one ? 'dela' : 'delas'}.`,
  );
};

const missingDropoutScale: Hint = (w, f) => {
  const at = w.statement(f.node!);
  return say(
    `${f.key}: the scale of the dropout is missing, at ${at}: the kept elements are multiplied by 1/(1 − p) in the backward pass as in the forward pass.`,
    `${f.key}: falta a escala do dropout, em ${at}: os elementos mantidos são multiplicados por 1/(1 − p) no passo para trás como no passo para frente.`,
  );
};

const poolGradientToWindow: Hint = (w, f) => {
  const at = w.statement(f.node!);
  return say(
    `${f.key}: at ${at}, the gradient of each window goes only to its largest element, and the others get 0: not to every element of the window.`,
    `${f.key}: em ${at}, o gradiente de cada janela vai só para o seu maior elemento, e os outros recebem 0: não para todos os elementos da janela.`,
  );
};

const hints: Record<DiagnosisCode, Hint> = {
  sign_error: signError,
  missing_activation_derivative: missingActivationDerivative,
  activation_instead_of_derivative: activationInsteadOfDerivative,
  missing_input_factor: missingInputFactor,
  loss_factor: lossFactor,
  update_wrong_direction: updateWrongDirection,
  missing_dropout_scale: missingDropoutScale,
  pool_gradient_to_window: poolGradientToWindow,
  transposed,
  rounding,
  unparseable,
  not_finite: notFinite,
};

const followedThrough: Hint = (_w, f) => {
  const used = earlier(f.followedFrom!);
  const main = say(
    `${f.key}: correct given ${used.en} (error carried forward): this step itself is right.`,
    `${f.key}: correto a partir ${used['pt-BR']} (erro propagado): este passo em si está certo.`,
  );
  if (!f.roundedEarlier?.length) return main;
  const rounded = lists(f.roundedEarlier);
  return say(
    `${main.en} The error comes from rounding ${rounded.en} early: keep more digits there.`,
    `${main['pt-BR']} O erro vem do arredondamento precoce de ${rounded['pt-BR']}: mantenha mais casas decimais ali.`,
  );
};

/** A wrong answer that no mistake explains: how to recompute it, in the student's notation. */
const recompute: Hint = (w, f) => {
  const head = say(`${f.key}: not correct.`, `${f.key}: incorreto.`);
  const t = f.target;
  if (t.kind === 'value') {
    if (!w.isNode(t.slot))
      return say(
        `${head.en} ${w.name(t.slot)} is given in the problem: write it as given.`,
        `${head['pt-BR']} ${w.name(t.slot)} é dado no problema: escreva-o como foi dado.`,
      );
    const at = w.statement(t.slot);
    return say(
      `${head.en} Recompute ${at} from the values before it.`,
      `${head['pt-BR']} Refaça ${at} a partir dos valores anteriores.`,
    );
  }
  if (t.kind === 'step')
    return say(
      `${head.en} Recompute it: ${update(w, t.slot)}.`,
      `${head['pt-BR']} Refaça o cálculo: ${update(w, t.slot)}.`,
    );
  if (t.kind === 'fd') {
    const of = w.name(t.of),
      x = w.name(t.wrt);
    const formula = `(${of}(${x} + ε) − ${of}(${x} − ε)) / (2ε)`;
    return say(`${head.en} Recompute it: ${formula}.`, `${head['pt-BR']} Refaça o cálculo: ${formula}.`);
  }
  const { of, wrt } = t;
  const d = w.d(of, wrt),
    from = w.name(of),
    to = w.name(wrt);
  if (of === wrt) return say(`${head.en} ${d} is always 1.`, `${head['pt-BR']} ${d} é sempre 1.`);
  const factors = w.chain(of, wrt);
  if (factors === 'branches') {
    return say(
      `${head.en} Recompute it by the chain rule, adding up the contributions of every path from ${from} to ${to}.`,
      `${head['pt-BR']} Refaça pela regra da cadeia, somando as contribuições de todos os caminhos de ${from} até ${to}.`,
    );
  }
  if (factors.length === 0)
    return say(
      `${head.en} ${from} does not depend on ${to}, so ${d} = 0.`,
      `${head['pt-BR']} ${from} não depende de ${to}, então ${d} = 0.`,
    );
  // One statement: its local derivative's formula; a longer chain: its factors by name.
  if (factors.length === 1) {
    const { formula } = factors[0];
    if (formula === undefined) {
      const at = w.statement(of);
      return say(
        `${head.en} Recompute it by differentiating ${at} with respect to ${to}.`,
        `${head['pt-BR']} Refaça a derivada de ${at} em relação a ${to}.`,
      );
    }
    return say(`${head.en} Recompute it: ${d} = ${formula}.`, `${head['pt-BR']} Refaça o cálculo: ${d} = ${formula}.`);
  }
  const chain = chainRule(w, of, wrt, false)!;
  return say(
    `${head.en} Recompute it by the chain rule: ${chain.en}.`,
    `${head['pt-BR']} Refaça pela regra da cadeia: ${chain['pt-BR']}.`,
  );
};

export function feedback(w: GraphWords, f: FeedbackFacts): string {
  const { locale } = w;
  if (f.diagnosis) return hints[f.diagnosis](w, f)[locale];
  if (f.correct && f.followedFrom?.length) return followedThrough(w, f)[locale];
  if (f.correct) return say(`${f.key}: correct.`, `${f.key}: correto.`)[locale];
  if (f.shapeExpected) return otherShape(f)[locale];
  return recompute(w, f)[locale];
}

/** One sentence for the whole submission; the noun agrees with the number of answers. */
export function summary(locale: GraphWords['locale'], correct: number, total: number): string {
  return say(
    `${correct} of ${total} ${total === 1 ? 'answer' : 'answers'} correct.`,
    `${correct} de ${total} ${total === 1 ? 'resposta correta' : 'respostas corretas'}.`,
  )[locale];
}
