/**
 * The JSON log lines of an in-process app, as pino writes them to a stream, and waits for lines by
 * their content rather than by time: a line written after the response (the `request` line) is
 * awaited until it is there, within a bound that only a broken app reaches.
 */
import { Writable } from 'node:stream';

export type LogLine = Record<string, unknown>;

/** Long enough for any machine, however busy; a wait this long means the line never comes. */
export const LOG_WAIT_MS = 30_000;

export class LogLines {
  /** Every line as written. */
  readonly raw: string[] = [];
  readonly lines: LogLine[] = [];
  private waiters: { test: (line: LogLine) => boolean; times: number; resolve: () => void }[] = [];

  /** The stream to give the app's logger: `buildTestApp({ logger: { level: 'info', stream: logs.stream } })`. */
  readonly stream = new Writable({
    write: (chunk, _encoding, done) => {
      for (const text of String(chunk).split('\n').filter(Boolean)) {
        this.raw.push(text);
        this.lines.push(JSON.parse(text) as LogLine);
      }
      for (const w of [...this.waiters]) {
        if (this.count(w.test) >= w.times) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      done();
    },
  });

  count(test: (line: LogLine) => boolean): number {
    return this.lines.filter(test).length;
  }

  /** Resolves once `times` lines match `test`; rejects, naming what it waited for, after `ms`. */
  until(test: (line: LogLine) => boolean, times = 1, ms = LOG_WAIT_MS): Promise<void> {
    if (this.count(test) >= times) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no ${times} log line(s) matching ${test} within ${ms} ms; got ${this.count(test)}`));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ test, times, resolve: done });
    });
  }
}
