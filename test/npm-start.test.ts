/**
 * `npm start` as a newcomer runs it, from a fresh clone (its prestart builds dist/), and stopped as
 * a supervisor stops it: SIGTERM to npm's own pid. npm forwards the signal to its script's
 * process; the server must be that process (not a child of `sh -c`, which would die and leave
 * the server running, reparented to PID 1), shut down gracefully and leave nothing behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectCopy, userEnv } from './support/project-copy.js';

// prestart compiles src/ (half a minute or more on a busy machine): the bound is for a hang.
const START_MS = 240_000;

/** Whether any process of the process group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/** Resolves with the URL of the "Server listening at" line npm start's output carries. */
function listeningUrl(child: ChildProcess, output: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output.text += String(chunk);
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.text);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (chunk) => (output.text += String(chunk)));
    child.once('close', (code) => reject(new Error(`npm start exited with ${code} before listening:\n${output.text}`)));
  });
}

/** Whether a TCP connection to the URL's port is refused. */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('npm start', () => {
  it('stops on SIGTERM to npm: the server shuts down gracefully, the port closes, no process is left', {
    timeout: START_MS + 60_000,
  }, async () => {
    const dir = projectCopy();
    // Its own process group, so that every process npm starts (sh, node) can be found and killed.
    const npm = spawn('npm', ['start'], {
      cwd: dir,
      env: userEnv({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '10000' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pgid = npm.pid!;
    // 'exit', not 'close': a server left running would hold npm's output open, and 'close' never come.
    const exited = once(npm, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const closed = once(npm, 'close');
    onTestFinished(() => {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    });
    const output = { text: '' };
    const url = await listeningUrl(npm, output);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    process.kill(pgid, 'SIGTERM');
    const [code, signal] = await exited;

    expect(groupAlive(pgid)).toBe(false);
    expect(await refused(url)).toBe(true);
    // The server's own graceful stop (exit 0 means it ended within SHUTDOWN_GRACE_MS), and npm's exit with it.
    expect([code, signal]).toEqual([0, null]);
    await closed;
    expect(output.text).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
  });
});
