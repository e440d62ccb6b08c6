/**
 * The layers of src/ import one way (issue 15): dependency-cruiser checks the rules of
 * .dependency-cruiser.cjs over src/, and the same rules over a small tree that breaks each of them.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type ICruiseOptions, type ICruiseResult, cruise, format } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

async function check(baseDir: string): Promise<ICruiseResult> {
  const options: ICruiseOptions = {
    ...(await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'))),
    validate: true,
    baseDir,
  };
  const { output } = await cruise(['src'], options, {}, { tsConfig: extractTSConfig(join(root, 'tsconfig.json')) });
  return output as ICruiseResult;
}

const broken = (result: ICruiseResult) =>
  result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();

describe('the layers of src/', () => {
  it('import one way: text at the bottom, the engine sealed, specs on the engine, no cycles', async () => {
    const result = await check(root);
    expect(result.summary.totalCruised).toBeGreaterThan(50);
    const report = (await format(result, { outputType: 'err-long' })).output;
    expect(result.summary.violations, String(report)).toEqual([]);
  });
});

describe('the architecture check', () => {
  let tree: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  };

  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), 'architecture-'));
    write('src/text.ts', "import { op } from './engine/op.js';\nexport const say = op;\n");
    write('src/engine/op.ts', "import { grade } from '../core/grade.js';\nexport const op = grade;\n");
    write(
      'src/engine/fine.ts',
      "import { say } from '../text.js';\nimport { op } from './op.js';\nexport const fine = [say, op];\n",
    );
    write('src/core/grade.ts', 'export const grade = 1;\n');
    write(
      'src/specs/spec.ts',
      "import { Body } from '../schemas/body.js';\nimport { op } from '../engine/op.js';\nexport const spec = [Body, op];\n",
    );
    write('src/schemas/body.ts', 'export const Body = 1;\n');
    write('src/operations/a.ts', "import { b } from './b.js';\nexport const a = () => b;\n");
    write('src/operations/b.ts', "import { a } from './a.js';\nexport const b = () => a;\n");
    write('src/operations/c.ts', "import { reply } from '../http/reply.js';\nexport const c = reply;\n");
    write('src/http/reply.ts', 'export const reply = 1;\n');
    write('src/core/d.ts', "import { a } from '../operations/a.js';\nexport const d = a;\n");
    write('src/schemas/e.ts', "import { reply } from '../http/reply.js';\nexport const e = reply;\n");
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it('fails on each kind of wrong-way import, and only on those', async () => {
    const result = await check(tree);
    expect(broken(result)).toEqual([
      'core-below-the-edge: src/core/d.ts -> src/operations/a.ts',
      'core-below-the-edge: src/schemas/e.ts -> src/http/reply.ts',
      'engine-sealed: src/engine/op.ts -> src/core/grade.ts',
      'no-circular: src/operations/a.ts -> src/operations/b.ts',
      'operations-free-of-http: src/operations/c.ts -> src/http/reply.ts',
      'specs-on-the-engine: src/specs/spec.ts -> src/schemas/body.ts',
      'text-at-the-bottom: src/text.ts -> src/engine/op.ts',
    ]);
  });
});
