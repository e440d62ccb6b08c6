/**
 * GET /metrics: the Prometheus text exposition of one app's requests, problems, compiled graphs
 * and compute pool, and of the process it runs in.
 *
 * Each app has its own registry, so that apps built in one process (tests) count apart. The
 * process's metrics (prom-client's default metrics: CPU, memory, event loop, GC) are collected
 * once per process instead: each collection starts an event-loop delay monitor and a GC observer
 * that prom-client gives no way to stop, and they describe the process, whichever app asks.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TapeSize } from '../engine/tape.js';
import type { OperationName } from '../operations/index.js';
import type { ComputePool } from '../workers/pool.js';

/** The service's own metrics carry this prefix; the process's keep prom-client's standard names. */
const PREFIX = 'gradient_service_';

/** The route label of a request that matched no route (404s, 405s): one value, whatever the URL. */
const UNMATCHED = 'unmatched';

/** From 1 ms (a small request on the event loop) to 30 s (past the compute-time budget with a wait for a worker). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** From one node to past MAX_NODES (200000). */
const NODE_BUCKETS = [1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000];
/** From one element to past MAX_TOTAL_ELEMENTS (20 million). */
const ELEMENT_BUCKETS = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

type RequestSeries = { requests: { inc(): void }; durations: { observe(seconds: number): void } };
type GraphSeries = { nodes: { observe(count: number): void }; elements: { observe(count: number): void } };

let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export class Metrics {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: `${PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by route (its URL pattern, or "unmatched"), method and status; 499: the client went away first.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  private readonly durations = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'Time from a request to its response, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly problems = new Counter({
    name: `${PREFIX}problems_total`,
    help: 'Problem documents (RFC 9457) sent, by code and status.',
    labelNames: ['code', 'status'] as const,
    registers: [this.registry],
  });

  private readonly graphNodes = new Histogram({
    name: `${PREFIX}graph_nodes`,
    help: 'Nodes of each graph compiled for a compute operation, by operation.',
    labelNames: ['operation'] as const,
    buckets: NODE_BUCKETS,
    registers: [this.registry],
  });

  private readonly graphElements = new Histogram({
    name: `${PREFIX}graph_elements`,
    help: 'Elements of all the tensors of each graph compiled for a compute operation (inputs, params, nodes and literals), by operation.',
    labelNames: ['operation'] as const,
    buckets: ELEMENT_BUCKETS,
    registers: [this.registry],
  });

  /** Disabled (METRICS=false), nothing is counted: the count methods return at once. */
  constructor(
    pool?: ComputePool,
    private readonly enabled = true,
  ) {
    const gauge = (name: string, help: string, read: (pool: ComputePool) => number): void => {
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        registers: [this.registry],
        collect() {
          this.set(pool ? read(pool) : 0);
        },
      });
    };
    gauge('pool_busy_jobs', 'Jobs running on a compute worker thread now.', (p) => p.busy);
    gauge(
      'pool_queued_jobs',
      'Jobs waiting for a compute worker thread now (past WORKER_QUEUE of them, a request is a 503 BUSY).',
      (p) => p.queued,
    );
    gauge(
      'pool_threads',
      'Compute worker threads alive now (started on demand, stopped after a minute idle).',
      (p) => p.threads,
    );
  }

  /**
   * The counter and histogram of each route, method and status, made once: prom-client's labels()
   * builds a label object and a closure each time it is called, on every request otherwise.
   */
  private readonly byRequestLabels = new Map<string, RequestSeries>();
  private readonly byOperation = new Map<OperationName, GraphSeries>();

  /** A response sent, or a request whose client went away first (499). */
  countRequest(request: FastifyRequest, status: number, elapsedMs: number): void {
    if (!this.enabled) return;
    const route = request.routeOptions.url ?? UNMATCHED;
    const key = `${status} ${request.method} ${route}`;
    let series = this.byRequestLabels.get(key);
    if (!series) {
      const labels = [route, request.method, String(status)] as const;
      series = { requests: this.requests.labels(...labels), durations: this.durations.labels(...labels) };
      this.byRequestLabels.set(key, series);
    }
    series.requests.inc();
    series.durations.observe(elapsedMs / 1000);
  }

  countProblem = (problem: { code: string; status: number }): void => {
    if (!this.enabled) return;
    this.problems.inc({ code: problem.code, status: String(problem.status) });
  };

  countGraph(operation: OperationName, size: TapeSize): void {
    if (!this.enabled) return;
    let series = this.byOperation.get(operation);
    if (!series) {
      series = { nodes: this.graphNodes.labels(operation), elements: this.graphElements.labels(operation) };
      this.byOperation.set(operation, series);
    }
    series.nodes.observe(size.nodes);
    series.elements.observe(size.elements);
  }

  /**
   * The rate limit's shared store (REDIS_URL), only when there is one: whether it answers, read at
   * each scrape, and the requests it failed. Returns what counts one of those.
   */
  watchRateLimitStore(isUp: () => boolean): () => void {
    new Gauge({
      name: `${PREFIX}rate_limit_store_up`,
      help: "1 while the rate limit's shared store (Redis, REDIS_URL) answers; 0 while it does not, and requests go unlimited.",
      registers: [this.registry],
      collect() {
        this.set(isUp() ? 1 : 0);
      },
    });
    const errors = new Counter({
      name: `${PREFIX}rate_limit_store_errors_total`,
      help: 'Requests let through without a rate limit because its shared store (Redis, REDIS_URL) failed to answer.',
      registers: [this.registry],
    });
    return () => errors.inc();
  }
}

/**
 * The app's metrics and GET /metrics (kept out of the OpenAPI document: it is for Prometheus, not
 * for API clients). Called before the other registrations, so that its hook counts the requests
 * of every route; requests to /metrics itself are counted too (route "/metrics"). Not `enabled`
 * (METRICS=false): no hook, no GET /metrics (a 404), and a Metrics that counts nothing.
 */
export function registerMetrics(
  app: FastifyInstance,
  { pool, isSelf, enabled }: { pool?: ComputePool; isSelf: (request: FastifyRequest) => boolean; enabled: boolean },
): Metrics {
  const metrics = new Metrics(pool, enabled);
  if (!enabled) return metrics;
  app.addHook('onResponse', (request, reply, done) => {
    // The OpenAPI document's examples, which the app sends itself, are not traffic.
    if (!isSelf(request)) metrics.countRequest(request, reply.statusCode, reply.elapsedTime);
    done();
  });
  // Merged at the first scrape, once every metric is registered (the rate limit's store comes later).
  let exposition: Registry | undefined;
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    exposition ??= Registry.merge([processMetrics(), metrics.registry]);
    return reply.type(exposition.contentType).send(await exposition.metrics());
  });
  return metrics;
}
