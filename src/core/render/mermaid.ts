/**
 * A graph picture as a Mermaid `flowchart LR`, for pages and LMS editors that render Mermaid: a
 * box per value (id, value and gradient on three lines; a part of a statement by its formula), a circle per op, the caption as the
 * diagram's title. Every label is a quoted string, made safe by `escapeMermaid`.
 */
import { FILL, type GraphPicture, type ValueBox } from './graph.js';

/**
 * Text made safe inside a quoted Mermaid label. Mermaid reads `#name;` and `#123;` as entity
 * codes, so `#` itself is one; `"` would end the label, and `<`, `>`, `&` would be read as HTML.
 */
export const escapeMermaid = (text: string): string =>
  text.replace(/[#"<>&`]/g, (c) => `#${c.codePointAt(0)};`).replace(/[\r\n]+/g, ' ');

/** Lines of a label, each escaped. */
const lines = (parts: readonly string[]): string => parts.map(escapeMermaid).join('<br>');

function part(word: string, shape: string, parts: readonly string[]): string {
  const head = shape ? `${word} ${shape}` : word;
  return parts.length === 1 && !shape
    ? escapeMermaid(`${head} ${parts[0]}`)
    : `${escapeMermaid(head)}<br>${lines(parts)}`;
}

function boxLabel(box: ValueBox, words: GraphPicture['words']): string {
  if (box.label === null) return lines(box.value);
  const parts = [escapeMermaid(box.label), part(words.value, box.shape, box.value)];
  if (box.gradient) parts.push(part(words.gradient, box.shape, box.gradient));
  return parts.join('<br>');
}

type Fill = keyof typeof FILL;

/** Mermaid class names by fill (`node` is Mermaid's own class of every node, so not one of ours). */
const CLASS: Record<Fill, string> = {
  input: 'input',
  param: 'param',
  node: 'computed',
  literal: 'literal',
  output: 'output',
  op: 'op',
};

const fillOf = (box: ValueBox): Fill => (box.output ? 'output' : box.role);

export function toMermaid(picture: GraphPicture): string {
  const out = ['---', `title: ${JSON.stringify(picture.caption.join(' '))}`, '---', 'flowchart LR'];
  for (const box of picture.boxes) out.push(`  ${box.key}["${boxLabel(box, picture.words)}"]`);
  for (const op of picture.ops) out.push(`  ${op.key}(("${escapeMermaid(op.symbol)}"))`);
  for (const [from, to] of picture.edges) out.push(`  ${from} --> ${to}`);
  const members = new Map<Fill, string[]>();
  const add = (fill: Fill, key: string): void => {
    const keys = members.get(fill);
    if (keys) keys.push(key);
    else members.set(fill, [key]);
  };
  for (const box of picture.boxes) add(fillOf(box), box.key);
  for (const op of picture.ops) add('op', op.key);
  for (const [fill, keys] of members) {
    out.push(`  classDef ${CLASS[fill]} fill:${FILL[fill]},stroke:#555555`);
    out.push(`  class ${keys.join(',')} ${CLASS[fill]}`);
  }
  return `${out.join('\n')}\n`;
}
