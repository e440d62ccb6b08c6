/**
 * The package as a user gets it: `npm pack` from a fresh clone (it builds dist/ on the way), the
 * tarball installed into an empty project from the npm registry's dependencies, and the README's
 * library example run there, in JavaScript and type-checked in TypeScript. And the Node versions
 * package.json's `engines` promises, against every package the lockfile installs.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectCopy, projectRoot, tempDir, userEnv } from './support/project-copy.js';

const run = promisify(execFile);
// The build (tsc over src/) and the install (about 90 packages, from npm's cache or the registry)
// take a minute or two on a busy machine: the bound is for a hang.
const PACKAGE_MS = 400_000;

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));

/** The README's library example: the js block of its library section, exactly as written there. */
function readmeExample(): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('In a Node program: the library'));
  const example = section && /```js\n([^`]*?)```/.exec(section);
  if (!example) throw new Error("README.md's library section has no js example");
  return example[1];
}

describe('the package', () => {
  it("packs dist/ and its declarations only, installs into an empty project, and runs the README's example there", {
    timeout: PACKAGE_MS,
  }, async () => {
    const clone = projectCopy();
    const out = tempDir('gradient-service-pack-');
    await run('npm', ['pack', '--pack-destination', out], { cwd: clone, env: userEnv(), maxBuffer: 1 << 26 });
    const [tarball] = readdirSync(out).filter((f) => f.endsWith('.tgz'));
    expect(tarball).toBe(`gradient-service-${packageJson.version}.tgz`);

    const { stdout: listing } = await run('tar', ['-tzf', join(out, tarball)]);
    const files = listing.trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/dist/server.js',
        'package/dist/workers/compute-worker.js',
      ]),
    );
    // Nothing else: no sources, tests, benchmarks, source maps, configuration or container files;
    // the student page as built (dist/play: index.html, and its script, style sheet and fonts).
    expect(files).toEqual(expect.arrayContaining(['package/dist/play/index.html']));
    const built =
      /^package\/(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts)|dist\/play\/assets\/[\w-]+\.(css|woff2))$/;
    expect(files.filter((f) => !built.test(f) && f !== 'package/dist/play/index.html')).toEqual([]);

    const project = tempDir('gradient-service-user-');
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'uses-gradient-service', private: true, type: 'module' }),
    );
    await run('npm', ['install', join(out, tarball), '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: project,
      env: userEnv(),
      maxBuffer: 1 << 26,
    });

    const example = readmeExample();
    writeFileSync(join(project, 'example.js'), example);
    const { stdout } = await run(process.execPath, ['example.js'], { cwd: project, env: userEnv() });
    // What the README says it prints...
    const printed = /console\.log\([^)]*\);\s*\/\/\s*(\S+)/.exec(example);
    expect(printed, "the README's example says what it prints").not.toBeNull();
    expect(stdout.trim()).toBe(printed![1]);
    // ...is the tutorial's dL/dw by hand: z = w·x + b, ŷ = σ(z), L = ½(ŷ − y)², dL/dw = (ŷ − y)·ŷ(1 − ŷ)·x.
    const yHat = 1 / (1 + Math.exp(-(-0.2 * 3 + 0.4)));
    expect(Number(stdout)).toBeCloseTo((yHat - 0) * yHat * (1 - yHat) * 3, 14);

    // The declarations: the example type-checks, and a call with a body of the wrong type does not.
    writeFileSync(
      join(project, 'example.ts'),
      `${example}\n// @ts-expect-error: a body is an object\ngradients(42);\n`,
    );
    const compilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      module: 'nodenext',
      target: 'es2022',
      types: [],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['example.ts'] }));
    const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const typeCheck = run(process.execPath, [tsc, '-p', '.'], { cwd: project });
    await expect(typeCheck.catch((e) => Promise.reject(new Error(`${e.stdout}${e.stderr}`)))).resolves.toBeDefined();
  });
});

describe("package.json's engines", () => {
  // semver is CommonJS without declarations of its own.
  const semver = createRequire(import.meta.url)('semver') as {
    minVersion(range: string): { version: string };
    satisfies(version: string, range: string): boolean;
  };
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8'));
  const installed = Object.entries(
    lock.packages as Record<string, { dev?: boolean; engines?: { node?: string } }>,
  ).filter(([path, p]) => path !== '' && p.engines?.node);

  it('are met by every runtime dependency in the lockfile, from the oldest Node they name on (no EBADENGINE)', () => {
    const oldest = semver.minVersion(packageJson.engines.node).version;
    const refusing = installed
      .filter(([, p]) => !p.dev && !semver.satisfies(oldest, p.engines!.node!))
      .map(([path, p]) => `${path} (${p.engines!.node})`);
    expect(refusing).toEqual([]);
  });

  it('are met, with the dev dependencies too, by the Node that runs the tests', () => {
    const refusing = installed
      .filter(([, p]) => !semver.satisfies(process.version, p.engines!.node!))
      .map(([path, p]) => `${path} (${p.engines!.node})`);
    expect(refusing).toEqual([]);
  });
});
