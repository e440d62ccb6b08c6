/**
 * The /healthz prober of bench/load.ts, in a process of its own, as a balancer's probes come from
 * elsewhere: the load generator's event loop (autocannon) cannot delay its requests nor its
 * clock. GET <url>/healthz every `everyMs` on one keep-alive connection, each probe sent whether
 * or not the previous one has answered, from `PROBING` on until its standard input closes; then
 * prints `PROBES {"latencies": [ms, ...], "failures": [message, ...]}` and exits.
 *
 *   npx tsx bench/healthz-probe.ts URL [everyMs] [timeoutMs]
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [url, everyMs = '50', timeoutMs = '2000'] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const latencies: number[] = [];
const failures: string[] = [];
const pending = new Set<Promise<void>>();

function probe(): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(`${url}/healthz`, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) latencies.push(performance.now() - t0);
        else failures.push(`status ${res.statusCode}`);
        resolve();
      });
    });
    req.setTimeout(Number(timeoutMs), () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => {
      failures.push(e.message);
      resolve();
    });
    req.end();
  });
}

const timer = setInterval(() => {
  const p = probe();
  pending.add(p);
  void p.then(() => pending.delete(p));
}, Number(everyMs));
console.log('PROBING');

process.stdin.resume();
process.stdin.on('end', async () => {
  clearInterval(timer);
  await Promise.all(pending);
  agent.destroy();
  console.log(`PROBES ${JSON.stringify({ latencies, failures })}`);
  process.exit(0);
});
