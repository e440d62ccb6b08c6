/**
 * Sends the attacks of test/support/attacks.ts to a running server and measures what each costs
 * it: the time to the answer, the answer's bytes, and the longest wait of a /healthz probe sent
 * every PROBE_EVERY_MS meanwhile. Also the attacks of many connections: clients that never read
 * their answers (the server's resident memory while they wait), and a flood of /openapi.json
 * (the latency of /v1 meanwhile).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Socket, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import type { Attack, Outcome } from './attacks.js';

export const PROBE_EVERY_MS = 50;

/** Probes /healthz until `done` settles; resolves with the longest wait. */
async function probeHealthz(url: string, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => {});
  let worst = 0;
  while (!finished) {
    const start = performance.now();
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(120_000) });
      await res.arrayBuffer();
    } catch {
      // A refused or reset probe counts as the time it waited.
    }
    worst = Math.max(worst, performance.now() - start);
    if (!finished) await Promise.race([sleep(PROBE_EVERY_MS), done.catch(() => {})]);
  }
  return worst;
}

export class AttackTimeout extends Error {}

/** One attack, with /healthz probed while it runs; rejects with AttackTimeout after `timeoutMs`. */
export async function runAttack(url: string, attack: Attack, timeoutMs = 60_000): Promise<Outcome> {
  const body = attack.body?.();
  const start = performance.now();
  const answered = (async () => {
    const res = await fetch(`${url}${attack.path}`, {
      method: attack.method,
      headers: attack.headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { res, bytes, ms: performance.now() - start };
  })();
  const worst = probeHealthz(url, answered);
  let got: Awaited<typeof answered>;
  try {
    got = await answered;
  } catch (e) {
    if ((e as Error).name === 'TimeoutError')
      throw new AttackTimeout(`${attack.name}: no answer within ${timeoutMs} ms`);
    throw e;
  }
  const { res, bytes, ms } = got;
  const contentType = res.headers.get('content-type') ?? '';
  let parsed: unknown;
  if (/json/.test(contentType) && bytes.length < 30 * 1024 * 1024) {
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
  }
  return {
    status: res.status,
    contentType,
    bytes: bytes.length,
    ms,
    worstHealthzMs: await worst,
    headers: Object.fromEntries(res.headers),
    json: parsed,
  };
}

/** The server's resident memory in bytes: from /proc for a local pid, else from /metrics. */
export async function residentBytes(url: string, pid?: number): Promise<number> {
  if (pid !== undefined) {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  }
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
}

/** A request whose answer is a few megabytes: the product of a column and a row of 500 numbers. */
export function largeAnswerRequest(): string {
  const n = 500;
  const a = Array.from({ length: n }, (_, i) => [i + 0.123456789]);
  const b = [Array.from({ length: n }, (_, j) => 1.000001 * j + 0.987654321)];
  return JSON.stringify({ graph: { inputs: { a, b }, expr: 'L = a*b' } });
}

export interface SlowReaders {
  clients: number;
  /** Resident memory before, and the most seen while the clients held their answers unread. */
  rssBefore: number;
  rssPeak: number;
  /** Whether /healthz answered while they waited, and how long it took. */
  healthzMs: number;
  healthzStatus: number;
}

/**
 * `clients` connections each send a request with a large answer and never read it, for
 * `holdMs`; the server's memory is sampled meanwhile. Then /healthz is asked, and the
 * connections are closed.
 */
export async function slowReaders(
  url: string,
  { clients = 30, holdMs = 4000, pid }: { clients?: number; holdMs?: number; pid?: number } = {},
): Promise<SlowReaders> {
  const { hostname, port } = new URL(url);
  const body = largeAnswerRequest();
  const rssBefore = await residentBytes(url, pid);
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const socket = connect({ host: hostname, port: Number(port) });
      socket.on('error', () => {});
      socket.pause(); // never reads: the answer waits in the server's buffers
      socket.write(
        `POST /v1/forward HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      sockets.push(socket);
    }
    let rssPeak = rssBefore;
    const until = Date.now() + holdMs;
    while (Date.now() < until) {
      rssPeak = Math.max(rssPeak, await residentBytes(url, pid));
      await sleep(100);
    }
    const start = performance.now();
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return { clients, rssBefore, rssPeak, healthzMs: performance.now() - start, healthzStatus: res.status };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

export interface Flood {
  /** p50 latency of /v1/gradients alone and while /openapi.json is flooded, in ms. */
  aloneP50: number;
  floodedP50: number;
  /** /v1/gradients' answers that were not 2xx, alone and flooded together. */
  gradientsNon2xx: number;
  /** /openapi.json's answers during the flood: 2xx, and any other (a 429 once the rate limit counts it). */
  openapiStatuses: Record<string, number>;
}

const gradientsRequest = JSON.stringify({ neuron: { x: 3, w: -0.2, b: 0.4, y: 0 } });

const cannon = (options: Parameters<typeof autocannon>[0]) => Promise.resolve(autocannon(options));

/** autocannon in a process of its own (so that reading the flood's answers takes none of the measuring process's time): its JSON result. */
async function cannonProcess(
  url: string,
  connections: number,
  seconds: number,
): Promise<{ '2xx': number; non2xx: number }> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const child = spawn(process.execPath, [cli, '--json', '-c', String(connections), '-d', String(seconds), url], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  await once(child, 'close');
  return JSON.parse(out);
}

/** /v1/gradients' p50 with 2 connections for `seconds`, alone and while 16 connections of another process ask for /openapi.json. */
export async function openapiFlood(url: string, seconds = 3): Promise<Flood> {
  const gradients = {
    url: `${url}/v1/gradients`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    body: gradientsRequest,
    connections: 2,
    duration: seconds,
  };
  // The first request builds the document; both measurements come after it.
  await (await fetch(`${url}/openapi.json`)).arrayBuffer();
  const alone = await cannon(gradients);
  const flooding = cannonProcess(`${url}/openapi.json`, 16, seconds + 1);
  await sleep(500); // the flood under way
  const flooded = await cannon(gradients);
  const flood = await flooding;
  return {
    aloneP50: alone.latency.p50,
    floodedP50: flooded.latency.p50,
    gradientsNon2xx: alone.non2xx + flooded.non2xx,
    openapiStatuses: { '2xx': flood['2xx'], non2xx: flood.non2xx },
  };
}
