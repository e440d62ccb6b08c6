/**
 * An authored exercise's statement: the author's text with its `{id}` placeholders filled, or one
 * written from the graph as the graph templates write theirs; then the keys to compute and how to
 * answer, in the student's language.
 */
import { specError } from '../../../engine/errors.js';
import { NODE } from '../../../engine/tape.js';
import { type Localized, quote, say } from '../../../text.js';
import type { AuthoredExerciseInput } from '../../../schemas/authored.js';
import type { Locale, Prose } from '../format.js';
import { given } from '../graph-template.js';
import { NEURON_KEYS } from '../catalog/neurons.js';
import { NETWORK_KEYS } from '../catalog/network.js';
import type { DenseLayerSpec, NetworkSpec, NeuronSpec } from '../../../specs/spec.js';
import { networkComputes, networkSetting, neuronDefinition, neuronHeading, neuronSetting } from './setting.js';
import type { Solved } from '../solve.js';
import { type KeyMeanings, askFor, computes, howToAnswer } from '../words.js';
import type { SpecKind } from './spec.js';

type AuthoredText = NonNullable<AuthoredExerciseInput['statement']>;

/** `{{`, `}}`, or `{name}`: the placeholders and their escapes. */
const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g;

/** The text in the locale, else in the other language; undefined when neither is given. */
export function inLocale(text: AuthoredText | undefined, locale: Locale): string | undefined {
  if (!text) return undefined;
  return text[locale] ?? text[locale === 'en' ? 'pt-BR' : 'en'];
}

/** A placeholder's value in the prose: a given number as drawn, a computed one rounded. */
function placeholderValue(s: Solved, p: Prose, name: string): string | undefined {
  if (name === 'learningRate') return p.given(s.problem.learningRate);
  if (name === 'epsilon' && s.problem.epsilon !== undefined) return p.given(s.problem.epsilon);
  if (!s.graph.ids.includes(name)) return undefined;
  const slot = s.graph.ids.indexOf(name);
  const format = s.graph.kind[slot] === NODE ? (x: number) => p.n(x) : p.given;
  const t = s.value(name);
  return t.shape.length === 0 ? format(t.data[0]) : p.tensor(t, format);
}

/** Every placeholder of both languages names an id or a setting: else a 422 at the text. */
export function checkPlaceholders(s: Solved, field: 'title' | 'statement', text: AuthoredText | undefined, p: Prose) {
  for (const locale of ['en', 'pt-BR'] as const) {
    const source = text?.[locale];
    if (source === undefined) continue;
    for (const m of source.matchAll(PLACEHOLDER)) {
      if (m[1] !== undefined && placeholderValue(s, p, m[1]) === undefined) {
        throw specError(
          'INVALID_SPEC',
          `exercise.${field}.${locale}`,
          say(
            `the placeholder {${quote(m[1])}} names no id of the graph (nor learningRate, epsilon); write {{ for a brace`,
            `o marcador {${quote(m[1])}} não nomeia nenhum id do grafo (nem learningRate, epsilon); escreva {{ para uma chave`,
          ),
        );
      }
    }
  }
}

export const fillPlaceholders = (text: string, s: Solved, p: Prose): string =>
  text.replace(PLACEHOLDER, (all, name?: string) =>
    name === undefined ? all[0] : (placeholderValue(s, p, name) ?? all),
  );

const DEFAULT_TITLES: Record<SpecKind, Localized> = {
  neuron: say('One neuron', 'Um neurônio'),
  network: say('A neural network', 'Uma rede neural'),
  graph: say('A computational graph', 'Um grafo computacional'),
};

/** What a key means, written from its form, for keys no shared meaning covers. */
function meaningOf(key: string): Localized {
  const compact = key.replace(/\s+/g, '');
  const fd = /^fd\(d(.+)\/d(.+)\)$/.exec(compact);
  if (fd) {
    const [, of, wrt] = fd;
    const formula = `\`(${of}(${wrt} + ε) - ${of}(${wrt} - ε)) / (2ε)\``;
    return say(`the central finite difference ${formula}`, `a diferença finita central ${formula}`);
  }
  const step = /^step\((.+)\)$/.exec(compact);
  if (step) {
    return say(
      `\`${step[1]}\` after one update with the learning rate η`,
      `\`${step[1]}\` após uma atualização com a taxa de aprendizado η`,
    );
  }
  const d = /^d(.+)\/d(.+)$/.exec(compact);
  if (d)
    return say(
      `the derivative of \`${d[1]}\` with respect to \`${d[2]}\``,
      `a derivada de \`${d[1]}\` em relação a \`${d[2]}\``,
    );
  return say(`the value of \`${key}\``, `o valor de \`${key}\``);
}

/** The 2-2-1 network's shape (ReLU hidden units, a sigmoid output), for which words.ts's meanings of z1, dL/dW2... are written. */
function isTutorialNetwork(s: Solved): boolean {
  const net = (s.problem as { network?: NetworkSpec }).network;
  const layers = net?.layers as DenseLayerSpec[] | undefined;
  return (
    layers?.length === 2 &&
    layers[0].activation === 'relu' &&
    layers[1].activation === 'sigmoid' &&
    [s.value('x').shape, s.value('b1').shape, s.value('b2').shape].map(String).join(' ') === '2 2 1'
  );
}

/**
 * The neuron's keys keep the templates' meanings (`u`: the weighted input), and so do the keys of
 * a 2-2-1 ReLU-sigmoid network; every other key gets one from its form.
 */
function meanings(keys: readonly string[], kind: SpecKind, s: Solved): KeyMeanings {
  const shared = new Set<string>(kind === 'neuron' ? NEURON_KEYS : isTutorialNetwork(s) ? NETWORK_KEYS : []);
  return Object.fromEntries(keys.filter((k) => !shared.has(k)).map((k) => [k, meaningOf(k)]));
}

