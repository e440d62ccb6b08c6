/** The whole explanation as Markdown: a heading per phase, a sentence saying what it does, one line per step. */
import type { Context } from './context.js';
import { type Phase, type Step, phases } from './steps.js';
import { words } from './words.js';

export interface MarkdownOptions {
  /** The level of the phase headings (3 by default: `###`). */
  heading?: number;
  /** The closing line, in italics; a note that the numbers are rounded by default. */
  closing?: string;
}

function intro(c: Context, phase: Phase, steps: readonly Step[]): string {
  const { intro } = words;
  const first = steps[0];
  if (first.phase === 'update') return intro.update(c.notation.number(first.learningRate).text)[c.locale];
  if (first.phase === 'gradcheck') return intro.gradcheck(c.notation.number(first.epsilon).text)[c.locale];
  return intro[phase as 'forward' | 'local' | 'backward'][c.locale];
}

/** The steps of one phase as list items, with a `**Layer k**` (or `**Loss**`) line where a network's layer changes. */
function items(c: Context, steps: readonly Step[]): string {
  const blocks: string[] = [];
  let lines: string[] = [];
  let layer: number | undefined;
  for (const step of steps) {
    if (step.layer !== layer && (step.layer !== undefined || layer !== undefined)) {
      if (lines.length) blocks.push(lines.join('\n'));
      lines = [];
      blocks.push(`**${step.layer === undefined ? words.loss[c.locale] : `${words.layer[c.locale]} ${step.layer}`}**`);
    }
    layer = step.layer;
    lines.push(`- \`${step.text}\`${step.note ? ` — ${step.note}` : ''}`);
  }
  if (lines.length) blocks.push(lines.join('\n'));
  return blocks.join('\n\n');
}

export function markdownOf(c: Context, given: string[], steps: readonly Step[], options: MarkdownOptions = {}): string {
  const hashes = '#'.repeat(options.heading ?? 3);
  const sections: string[] = [];
  for (const phase of phases) {
    const own = steps.filter((s) => s.phase === phase);
    if (!own.length) continue;
    sections.push(`${hashes} ${words.heading[phase][c.locale]}`);
    if (phase === 'forward' && given.length)
      sections.push(`**${words.given[c.locale]}**: ${given.map((g) => `\`${g}\``).join(', ')}.`);
    sections.push(intro(c, phase, own), items(c, own));
  }
  sections.push(`_${options.closing ?? words.rounded[c.locale]}_`);
  return sections.join('\n\n');
}
