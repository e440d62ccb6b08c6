/** The one place that reads configuration: the environment, with defaults for a laptop. */
import { isIP } from 'node:net';
import type { AppOptions } from './app.js';
import { DEFAULT_LIMITS, type Limits } from './engine/limits.js';
import { type AuthOptions, DEFAULT_AUTH } from './http/auth.js';
import { DEFAULT_OFFLOAD_BODY, DEFAULT_OFFLOAD_WORK } from './http/compute.js';
import { DEFAULT_SHEDDING, type SheddingOptions } from './http/pressure.js';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './http/rate-limit.js';
import { DEFAULT_SEND, type SendOptions } from './http/response-bytes.js';
import { DEFAULT_TIMEOUTS, type ServerTimeouts } from './http/timeouts.js';
import { DEFAULT_POOL, type PoolOptions } from './workers/pool.js';
import { LIMIT_SETTINGS } from './settings.js';

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  /** Largest request body in bytes. */
  bodyLimit: number;
  limits: Limits;
  pool: PoolOptions;
  /** Jobs estimated above this many element operations run on a worker thread. */
  offloadWork: number;
  /** Bodies longer than this run on a worker thread from the parse on. */
  offloadBody: number;
  /** How long shutdown waits for requests in flight, in ms. */
  shutdownGraceMs: number;
  auth: AuthOptions;
  rateLimit: RateLimitOptions;
  /** Origins allowed to call from a browser (CORS); none: no CORS headers. */
  corsOrigins: string[];
  /** fastify's trustProxy: false, true, or the proxies' addresses and CIDRs. */
  trustProxy: boolean | string[];
  shedding: SheddingOptions;
  timeouts: ServerTimeouts;
  send: SendOptions;
  /** The request counts and durations and GET /metrics; false: none of them, and their price per request saved. */
  metrics: boolean;
  /** The student page, GET /play; false: a 404. */
  publicPlay: boolean;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = Infinity): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(
      `${name} must be an integer ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}, got '${raw}'`,
    );
  }
  return n;
}

/** pino's levels: what fastify's logger accepts (any other stops it with a stack trace). */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: NodeJS.ProcessEnv): string {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  if (!LOG_LEVELS.includes(raw)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${raw}'`);
  return raw;
}

/** A host name (letters, digits, - and . between labels) or an IP address. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function host(env: NodeJS.ProcessEnv): string {
  const raw = env.HOST;
  if (raw === undefined || raw === '') return '0.0.0.0';
  if (isIP(raw) === 0 && !HOST_NAME.test(raw))
    throw new Error(`HOST must be an IP address or a host name (0.0.0.0, ::, localhost), got '${raw}'`);
  return raw;
}

/** A fraction, from 0 to 1. */
function fraction(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${name} must be a number from 0 to 1, got '${raw}'`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`${name} must be true or false, got '${raw}'`);
}

/** A comma-separated list, each item trimmed, empty items dropped. */
const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** What an RFC 6750 bearer token may hold (token68), so that a key can be sent as it is. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_KEY_LENGTH = 16;

/** Keys are never quoted in a message: a bad one is named by its position. */
function apiKeys(env: NodeJS.ProcessEnv): string[] {
  const keys = list(env.API_KEYS);
  keys.forEach((key, i) => {
    if (key.length < MIN_KEY_LENGTH)
      throw new Error(
        `API_KEYS: key ${i + 1} has ${key.length} characters; each key needs at least ${MIN_KEY_LENGTH} (for example \`openssl rand -hex 32\`)`,
      );
    if (!TOKEN68.test(key))
      throw new Error(
        `API_KEYS: key ${i + 1} has a character a bearer token cannot carry; use letters, digits and - . _ ~ + /`,
      );
  });
  return keys;
}

