/**
 * openapi-flood: what a flood of GET /openapi.json (the public OpenAPI document, about 400 kB)
 * does to the API. POST /v1/gradients with the tutorial's neuron (autocannon in this process, 2
 * connections, 40 requests a second), alone, then while a second autocannon, in a process of its
 * own, floods /openapi.json (16 connections, no key). The servers (bench/servers.ts, a child
 * process, 127.0.0.1) run in two configurations:
 * - "no limit": buildApp's defaults, no rate limit and no keys: what serving the document costs;
 * - "limited": API keys and the default rate limit (RATE_LIMIT_MAX 1200 a minute), as a
 *   deployment runs: the API client sends a key (counted per key), the flood has none (counted
 *   per address, the documentation being public). Measured once the flood is refused (429), as
 *   any flood longer than a few seconds is.
 * Reported: /v1/gradients p50 and p99, and the servers' event-loop busy fraction over each run.
 * Goal: in the "limited" configuration, /v1/gradients p50 under the flood within 5× its p50
 * alone. On a shared machine the client's own latency moves with the load; the event-loop
 * figure is the server's own.
 *
 *   npx tsx bench/openapi-flood.ts [seconds]        (npm run bench:openapi-flood)
 */
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { DEFAULT_RATE_LIMIT } from '../src/http/rate-limit.js';
import {
  type ResultRow,
  check,
  emitResults,
  fmtInt,
  fmtMs,
  header,
  httpRequest,
  now,
  percentile,
  spawnNode,
  startServers,
} from './helpers.js';

const seconds = Number(process.argv[2] ?? 4);
const KEY = 'bench-openapi-flood-key';
/** Requests per second of the API client: under the default limit of 1200 a minute for its key, over the whole run. */
const API_RATE = 40;
const FLOOD_CONNECTIONS = 16;
const body = JSON.stringify({ neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } });
const autocannonCli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

type Options = Parameters<typeof autocannon>[0];

interface Run {
  p50: number;
  p99: number;
  ok: number;
  other: number;
  /** The servers' event loop's busy fraction over the run. */
  loop: number;
}

/** One run of the API client; latencies of its 2xx answers (exact, per response). */
async function measure(url: string, auth: boolean, control: string): Promise<Run> {
  const latencies: number[] = [];
  let other = 0;
  const options: Options = {
    url: `${url}/v1/gradients`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth && { authorization: `Bearer ${KEY}` }) },
    body,
    connections: 2,
    overallRate: API_RATE,
    duration: seconds,
    timeout: 5,
  };
  await httpRequest(`${control}/loop`);
  const instance = autocannon(options);
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else other++;
  });
  const result = await instance;
  const loop = JSON.parse((await httpRequest(`${control}/loop`)).text) as { activeMs: number; idleMs: number };
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok: latencies.length,
    other: other + result.errors + result.timeouts,
    loop: loop.activeMs / (loop.activeMs + loop.idleMs),
  };
}

/** What a GET /openapi.json from the flood's address answers now. */
const documentStatus = async (url: string): Promise<number> => (await httpRequest(`${url}/openapi.json`)).status;

const describe = (r: Run): string =>
  `/v1/gradients p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms (${fmtInt(r.ok)} 2xx, ${fmtInt(r.other)} other); server event loop ${(100 * r.loop).toFixed(0)}% busy`;

header('openapi-flood: POST /v1/gradients alone, and while 16 connections flood GET /openapi.json');
const servers = await startServers({
  free: { app: { logger: false } },
  limited: { app: { logger: false, rateLimit: DEFAULT_RATE_LIMIT, auth: { apiKeys: [KEY] } } },
});
const rows: ResultRow[] = [];
try {
  for (const [name, auth] of [
    ['free', false],
    ['limited', true],
  ] as const) {
    const url = servers.urls[name];
    // The document is built on its first request (its examples are computed then): not part of the flood.
    check((await documentStatus(url)) === 200, `${name}: /openapi.json answers 200`);
    const alone = await measure(url, auth, servers.urls.control);
    const flood = spawnNode(autocannonCli, ['-c', String(FLOOD_CONNECTIONS), '-d', '120', `${url}/openapi.json`]);
    try {
      if (auth) {
        // A flood is refused once it has sent RATE_LIMIT_MAX requests in the window: measured from then on.
        // (A service that does not limit the documentation never refuses it: measured after 30 s then.)
        const t0 = now();
        let refused = false;
        while (!(refused = (await documentStatus(url)) === 429) && now() - t0 < 30_000)
          await new Promise((r) => setTimeout(r, 200));
        console.log(
          `  ${name}: ${refused ? 'the flood is refused (429)' : 'the flood is still served'} after ${fmtMs((now() - t0) / 1000)} s`,
        );
      } else {
        await new Promise((r) => setTimeout(r, 1000));
      }
      const flooded = await measure(url, auth, servers.urls.control);
      console.log(`  ${name.padEnd(8)} alone:   ${describe(alone)}`);
      console.log(`  ${name.padEnd(8)} flooded: ${describe(flooded)}`);
      rows.push({
        benchmark: 'openapi-flood',
        figure: `${name === 'free' ? 'no rate limit' : 'rate limit + keys'}: /v1/gradients p50 under an /openapi.json flood ${fmtMs(flooded.p50)} ms (event loop ${(100 * flooded.loop).toFixed(0)}% busy)`,
        baseline: `alone: ${fmtMs(alone.p50)} ms (${(100 * alone.loop).toFixed(0)}%)`,
        ratio: flooded.p50 / alone.p50,
        goal: name === 'limited' ? '≤ 5×' : '(reported)',
        met: name === 'limited' ? flooded.p50 <= 5 * alone.p50 : null,
      });
    } finally {
      await flood.stop(1000);
    }
  }
  emitResults(rows);
} finally {
  await servers.stop();
}
