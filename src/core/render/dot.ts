/**
 * A graph picture as Graphviz DOT, laid out left to right as micrograd's drawings: a record per
 * value (`id | value | gradient`, a part of a statement by its formula), a small ellipse per op. Every label is an HTML-like label, so
 * one escape (`escapeHtml`) makes any text safe in it.
 */
import { FILL, type GraphPicture, type ValueBox } from './graph.js';
import { COLD, type HeatMap, HOT } from './heat-map.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe inside a Graphviz HTML-like label (or any XML text). */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** A font whose widths Graphviz knows without font files (a list such as `Arial,Helvetica` gets Times' widths). */
const FONT = 'Arial';

/** Lines of text in one cell, each escaped. */
const lines = (parts: readonly string[]): string => parts.map(escapeHtml).join('<BR/>');

/** Points on a side of a heat map's cell, and of a legend's swatch. */
const CELL_POINTS = 10;

const swatch = (fill: string): string =>
  `<TD WIDTH="${CELL_POINTS}" HEIGHT="${CELL_POINTS}" FIXEDSIZE="TRUE" BGCOLOR="${fill}"></TD>`;

/**
 * A heat map as a table of fixed-size coloured cells, then its legend: which elements it shows if
 * not all, and the values at the cold and the hot end. The grid's table has an id (`v3-value-map`)
 * and a tooltip, so that the SVG groups its cells (`<g id="a_v3-value-map">`) and names them on hover.
 */
function heatMapRows(map: HeatMap, id: string, head: string): string {
  const tooltip = `${head}${map.slice ? ` ${map.slice}` : ''}: ${map.low}, ${map.high}`;
  const grid = [
    `<TABLE ID="${id}" TOOLTIP="${escapeHtml(tooltip)}" WIDTH="${map.cols * CELL_POINTS}" HEIGHT="${map.rows * CELL_POINTS}" FIXEDSIZE="TRUE" BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">`,
  ];
  for (let r = 0; r < map.rows; r++) {
    // The grid's table is of fixed size, so its cells need only their size: no FIXEDSIZE, 17 bytes fewer a cell.
    const cells = map.fills.slice(r * map.cols, (r + 1) * map.cols);
    grid.push(
      `<TR>${cells.map((fill) => `<TD WIDTH="${CELL_POINTS}" HEIGHT="${CELL_POINTS}" BGCOLOR="${fill}"></TD>`).join('')}</TR>`,
    );
  }
  grid.push('</TABLE>');
  // The legend one item a line, so that a label wider than Graphviz measured (it counts `−` and `…` as spaces) runs into nothing.
  const small = (text: string, span = 1): string =>
    `<TD ALIGN="LEFT" COLSPAN="${span}"><FONT POINT-SIZE="9">${escapeHtml(text)}</FONT></TD>`;
  const ends = [
    '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0">',
    map.slice ? `<TR>${small(map.slice, 2)}</TR>` : '',
    `<TR>${swatch(COLD)}${small(map.low)}</TR>`,
    `<TR>${swatch(HOT)}${small(map.high)}</TR>`,
    '</TABLE>',
  ].join('');
  return `<TR><TD>${grid.join('')}</TD></TR><TR><TD>${ends}</TD></TR>`;
}

function cell(word: string, shape: string, parts: readonly string[], map?: { of: HeatMap; id: string }): string {
  const head = shape ? `${word} ${shape}` : word;
  // A number follows its word on one line; a tensor's rows go under it.
  const text =
    parts.length === 1 && !shape
      ? `${escapeHtml(head)} ${escapeHtml(parts[0])}`
      : `${escapeHtml(head)}<BR/>${lines(parts)}`;
  if (!map) return `<TD BALIGN="LEFT">${text}</TD>`;
  // Under the numbers, the same value as coloured cells.
  return `<TD><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0"><TR><TD BALIGN="LEFT">${text}</TD></TR>${heatMapRows(map.of, map.id, head)}</TABLE></TD>`;
}

function boxLabel(box: ValueBox, words: GraphPicture['words']): string {
  const fill = box.output ? FILL.output : FILL[box.role];
  const table = `<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="${fill}">`;
  if (box.label === null) return `<${table}<TR><TD>${lines(box.value)}</TD></TR></TABLE>>`;
  const mapOf = (of: HeatMap | undefined, part: string) => of && { of, id: `${box.key}-${part}-map` };
  const cells = [
    `<TD><B>${escapeHtml(box.label)}</B></TD>`,
    cell(words.value, box.shape, box.value, mapOf(box.valueMap, 'value')),
  ];
  if (box.gradient) cells.push(cell(words.gradient, box.shape, box.gradient, mapOf(box.gradientMap, 'gradient')));
  return `<${table}<TR>${cells.join('')}</TR></TABLE>>`;
}

/** Text made safe inside a DOT quoted string (an id matches ID_PATTERN: this is a guard, not a rewrite). */
const quoted = (text: string): string => `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * The SVG names of a value's box, for a page that shows more of a box chosen: its group's id is
 * `value-` and the user's id (`value-_t1`: the prefix keeps it apart from the page's own ids and
 * Graphviz's `node1`), and a part of an expr statement has the class `part-of-` and its
 * statement's id.
 */
function svgNames(box: ValueBox): string {
  if (box.id === null) return '';
  return `, id=${quoted(`value-${box.id}`)}${box.partOf === undefined ? '' : `, class=${quoted(`part-of-${box.partOf}`)}`}`;
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
      `  ${box.key} [shape=plain${box.id === null ? ', fontcolor="#555555"' : ''}${svgNames(box)}, label=${boxLabel(box, picture.words)}];`,
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
