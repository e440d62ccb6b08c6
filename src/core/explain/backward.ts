/**
 * The backward pass, from the output down: the gradient of each id is what arrives from each
 * node that uses it, the gradient of that node times its local derivative (chain rule), summed
 * over the nodes. `dL/dz = dL/dy_hat · dy_hat/dz = -0.5 · 0.25 = -0.125`. On tensors, the op's rule
 * in the same notation: `dL/dz1 = dL/da1 ⊙ relu'(z1)`, `dL/dW2 = (dL/dz2)ᵀ a1`.
 *
 * An id's step comes once every node using it has had its own: nodes in reverse evaluation
 * order, each param as soon as it is complete, the inputs last (a network's, its data, not at
 * all). The numbers are the engine's: the step's value is its gradient, each contribution the
 * op's vector-Jacobian product.
 */
import { contributions } from '../../engine/evaluate.js';
import { INPUT, NODE, argsOf, opNameOf, opOf, scalarOf, shapeOf, sizeOfSlot, view } from '../../engine/tape.js';
import { type Tensor, sameShape, toJson, wireNumber } from '../../engine/tensor.js';
import { ONE, PREC, type Written, derivativeName, infix, sumOfTerms } from '../notation/written.js';
import { type Context, composedLocal, equation, gradientOf, wire } from './context.js';
import { chainWritten } from './local.js';
import type { Edge, Statement, Use } from './statements.js';
import type { BackwardStep, Incoming } from './steps.js';
import { ruleOf } from './rules.js';
import { words } from './words.js';
import { backwardWorked, hasWorked } from './worked.js';

interface Consumer {
  statement: Statement;
  use: Use;
}

const times = (a: Written, b: Written): Written => infix(a, '·', '\\cdot', b, PREC.product);

/** What the statement passes back to the use along its chains: the engine's vector-Jacobian products at the chains' last edges. */
function contribution(c: Context, use: Use): Tensor {
  const { tape } = c;
  const shape = shapeOf(tape, use.slot);
  const sum = new Float64Array(sizeOfSlot(tape, use.slot));
  for (const chain of use.chains) {
    const { k, j } = chain[chain.length - 1];
    const slot = tape.nodeSlot[k];
    const x = argsOf(tape, k).map((s) => view(tape, c.values, s));
    const part = contributions(tape, k, view(tape, c.grads, slot), x, view(tape, c.values, slot))[j];
    for (let i = 0; i < sum.length; i++) sum[i] += part.data[i];
  }
  return { shape, data: sum };
}

/** A use whose op broadcast it: its gradient is summed back to its own shape. */
function broadcast(c: Context, use: Use): boolean {
  const { tape } = c;
  return use.chains.some((chain) => {
    const { k } = chain[chain.length - 1];
    const kind = opOf(tape, k).kind;
    return (
      (kind === 'binary' || kind === 'elementwise') &&
      !sameShape(shapeOf(tape, use.slot), shapeOf(tape, tape.nodeSlot[k]))
    );
  });
}

/** One consumer's term in symbols and with numbers. */
function term(
  c: Context,
  { statement, use }: Consumer,
  id: string,
): { symbols: Written; numbers: Written; local?: number; part: Tensor } {
  const { tape, notation } = c;
  const from = tape.ids[statement.slot]!;
  const isOutput = statement.slot === tape.output;
  const part = contribution(c, use);
  if (statement.scalar) {
    const local = composedLocal(c, use.chains);
    if (isOutput)
      return { symbols: chainWritten(c, use.chains, false), numbers: chainWritten(c, use.chains, true), local, part };
    const g = scalarOf(tape, c.grads, statement.slot);
    return {
      symbols: times(derivativeName(c.output, from), derivativeName(from, id)),
      numbers: times(notation.number(g), notation.number(local)),
      part,
      local,
    };
  }
  // On tensors, each op's rule along the chain, the gradient from above by name; with the numbers
  // put in where the statement is one op, else its contribution.
  const g = isOutput ? ONE : derivativeName(c.output, from);
  const alongChain = (chain: readonly Edge[]): Written =>
    chain.reduce((above, e) => notation.gradientTo(e.k, e.j, above), g);
  const single = statement.nodes.length === 1;
  const gNumbers = isOutput ? ONE : gradientOf(c, statement.slot);
  return {
    symbols: sumOfTerms(use.chains.map(alongChain)),
    numbers:
      single && notation.numbersInRule(statement.k)
        ? sumOfTerms(use.chains.map(([e]) => notation.gradientTo(e.k, e.j, gNumbers, true)))
        : notation.array(part.data, part.shape),
    part,
  };
}

