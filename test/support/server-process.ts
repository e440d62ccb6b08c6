/** src/server.ts started as operators start it, on a port the system chooses; killed however the test ends. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Every line the process has logged so far (JSON). */
  logs: string[];
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Resolves once `times` log lines matching `test` have been written. */
  logged(test: (line: Record<string, unknown>) => boolean, times?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every server still running (for afterAll). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  // 'close' rather than 'exit': it comes once the output has been read too.
  const exited = once(child, 'close').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });
  const logs: string[] = [];
  const parsed: Record<string, unknown>[] = [];
  const waiters: { test: (line: Record<string, unknown>) => boolean; times: number; resolve: () => void }[] = [];
  const count = (test: (line: Record<string, unknown>) => boolean): number => parsed.filter(test).length;
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
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
          resolve({
            child,
            url: m[1],
            logs,
            exited,
            logged: (test, times = 1) =>
              count(test) >= times ? Promise.resolve() : new Promise<void>((done) => waiters.push({ test, times, resolve: done })),
          });
        }
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
}