const asks = (keys: readonly string[], call: 'step(' | 'fd(') =>
  keys.some((k) => k.replace(/\s+/g, '').startsWith(call));

/** The derivatives the `fd(...)` keys check, and the leaves they nudge. */
function checkedDerivatives(keys: readonly string[]): { derivatives: string[]; nudged: string[] } {
  const pairs = keys.flatMap((k) => {
    const m = /^fd\((d.+\/d(.+))\)$/.exec(k.replace(/\s+/g, ''));
    return m ? [[m[1], m[2]] as const] : [];
  });
  return { derivatives: pairs.map(([d]) => d), nudged: pairs.map(([, leaf]) => leaf) };
}

/** How a gradient check goes, before the keys, when `fd(...)` keys are asked; and the tip on digits after them. */
function gradientCheck(keys: readonly string[], s: Solved, p: Prose): { how: string; tip: string } | undefined {
  if (s.problem.epsilon === undefined || !asks(keys, 'fd(')) return undefined;
  const { derivatives, nudged } = checkedDerivatives(keys);
  const and = say(' and ', ' e ')[p.locale];
  const list = (items: string[]) => {
    const quoted = items.map((d) => `\`${d}\``);
    return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')}${and}${quoted[quoted.length - 1]}`;
  };
  const eps = p.given(s.problem.epsilon);
  const them = derivatives.length === 1 ? say('it', 'o') : say('them', 'os');
  const leaf = nudged[0];
  const out = s.graph.ids[s.graph.output];
  return {
    how: say(
      `Find ${list(derivatives)} by backpropagation, then check ${them.en} the way a gradient check does: nudge the parameter by \`ε = ${eps}\` up and down, run the forward pass again each time, and divide the change in the loss by \`2ε\`.`,
      `Encontre ${list(derivatives)} pela retropropagação e depois confira-${them['pt-BR']} como faz uma verificação do gradiente: desloque o parâmetro em \`ε = ${eps}\` para cima e para baixo, refaça o passo para frente em cada caso e divida a variação da perda por \`2ε\`.`,
    )[p.locale],
    tip: say(
      `Tip: \`${out}(${leaf} + ε)\` and \`${out}(${leaf} - ε)\` differ only in their later digits, so keep about 10 significant figures of each before you subtract.`,
      `Dica: \`${out}(${leaf} + ε)\` e \`${out}(${leaf} - ε)\` diferem só nos últimos dígitos; guarde uns 10 algarismos significativos de cada um antes de subtrair.`,
    )[p.locale],
  };
}

/**
 * The statement written from the spec: a neuron's or a dense network's setting in the tutorial's
 * words (setting.ts), else the given values; the learning rate and epsilon when their keys are
 * asked; what the graph computes; how a gradient check goes when one is asked.
 */
function writtenStatement(exercise: AuthoredExerciseInput, kind: SpecKind, s: Solved, p: Prose, check?: string) {
  const step = asks(exercise.ask, 'step(');
  if (kind === 'neuron') {
    const neuron = (s.problem as { neuron: NeuronSpec }).neuron;
    return [
      neuronSetting(s, p, step),
      say('It computes:', 'Ele calcula:')[p.locale],
      computes(s, p) + neuronDefinition(neuron, p),
      ...(check ? [check] : []),
    ];
  }
  const network = kind === 'network' ? networkSetting(s, p, step) : undefined;
  if (network !== undefined) return [network, networkComputes(s, p), computes(s, p), ...(check ? [check] : [])];
  const leaves = s.graph.ids.slice(0, s.graph.leafCount).filter((id): id is string => id !== null);
  const settings: string[] = [];
  if (step) {
    settings.push(
      say('The learning rate is', 'A taxa de aprendizado é')[p.locale] + ` \`η = ${p.given(s.problem.learningRate)}\`.`,
    );
  }
  if (s.problem.epsilon !== undefined && asks(exercise.ask, 'fd(') && !check) {
    settings.push(
      say('The finite differences use', 'As diferenças finitas usam')[p.locale] +
        ` \`ε = ${p.given(s.problem.epsilon)}\`.`,
    );
  }
  return [
    [`${say('Given', 'Dados')[p.locale]} ${given(s, p, leaves)}.`, ...settings].join(' '),
    say('It computes:', 'O grafo calcula:')[p.locale],
    computes(s, p),
    ...(check ? [check] : []),
  ];
}

/** The statement in the prose's language. */
export function authoredStatement(exercise: AuthoredExerciseInput, kind: SpecKind, s: Solved, p: Prose): string {
  const title = inLocale(exercise.title, p.locale);
  const neuron = kind === 'neuron' ? neuronHeading((s.problem as { neuron: NeuronSpec }).neuron, p) : undefined;
  const heading = `### ${title !== undefined ? fillPlaceholders(title, s, p) : (neuron ?? DEFAULT_TITLES[kind][p.locale])}`;
  const rank = Math.max(...exercise.ask.map((key) => s.answer(key).shape.length));
  const own = inLocale(exercise.statement, p.locale);
  const check = own === undefined ? gradientCheck(exercise.ask, s, p) : undefined;
  const closing = [
    askFor(exercise.ask, p, meanings(exercise.ask, kind, s)),
    howToAnswer(p, rank >= 3 ? 'nested' : rank > 0),
    ...(check ? [check.tip] : []),
  ];
  const body = own !== undefined ? [fillPlaceholders(own, s, p)] : writtenStatement(exercise, kind, s, p, check?.how);
  return [heading, ...body, ...closing].join('\n\n');
}
