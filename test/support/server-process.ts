/**
 * src/server.ts started as operators start it, on a port the system chooses (PORT=0, read back
 * from its "listening" log line), and killed however the test ends: when the test that started it
 * finishes, passes, fails or times out (onTestFinished), and in afterAll for any left over.
 * Nothing here waits for a time: readiness and log lines are awaited by their content, each
 * within a bound that only a broken server reaches.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { onTestFinished } from 'vitest';

/** Starting takes a second or two (tsx compiles src/ on the way); this bound is for a server that never listens. */
export const READY_MS = 90_000;
/** A log line the test expects and that never comes fails the wait after this long. */
export const LOG_WAIT_MS = 90_000;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Every line the process has logged so far (JSON). */
  logs: string[];
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Resolves once `times` log lines matching `test` have been written; rejects after LOG_WAIT_MS. */
  logged(test: (line: Record<string, unknown>) => boolean, times?: number): Promise<void>;
}

/** Every child still running, with the promise of its exit. */
const running = new Map<ChildProcess, Promise<number | null>>();

/** Kills a child (SIGKILL) and waits until it has exited. */
async function stop(child: ChildProcess): Promise<void> {
  const exited = running.get(child);
  if (!exited) return;
  child.kill('SIGKILL');
  await exited;
}

/** Kills every server still running and waits for each to exit (for afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...running.keys()].map(stop));
}

/** Calls `onTimeout` after `ms` unless the returned function is called first. */
function deadline(ms: number, onTimeout: () => void): () => void {
  const timer = setTimeout(onTimeout, ms);
  return () => clearTimeout(timer);
}

export function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close' rather than 'exit': it comes once the output has been read too.
  const exited = once(child, 'close').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });
  running.set(child, exited);
  // Killed when the test that started it ends, whatever its outcome; outside a test, afterAll(killAll) does it.
  try {
    onTestFinished(() => stop(child));
  } catch {
    // Not called from within a test.
  }

  const logs: string[] = [];
  const parsed: Record<string, unknown>[] = [];
  const waiters: { test: (line: Record<string, unknown>) => boolean; times: number; resolve: () => void }[] = [];
  const count = (test: (line: Record<string, unknown>) => boolean): number => parsed.filter(test).length;
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));

  function logged(test: (line: Record<string, unknown>) => boolean, times = 1): Promise<void> {
    if (count(test) >= times) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = { test, times, resolve: () => (cancel(), resolve()) };
      const cancel = deadline(LOG_WAIT_MS, () => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `no ${times} log line(s) matching ${test} within ${LOG_WAIT_MS} ms; the server logged:\n${logs.join('\n')}`,
          ),
        );
      });
      waiters.push(waiter);
    });
  }

  return new Promise((resolve, reject) => {
    const cancel = deadline(READY_MS, () => {
      reject(
        new Error(`server did not log that it was listening within ${READY_MS} ms: ${stderr}\n${logs.join('\n')}`),
      );
      void stop(child);
    });
    let buffered = '';
    child.stdout!.on('data', (chunk) => {
      buffered += String(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        logs.push(line);
        const entry = JSON.parse(line) as Record<string, unknown>;
        parsed.push(entry);
        for (const w of [...waiters]) {
          if (count(w.test) >= w.times) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(entry.msg));
        if (m) {
          cancel();
          resolve({ child, url: m[1], logs, exited, logged });
        }
      }
    });
    void exited.then((code) => {
      cancel();
      reject(new Error(`server exited with ${code} before listening: ${stderr}`));
    });
  });
}
