/**
 * A graph picture as Graphviz DOT, laid out left to right as micrograd's drawings: a record per
 * value (`id | value | gradient`), a small ellipse per op. Every label is an HTML-like label, so
 * one escape (`escapeHtml`) makes any text safe in it.
 */
import { FILL, type GraphPicture, type ValueBox } from './graph.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe inside a Graphviz HTML-like label (or any XML text). */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** A font whose widths Graphviz knows without font files (a list such as `Arial,Helvetica` gets Times' widths). */
const FONT = 'Arial';

/** Lines of text in one cell, each escaped. */
const lines = (parts: readonly string[]): string => parts.map(escapeHtml).join('<BR/>');

function cell(word: string, shape: string, parts: readonly string[]): string {
  const head = shape ? `${word} ${shape}` : word;
  // A number follows its word on one line; a tensor's rows go under it.
  const text =
    parts.length === 1 && !shape
      ? `${escapeHtml(head)} ${escapeHtml(parts[0])}`
      : `${escapeHtml(head)}<BR/>${lines(parts)}`;
  return `<TD BALIGN="LEFT">${text}</TD>`;
}

function boxLabel(box: ValueBox, words: GraphPicture['words']): string {
  const fill = box.output ? FILL.output : FILL[box.role];
  const table = `<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="${fill}">`;
  if (box.id === null) return `<${table}<TR><TD>${lines(box.value)}</TD></TR></TABLE>>`;
  const cells = [`<TD><B>${escapeHtml(box.id)}</B></TD>`, cell(words.value, box.shape, box.value)];
  if (box.gradient) cells.push(cell(words.gradient, box.shape, box.gradient));
  return `<${table}<TR>${cells.join('')}</TR></TABLE>>`;
}

export function toDot(picture: GraphPicture): string {
  const out = [
    'digraph computational_graph {',
    `  graph [rankdir=LR, fontname="${FONT}", fontsize=12, labelloc=b, labeljust=l, nodesep=0.2, ranksep=0.3, label=<${picture.caption.map((line) => `${escapeHtml(line)}<BR ALIGN="LEFT"/>`).join('')}>];`,
    `  node [fontname="${FONT}", fontsize=11];`,
    '  edge [arrowsize=0.6, color="#555555"];',
  ];
  for (const box of picture.boxes) {
    out.push(
      `  ${box.key} [shape=plain${box.id === null ? ', fontcolor="#555555"' : ''}, label=${boxLabel(box, picture.words)}];`,
    );
  }
  // ordering=in: an op's args enter it from top to bottom in their order, so that `c - a` reads
  // with c above a (edges are written in arg order).
  for (const op of picture.ops) {
    out.push(
      `  ${op.key} [shape=ellipse, ordering=in, style=filled, fillcolor="${FILL.op}", width=0.3, height=0.3, margin="0.04,0.02", label=<${escapeHtml(op.symbol)}>];`,
    );
  }
  for (const [from, to] of picture.edges) out.push(`  ${from} -> ${to};`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