/** Exact origins (scheme, host, port), never '*': only the course pages named may call from a browser. */
function corsOrigins(env: NodeJS.ProcessEnv): string[] {
  return list(env.CORS_ORIGINS).map((origin) => {
    if (origin === '*')
      throw new Error("CORS_ORIGINS lists exact origins such as https://course.example.edu; '*' is not accepted");
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(
        `CORS_ORIGINS must list origins such as https://course.example.edu (a scheme, a host and maybe a port, no path nor trailing slash), got '${origin}'`,
      );
    }
    return origin;
  });
}

/** proxy-addr's names for address ranges, accepted by fastify's trustProxy. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(item: string): boolean {
  if (RANGE_NAMES.has(item)) return true;
  const [address, prefix, ...rest] = item.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
}

/**
 * false, true (every proxy: only where nothing but the proxy can reach the service), or the
 * proxies' addresses and CIDRs. A hop count is refused: fastify 5 cannot tell from it which peer
 * is the proxy, and trusts no X-Forwarded-For with it.
 */
function trustProxy(env: NodeJS.ProcessEnv): boolean | string[] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw))
    throw new Error(
      `TRUST_PROXY must be true, false, or the proxies' addresses or CIDRs (10.0.0.0/8, loopback), not a hop count, got '${raw}'`,
    );
  const items = list(raw);
  const bad = items.find((item) => !isAddressOrCidr(item));
  if (bad !== undefined)
    throw new Error(
      `TRUST_PROXY must be true, false, or a comma-separated list of addresses and CIDRs (10.0.0.0/8, loopback), got '${bad}'`,
    );
  return items;
}

/**
 * Where the rate limit's counts are shared by every replica: redis: or rediss: (TLS), a host, maybe
 * a port, a password and a database number. A bad value is not quoted: it may hold a password.
 */
function redisUrl(env: NodeJS.ProcessEnv): Pick<RateLimitOptions, 'redisUrl'> {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return {};
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    !/^rediss?:$/.test(parsed.protocol) ||
    parsed.hostname === '' ||
    !/^(\/\d*)?$/.test(parsed.pathname) ||
    parsed.search !== '' ||
    parsed.hash !== ''
  ) {
    throw new Error(
      'REDIS_URL must be a URL such as redis://redis:6379/0 (the scheme redis: or rediss:, a host, maybe a port and a database number); its value is not repeated, as it may hold a password',
    );
  }
  return { redisUrl: parsed.href };
}

function timeouts(env: NodeJS.ProcessEnv): ServerTimeouts {
  const keepAliveMs = int(env, 'KEEP_ALIVE_TIMEOUT_MS', DEFAULT_TIMEOUTS.keepAliveMs, 1);
  const headersMs = int(env, 'HEADERS_TIMEOUT_MS', Math.max(DEFAULT_TIMEOUTS.headersMs, keepAliveMs + 1000), 1);
  const requestMs = int(env, 'REQUEST_TIMEOUT_MS', Math.max(DEFAULT_TIMEOUTS.requestMs, headersMs), 1);
  if (headersMs <= keepAliveMs)
    throw new Error(`HEADERS_TIMEOUT_MS (${headersMs}) must be longer than KEEP_ALIVE_TIMEOUT_MS (${keepAliveMs})`);
  if (requestMs < headersMs)
    throw new Error(`REQUEST_TIMEOUT_MS (${requestMs}) must be at least HEADERS_TIMEOUT_MS (${headersMs})`);
  return { keepAliveMs, headersMs, requestMs };
}

function readLimits(env: NodeJS.ProcessEnv): Limits {
  const limit = (name: keyof Limits, min = 0): number => int(env, LIMIT_SETTINGS[name], DEFAULT_LIMITS[name], min);
  return {
    maxNodes: limit('maxNodes'),
    maxElements: limit('maxElements'),
    maxTotalElements: limit('maxTotalElements'),
    maxWork: limit('maxWork'),
    maxResponseValues: limit('maxResponseValues'),
    maxResponseBytes: limit('maxResponseBytes', 1024),
    maxExportVariants: limit('maxExportVariants', 1),
  };
}