function step(c: Context, slot: number, consumers: readonly Consumer[]): BackwardStep {
  const { tape, notation } = c;
  const id = tape.ids[slot]!;
  const terms = consumers.map((consumer) => term(c, consumer, id));
  const name = derivativeName(c.output, id);
  const symbols = sumOfTerms(terms.map((t) => t.symbols));
  // Several tensor terms: their numbers are the contributions themselves.
  const numbers =
    terms.length > 1 && terms.some((t) => t.local === undefined)
      ? sumOfTerms(terms.map((t) => notation.array(t.part.data, t.part.shape)))
      : sumOfTerms(terms.map((t) => t.numbers));
  const incoming: Incoming[] = consumers.map(({ statement }, i) => ({
    from: tape.ids[statement.slot]!,
    gradient: wire(tape, c.grads, statement.slot),
    local: terms[i].local === undefined ? undefined : wireNumber(terms[i].local!),
    contribution: toJson(terms[i].part),
  }));
  const notes: string[] = [];
  if (consumers.length === 1 && consumers[0].statement.slot === tape.output)
    notes.push(words.fromOutput(c.output)[c.locale]);
  if (consumers.some((consumer) => broadcast(c, consumer.use))) notes.push(words.broadcast[c.locale]);
  consumers.forEach((consumer, i) => {
    const note = layerNote(c, consumer, terms[i].part);
    if (note) notes.push(note);
  });
  return {
    phase: 'backward',
    key: `d${c.output}/d${id}`,
    id,
    layer: c.layerOf(id),
    formula: equation([name, symbols]),
    ...equation([name, symbols, numbers, gradientOf(c, slot)]),
    value: wire(tape, c.grads, slot),
    incoming,
    note: notes.length ? notes.join('; ') : undefined,
  };
}

/**
 * A layer op's rule in words, and one element of what it passes back worked out with its numbers,
 * for a statement of that one op (each use of the id, once per arg it is).
 */
function layerNote(c: Context, { statement, use }: Consumer, part: Tensor): string | undefined {
  const { tape } = c;
  if (statement.nodes.length !== 1 || !hasWorked(tape, statement.k)) return undefined;
  const op = opNameOf(tape, statement.k);
  const parts: string[] = [];
  for (const [{ j }] of use.chains) {
    const rule = ruleOf(op, j);
    if (rule) parts.push(rule[c.locale]);
    // An id passed twice (concat(a, a)) gets both parts: the element is worked for one arg alone.
    const worked = use.chains.length === 1 ? backwardWorked(c, statement.k, j, part) : undefined;
    if (worked) parts.push(words.oneElement(worked.line.text)[c.locale]);
    if (worked?.words) parts.push(worked.words[c.locale]);
  }
  return parts.length ? parts.join('; ') : undefined;
}

export function backwardSteps(c: Context): BackwardStep[] {
  const { tape } = c;
  const consumers = new Map<number, Consumer[]>();
  const statements = c.statements.filter((st) => c.reach[st.slot]);
  for (const statement of statements) {
    for (const use of statement.uses) consumers.set(use.slot, [...(consumers.get(use.slot) ?? []), { statement, use }]);
  }
  const waiting = new Map<number, number>(Array.from(consumers, ([slot, list]) => [slot, list.length]));
  const out: BackwardStep[] = [];
  const inputs: BackwardStep[] = [];
  for (const statement of [...statements].reverse()) {
    if (statement.slot !== tape.output) out.push(step(c, statement.slot, consumers.get(statement.slot)!));
    for (const use of statement.uses) {
      const left = waiting.get(use.slot)! - 1;
      waiting.set(use.slot, left);
      if (left > 0 || tape.kind[use.slot] === NODE) continue;
      // A network's inputs are its data: nothing asks for their gradients.
      if (tape.kind[use.slot] === INPUT && tape.layers) continue;
      (tape.kind[use.slot] === INPUT ? inputs : out).push(step(c, use.slot, consumers.get(use.slot)!));
    }
  }
  return [...out, ...inputs];
}
