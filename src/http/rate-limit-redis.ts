/**
 * The rate limit's counts shared through Redis (REDIS_URL), so that every replica counts against
 * one quota. A course platform must not go down with its rate-limit store: while Redis does not
 * answer, requests are let through unlimited (fail-open; load shedding and the worker queue still
 * protect each replica), and every call to Redis fails fast instead of waiting in a queue, so that
 * no request waits on it for long. The client reconnects on its own when Redis is back.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { Guard } from './before-routing.js';
import { HttpError } from './http-error.js';

/** Each counter's key starts with this, so that several services can share one Redis. */
const REDIS_KEY_PREFIX = 'gradient-service:rate-limit:';

/** A call to Redis answers within this, or the request goes unlimited. */
const COMMAND_TIMEOUT_MS = 250;
const CONNECT_TIMEOUT_MS = 1000;
/** Reconnection waits 100 ms, 200 ms, 400 ms… up to this, for as long as Redis is away. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * The ioredis client, and whether Redis answers: one warn line when it stops, one info line when
 * it answers again, never a line per request.
 */
export class SharedCounts {
  readonly client: Redis;
  readonly keyPrefix = REDIS_KEY_PREFIX;
  /** undefined until the first connection succeeds or fails. */
  private up: boolean | undefined;
  private closing = false;

  constructor(
    url: string,
    private readonly log: FastifyBaseLogger,
  ) {
    this.client = new Redis(url, {
      // Not connected: a call fails at once rather than waiting for the connection to return.
      enableOfflineQueue: false,
      // A call cut off by a lost connection is tried once more after reconnecting, not more.
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempts) => Math.min(100 * 2 ** (attempts - 1), MAX_RECONNECT_DELAY_MS),
    });
    this.client.on('ready', () => this.mark(true));
    this.client.on('close', () => this.mark(false));
    // Every failed attempt to reconnect is an 'error' too: the transitions above are what is logged.
    this.client.on('error', () => {});
  }

  /** 1 while Redis answers, for the gauge of /metrics. */
  get isUp(): boolean {
    return this.up === true;
  }

  /**
   * The limiter's check, which lets a request through when Redis fails it. Not the plugin's
   * skipOnError, which would let it through unseen: here it is counted (`letThrough`) and logged.
   */
  failOpen(check: Guard, letThrough: () => void): Guard {
    return async (request, reply) => {
      try {
        await check(request, reply);
      } catch (err) {
        // The 429 (an HttpError) is Redis's answer; anything else is Redis failing to answer.
        if (err instanceof HttpError) {
          this.mark(true);
          throw err;
        }
        letThrough();
        return this.mark(false, err as Error);
      }
      this.mark(true);
    };
  }

  close(): void {
    this.closing = true;
    this.client.disconnect();
  }

  private mark(up: boolean, err?: Error): void {
    if (this.closing || up === this.up) return;
    const first = this.up === undefined;
    this.up = up;
    const where = { redis: `${this.client.options.host}:${this.client.options.port}` };
    if (up && first) this.log.info(where, 'rate limit: counting in Redis, shared by every replica');
    else if (up) this.log.info(where, 'rate limit: Redis answers again; requests are limited again');
    else
      this.log.warn(
        { ...where, reason: err?.message },
        'rate limit: Redis does not answer; requests are let through unlimited until it does',
      );
  }
}
