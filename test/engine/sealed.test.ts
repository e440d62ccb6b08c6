/**
 * The tape keeps its layout to itself (issue 15): outside src/engine/, code reads a node's args,
 * a node's attrs, a slot's elements, shape and sizes through the helpers tape.ts exports (argOf,
 * argsOf, attrsOf, elementsOf, scalarOf, shapeOf, sizeOfSlot, startOf, view...), never through
 * `DIM_STRIDE` or the raw `offset`, `size`, `dims`, `args`/`argAt` and `attrs`/`attrAt` arrays. The same scan run over src/engine/ must find those reads, so a
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

/** `DIM_STRIDE`, `tape.offset[...]` (also `this.tape.size`, `tape.args.subarray`, `tape.attrAt`), and `const { offset } = tape`. */
const RAW = [
  /\bDIM_STRIDE\b/,
  /\btape\??\.(offset|size|dims|args|argAt|attrs|attrAt)\b/,
  /\{[^}]*\b(offset|size|dims|args|argAt|attrs|attrAt)\b[^}]*\}\s*=\s*(this\.)?tape\b/,
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
    expect(hits).toMatch(/DIM_STRIDE/);
    expect(hits).toMatch(/tape\.argAt\[/);
    expect(hits).toMatch(/tape\.attrs\b/);
    expect(hits).toMatch(/tape\.offset\[/);
    expect(hits).toMatch(/tape\.size\[/);
    expect(hits).toMatch(/tape\.args\b/);
  });
});
