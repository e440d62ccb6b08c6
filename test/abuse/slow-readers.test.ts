/**
 * Clients that never read their answers: 23 of them once pinned 1.37 GB of a process whose limit
 * is 1,536 MiB. Large answers now count against MAX_UNREAD_RESPONSE_BYTES until their client has
 * taken them (over it: a 503 with Retry-After), and one not taken within SEND_TIMEOUT_MS is
 * abandoned with its connection. The server runs as operators run it (src/server.ts, its own
 * process), and its memory is read from its own /metrics.
 */
import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, killAll, startServer } from '../support/server-process.js';

afterAll(killAll);

// s = a + b broadcasts [1, 500] and [500, 1]: 250000 numbers of about 19 digits, an answer of
// about 5 MB, under MAX_RESPONSE_BYTES (8 MiB; estimated at about 6.5 MB), from a 20 kB body.
const n = 500;
const spec = {
  graph: {
    inputs: {
      a: [Array.from({ length: n }, (_, j) => Math.sin(j + 1))],
      b: Array.from({ length: n }, (_, i) => [Math.cos(i + 1) / 3]),
    },
    expr: 's = a + b; L = mean(s)',
  },
  include: ['s'],
};
const body = JSON.stringify(spec);

const CLIENTS = 30;
/**
 * Computing 30 such answers grows the heap by about 100 MiB here whatever happens to them, then
 * no more; without the budget, each unread answer held about 13 MiB more (30 of them: 400 MiB).
 */
const RSS_GROWTH_BOUND = 200 * 1024 * 1024;
/**
 * The second 15 clients are all refused; without the budget each held 13 MiB more (195 MiB). With
 * it, RSS moves by 0 to about 75 MiB over them, as the collector happens to run (measured with and
 * without ioredis loaded, which shifts when it runs): the bound sits between the two.
 */
const SECOND_HALF_BOUND = 120 * 1024 * 1024;

async function rss(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)![1]);
}

const forward = (url: string) =>
  fetch(`${url}/v1/forward`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** Sends the request on a raw connection that then reads nothing; resolves once the answer has begun to arrive. */
async function unreadRequest(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.write(
    `POST /v1/forward HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // A 'readable' listener reads nothing: the socket buffers up to its high-water mark and stops.
  await once(socket, 'readable');
  return socket;
}

/** The head of an answer still unread, taken from the socket's buffer at the end. */
const headOf = (socket: Socket): string => String(socket.read() ?? '').split('\r\n\r\n')[0];

describe('clients that never read their answers', () => {
  it(`${CLIENTS} of them hold a bounded part of the process's memory, and /healthz still answers`, {
    timeout: 120_000,
  }, async () => {
    const server: ServerProcess = await startServer({
      MAX_UNREAD_RESPONSE_BYTES: String(16 * 1024 * 1024),
      WORKERS: '1',
      RATE_LIMIT_MAX: '100000',
    });
    // One answer read whole first: the code compiled and the heap grown for one such answer.
    const warm = await forward(server.url);
    expect(warm.status).toBe(200);
    expect((await warm.arrayBuffer()).byteLength).toBeGreaterThan(4_000_000);
    const before = await rss(server.url);

    const sockets: Socket[] = [];
    for (let i = 0; i < CLIENTS / 2; i++) sockets.push(await unreadRequest(server.url));
    const half = await rss(server.url);
    for (let i = CLIENTS / 2; i < CLIENTS; i++) sockets.push(await unreadRequest(server.url));
    const after = await rss(server.url);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const heads = sockets.map(headOf);
    const accepted = heads.filter((h) => h.startsWith('HTTP/1.1 200'));
    const refused = heads.filter((h) => h.startsWith('HTTP/1.1 503'));
    expect(accepted.length + refused.length).toBe(CLIENTS);
    // 16 MiB of unread answers of about 5 MB each: the first three are sent, the others refused.
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(4);
    expect(refused[0]).toMatch(/^retry-after: \d+$/im);
    expect(after - before, `RSS from ${before} to ${after}`).toBeLessThan(RSS_GROWTH_BOUND);
    expect(after - half, `RSS from ${half} after ${CLIENTS / 2} clients to ${after}`).toBeLessThan(SECOND_HALF_BOUND);
    for (const socket of sockets) socket.destroy();
  });

  it('one not read within SEND_TIMEOUT_MS is abandoned, and its bytes count no more', {
    timeout: 120_000,
  }, async () => {
    // The budget holds one such answer and not two.
    const server = await startServer({
      MAX_UNREAD_RESPONSE_BYTES: String(8 * 1024 * 1024),
      SEND_TIMEOUT_MS: '3000',
      WORKERS: '1',
    });
    const first = await unreadRequest(server.url);
    const second = await unreadRequest(server.url);
    const refused = headOf(second);
    expect(refused).toMatch(/^HTTP\/1.1 503/);
    expect(Number(/^retry-after: (\d+)$/im.exec(refused)![1])).toBeLessThanOrEqual(3);
    await server.logged((line) => String(line.msg).includes('SEND_TIMEOUT_MS'));
    const third = await forward(server.url);
    expect(third.status).toBe(200);
    expect((await third.arrayBuffer()).byteLength).toBeGreaterThan(4_000_000);
    first.destroy();
    second.destroy();
  });
});
