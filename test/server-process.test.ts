/** src/server.ts as operators run it: environment, listening, and a clean stop on SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

function start(): Promise<{ child: ChildProcess; url: string; logs: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        logs.push(line);
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) resolve({ child, url: m[1], logs });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

describe('server process', () => {
  it('listens on HOST and PORT, logs JSON, and exits 0 on SIGTERM', async () => {
    const { child, url, logs } = await start();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(logs.map((l) => JSON.parse(l).msg)).toContain('shutting down');
  }, 30_000);
});
