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
import { NEURON_KEYS } from '../neuron.js';
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
  const fd = /^fd\((d.+\/d.+)\)$/.exec(compact);
  if (fd)
    return say(
      `the central finite difference of \`${fd[1]}\`, with ε`,
      `a diferença finita central de \`${fd[1]}\`, com ε`,
    );
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

/** The neuron's keys keep the templates' meanings (`u`: the weighted input); every other key gets one from its form. */
function meanings(keys: readonly string[], kind: SpecKind): KeyMeanings {
  const shared = new Set<string>(kind === 'neuron' ? NEURON_KEYS : []);
  return Object.fromEntries(keys.filter((k) => !shared.has(k)).map((k) => [k, meaningOf(k)]));
}

/** The statement in the prose's language. */
export function authoredStatement(exercise: AuthoredExerciseInput, kind: SpecKind, s: Solved, p: Prose): string {
  const title = inLocale(exercise.title, p.locale);
  const heading = `### ${title !== undefined ? fillPlaceholders(title, s, p) : DEFAULT_TITLES[kind][p.locale]}`;
  const rank = Math.max(...exercise.ask.map((key) => s.answer(key).shape.length));
  const closing = [
    askFor(exercise.ask, p, meanings(exercise.ask, kind)),
    howToAnswer(p, rank >= 3 ? 'nested' : rank > 0),
  ];
  const own = inLocale(exercise.statement, p.locale);
  if (own !== undefined) return [heading, fillPlaceholders(own, s, p), ...closing].join('\n\n');
  const leaves = s.graph.ids.slice(0, s.graph.leafCount).filter((id): id is string => id !== null);
  const settings: string[] = [];
  if (exercise.ask.some((k) => k.replace(/\s+/g, '').startsWith('step('))) {
    settings.push(
      say('The learning rate is', 'A taxa de aprendizado é')[p.locale] + ` \`η = ${p.given(s.problem.learningRate)}\`.`,
    );
  }
  if (s.problem.epsilon !== undefined && exercise.ask.some((k) => k.replace(/\s+/g, '').startsWith('fd('))) {
    settings.push(
      say('The finite differences use', 'As diferenças finitas usam')[p.locale] +
        ` \`ε = ${p.given(s.problem.epsilon)}\`.`,
    );
  }
  return [
    heading,
    [`${say('Given', 'Dados')[p.locale]} ${given(s, p, leaves)}.`, ...settings].join(' '),
    say('It computes:', 'O grafo calcula:')[p.locale],
    computes(s, p),
    ...closing,
  ].join('\n\n');
}