/** Unread answers: the budget must hold at least one answer of the largest size. */
function send(env: NodeJS.ProcessEnv, limits: Limits): SendOptions {
  const maxUnreadBytes = int(
    env,
    'MAX_UNREAD_RESPONSE_BYTES',
    Math.max(DEFAULT_SEND.maxUnreadBytes, limits.maxResponseBytes),
    1,
  );
  if (maxUnreadBytes < limits.maxResponseBytes) {
    throw new Error(
      `MAX_UNREAD_RESPONSE_BYTES (${maxUnreadBytes}) must be at least ${LIMIT_SETTINGS.maxResponseBytes} (${limits.maxResponseBytes}), so that one answer of the largest size can wait for its client`,
    );
  }
  return { maxUnreadBytes, sendTimeoutMs: int(env, 'SEND_TIMEOUT_MS', DEFAULT_SEND.sendTimeoutMs, 1000) };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const limits = readLimits(env);
  return {
    port: int(env, 'PORT', 3000, 0, 65_535),
    host: host(env),
    logLevel: logLevel(env),
    bodyLimit: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024),
    limits,
    pool: {
      threads: int(env, 'WORKERS', DEFAULT_POOL.threads, 1),
      queue: int(env, 'WORKER_QUEUE', DEFAULT_POOL.queue),
      budgetMs: int(env, 'COMPUTE_BUDGET_MS', DEFAULT_POOL.budgetMs, 1),
    },
    offloadWork: int(env, 'OFFLOAD_WORK', DEFAULT_OFFLOAD_WORK),
    offloadBody: int(env, 'OFFLOAD_BODY_BYTES', DEFAULT_OFFLOAD_BODY),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000),
    auth: {
      apiKeys: apiKeys(env),
      publicMetrics: bool(env, 'PUBLIC_METRICS', DEFAULT_AUTH.publicMetrics),
      publicDocs: bool(env, 'PUBLIC_DOCS', DEFAULT_AUTH.publicDocs),
    },
    rateLimit: {
      max: int(env, 'RATE_LIMIT_MAX', DEFAULT_RATE_LIMIT.max, 1),
      windowMs: int(env, 'RATE_LIMIT_WINDOW_MS', DEFAULT_RATE_LIMIT.windowMs, 1000),
      ...redisUrl(env),
    },
    corsOrigins: corsOrigins(env),
    trustProxy: trustProxy(env),
    shedding: {
      maxEventLoopDelayMs: int(env, 'MAX_EVENT_LOOP_DELAY_MS', DEFAULT_SHEDDING.maxEventLoopDelayMs),
      maxHeapUsedFraction: fraction(env, 'MAX_HEAP_USED_FRACTION', DEFAULT_SHEDDING.maxHeapUsedFraction),
      maxEventLoopUtilization: fraction(env, 'MAX_EVENT_LOOP_UTILIZATION', DEFAULT_SHEDDING.maxEventLoopUtilization),
    },
    timeouts: timeouts(env),
    send: send(env, limits),
    metrics: bool(env, 'METRICS', true),
    publicPlay: bool(env, 'PUBLIC_PLAY', true),
  };
}

/** The app's options from the configuration: what server.ts builds the app with (it adds its readiness). */
export function appOptions(config: Config): AppOptions {
  return {
    logger: { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    limits: config.limits,
    pool: config.pool,
    offloadWork: config.offloadWork,
    offloadBody: config.offloadBody,
    auth: config.auth,
    rateLimit: config.rateLimit,
    shedding: config.shedding,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    timeouts: config.timeouts,
    send: config.send,
    metrics: config.metrics,
    // Where the page is built is the app's to know (src/http/play.ts); the setting only turns it off.
    ...(config.publicPlay ? {} : { play: false as const }),
  };
}
