/**
 * The project as a fresh clone has it, in a directory of its own: every file but dist/ (which
 * the clone does not have, so whatever needs it must build it), the git directory and test
 * artifacts, with node_modules linked to this one's (what `npm ci` installs). Processes that build
 * or pack run there, so they never write into this working tree's dist/, which other tests read.
 * Removed when the test that made it finishes.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Not in a clone (dist/, node_modules), or not the project's (.git, test artifacts, coverage). */
const LEFT_OUT = new Set(['node_modules', 'dist', '.git', 'test-artifacts', 'coverage']);

/**
 * The environment of a user's shell: this one without the `npm_*` variables that `npm test` sets
 * for its scripts, which an npm started from a test would read as its own configuration.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, ...extra };
}

/** A temporary directory, removed when the current test finishes. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of the project without dist/, its dependencies installed (linked). */
export function projectCopy(): string {
  const dir = tempDir('gradient-service-clone-');
  cpSync(projectRoot, dir, { recursive: true, filter: (src) => !LEFT_OUT.has(relative(projectRoot, src)) });
  symlinkSync(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
