/**
 * npm run abuse: each attack of the abuse audit (test/support/attacks.ts) against a server
 * process on the default configuration, with its time, response size and the worst /healthz
 * latency meanwhile, and whether its bound holds; then 30 clients that never read their answers
 * (the server's resident memory), and a flood of /openapi.json (/v1/gradients' p50 meanwhile).
 *
 *   npm run abuse                        # this checkout (built by npm run abuse)
 *   npx tsx bench/abuse.ts --dir ../old  # another checkout, built (npm ci && npm run build): the figures before
 *   npx tsx bench/abuse.ts --only explain
 *
 * An attack that gets no answer within --timeout seconds (20 by default) is reported as such,
 * and the server, whose event loop it may still hold, is restarted for the next one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AttackTimeout, openapiFlood, runAttack, slowReaders } from '../test/support/abuse-runner.js';
import { attacks } from '../test/support/attacks.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: '.' },
    only: { type: 'string' },
    timeout: { type: 'string', default: '20' },
  },
});
const dir = resolve(args.dir!);
const timeoutMs = Number(args.timeout) * 1000;

interface Server {
  child: ChildProcess;
  url: string;
}

async function start(env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    let buffered = '';
    child.stdout!.on('data', (chunk) => {
      buffered += String(chunk);
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (m) {
        buffered = '';
        done({ child, url: m[1] });
      } else if (buffered.length > 1e6) buffered = buffered.slice(-1000);
    });
    child.once('exit', (code) => fail(new Error(`the server in ${dir} exited with ${code} before listening`)));
  });
}

async function stop(server: Server): Promise<void> {
  const exited = once(server.child, 'exit');
  server.child.kill('SIGKILL');
  await exited;
}

const mb = (bytes: number): string =>
  bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : bytes >= 1e3 ? `${(bytes / 1e3).toFixed(1)} kB` : `${bytes} B`;
const pad = (text: string, n: number): string => text.padEnd(n);

console.log(`abuse: ${dir}\n`);
console.log(
  `${pad('attack', 38)} ${pad('status', 7)} ${pad('time', 10)} ${pad('answer', 10)} ${pad('worst /healthz', 15)} bounds`,
);
let server = await start();
try {
  for (const attack of attacks) {
    if (args.only && !attack.name.includes(args.only)) continue;
    try {
      const o = await runAttack(server.url, attack, timeoutMs);
      const broken = attack.check(o);
      console.log(
        `${pad(attack.name, 38)} ${pad(String(o.status), 7)} ${pad(`${o.ms.toFixed(0)} ms`, 10)} ${pad(mb(o.bytes), 10)} ${pad(`${o.worstHealthzMs.toFixed(0)} ms`, 15)} ${broken.length ? `BROKEN: ${broken.join('; ')}` : 'held'}`,
      );
    } catch (e) {
      if (!(e instanceof AttackTimeout)) throw e;
      console.log(
        `${pad(attack.name, 38)} ${pad('-', 7)} ${pad(`> ${timeoutMs / 1000} s`, 10)} ${pad('-', 10)} ${pad(`> ${timeoutMs / 1000} s`, 15)} BROKEN: no answer in time (server restarted)`,
      );
      await stop(server);
      server = await start();
    }
  }
  if (!args.only || 'chosen ids'.includes(args.only)) {
    // The two sums of 20,000 ids in turn, five times each after the runs above: the median of each, and their ratio.
    const times: Record<string, number[]> = { chosen: [], ordinary: [] };
    for (let i = 0; i < 5; i++) {
      for (const [kind, name] of [
        ['ordinary', 'ordinary ids, /v1/gradients'],
        ['chosen', 'chosen ids, /v1/gradients'],
      ] as const) {
        times[kind].push((await runAttack(server.url, attacks.find((a) => a.name === name)!, timeoutMs)).ms);
      }
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [chosen, ordinary] = [median(times.chosen), median(times.ordinary)];
    console.log(
      `\n20,000 chosen ids vs 20,000 ordinary ids on /v1/gradients, median of 5 each: ${chosen.toFixed(0)} ms / ${ordinary.toFixed(0)} ms = ${(chosen / ordinary).toFixed(2)}x`,
    );
  }
  if (!args.only || 'slow readers'.includes(args.only)) {
    const s = await slowReaders(server.url, { pid: server.child.pid });
    console.log(
      `\n${s.clients} clients that never read their answers (a few MB each): server RSS ${mb(s.rssBefore)} -> peak ${mb(s.rssPeak)} (+${mb(s.rssPeak - s.rssBefore)}); /healthz then ${s.healthzStatus} in ${s.healthzMs.toFixed(0)} ms`,
    );
    await stop(server);
    server = await start();
  }
  if (!args.only || 'openapi flood'.includes(args.only)) {
    // What serving the document costs, not what the rate limit refuses: a limit no flood of a few seconds reaches.
    await stop(server);
    server = await start({ RATE_LIMIT_MAX: '10000000' });
    const f = await openapiFlood(server.url);
    console.log(
      `/openapi.json flooded by 16 connections (no rate limit reached): /v1/gradients p50 ${f.aloneP50} ms alone -> ${f.floodedP50} ms flooded (${f.gradientsNon2xx} not 2xx); /openapi.json answers ${JSON.stringify(f.openapiStatuses)}`,
    );
  }
} finally {
  await stop(server);
}
