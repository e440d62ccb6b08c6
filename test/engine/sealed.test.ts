/**
 * The tape keeps its layout to itself (issue 15): outside src/engine/, code reads a node's args,
 * a slot's elements and sizes through the helpers tape.ts exports (argOf, argsOf, elementsOf,
 * scalarOf, sizeOfSlot, startOf, view...), never through `ARG_STRIDE` or the raw `offset`,
 * `size` and `args` arrays. The same scan run over src/engine/ must find those reads, so a
 * pattern that has stopped matching cannot pass silently.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../src');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

/** `ARG_STRIDE`, `tape.offset[...]` (also `this.tape.size`, `tape.args.subarray`), and `const { offset } = tape`. */
const RAW = [
  /\bARG_STRIDE\b/,
  /\btape\??\.(offset|size|args)\b/,
  /\{[^}]*\b(offset|size|args)\b[^}]*\}\s*=\s*(this\.)?tape\b/,
];

function rawReads(files: readonly string[]): string[] {
  const hits: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (RAW.some((re) => re.test(line))) hits.push(`${relative(src, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  return hits;
}

describe('the tape layout', () => {
  const files = sourceFiles(src);
  const engine = join(src, 'engine');
  const inEngine = (f: string) => f.startsWith(engine + '/');

  it('is read raw nowhere in src/ outside src/engine/', () => {
    const outside = files.filter((f) => !inEngine(f));
    expect(outside.length).toBeGreaterThan(50);
    expect(rawReads(outside)).toEqual([]);
  });

  it('is read raw inside src/engine/, where the scan finds each kind of read', () => {
    const hits = rawReads(files.filter(inEngine)).join('\n');
    expect(hits).toMatch(/ARG_STRIDE/);
    expect(hits).toMatch(/tape\.offset\[/);
    expect(hits).toMatch(/tape\.size\[/);
    expect(hits).toMatch(/tape\.args\b/);
  });
});
