import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface Metrics {
  registry: Registry;
  /** Documents accepted by push, labelled by collection. */
  pushDocs: Counter<'collection'>;
  /** Documents returned by pull, labelled by collection. */
  pullDocs: Counter<'collection'>;
  /** Wall time of one accepted push (validation, merge, durable write), labelled by collection. */
  pushDuration: Histogram<'collection'>;
  /** Wall time of one answered pull, labelled by collection. */
  pullDuration: Histogram<'collection'>;
  /** Time the store takes to commit one push batch (the transaction, merge included). */
  storeCommitDuration: Histogram<'collection'>;
  /** Pushed documents that were stored merged with another device's change (rule R4). */
  conflicts: Counter<'collection'>;
  /** Divergence repairs (a device told to verify and re-pull), by cause. */
  repairs: Counter<'cause'>;
  /** Events or requests refused by a rate limiter, by scope (`socket`, `auth`, `vitals`, `admin`). */
  rateLimited: Counter<'scope'>;
  /** Sync events answered, by event and outcome (`ok` or the error reason). */
  syncEvents: Counter<'event' | 'outcome'>;
  connectedSockets: Gauge;
  /** Failed authentications (REST and socket), labelled by error reason. */
  authFailures: Counter<'reason'>;
  /** REST requests by method, route pattern and status class. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** Browser Web Vitals reported by clients (`POST /api/vitals`), LCP/INP in seconds, CLS unitless. */
  webVitals: Histogram<'name' | 'rating'>;
  /**
   * Reads a counter kept elsewhere into `taskmaster_fanout_publish_failures_total` (the Redis
   * fan-out counts messages it could not publish). Set once by the composition root.
   */
  setFanoutFailureSource(read: () => number): void;
}

/**
 * A fresh registry per server instance (not prom-client's global one), so several servers in one
 * test process do not collide on metric names. Event-loop lag comes with the default metrics
 * (`nodejs_eventloop_lag_*`).
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let fanoutFailures: () => number = () => 0;
  new Counter({
    name: 'taskmaster_fanout_publish_failures_total',
    help: 'Fan-out messages that could not be published (devices catch up by pull)',
    registers,
    collect() {
      this.reset();
      this.inc(fanoutFailures());
    },
  });
  return {
    registry,
    pushDocs: new Counter({
      name: 'taskmaster_push_docs_total',
      help: 'Documents accepted by push',
      labelNames: ['collection'],
      registers,
    }),
    pullDocs: new Counter({
      name: 'taskmaster_pull_docs_total',
      help: 'Documents returned by pull',
      labelNames: ['collection'],
      registers,
    }),
    pushDuration: new Histogram({
      name: 'taskmaster_push_duration_seconds',
      help: 'Duration of one accepted push including the durable write',
      labelNames: ['collection'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    pullDuration: new Histogram({
      name: 'taskmaster_pull_duration_seconds',
      help: 'Duration of one answered pull',
      labelNames: ['collection'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    storeCommitDuration: new Histogram({
      name: 'taskmaster_store_commit_duration_seconds',
      help: 'Duration of the store transaction of one push batch',
      labelNames: ['collection'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    conflicts: new Counter({
      name: 'taskmaster_conflicts_total',
      help: 'Pushed documents stored merged with a concurrent change',
      labelNames: ['collection'],
      registers,
    }),
    repairs: new Counter({
      name: 'taskmaster_repairs_total',
      help: 'Divergence repairs: devices told to verify and re-pull',
      labelNames: ['cause'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'taskmaster_rate_limited_total',
      help: 'Events and requests refused by a rate limiter',
      labelNames: ['scope'],
      registers,
    }),
    syncEvents: new Counter({
      name: 'taskmaster_sync_events_total',
      help: 'Sync events answered, by outcome (ok or the error reason)',
      labelNames: ['event', 'outcome'],
      registers,
    }),
    connectedSockets: new Gauge({
      name: 'taskmaster_connected_sockets',
      help: 'Socket.IO connections currently open on this instance',
      registers,
    }),
    authFailures: new Counter({
      name: 'taskmaster_auth_failures_total',
      help: 'Failed authentications by reason',
      labelNames: ['reason'],
      registers,
    }),
    httpRequests: new Counter({
      name: 'taskmaster_http_requests_total',
      help: 'REST requests by method, route and status class',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'taskmaster_http_request_duration_seconds',
      help: 'REST request duration by method and route',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    webVitals: new Histogram({
      name: 'taskmaster_web_vitals',
      help: 'Web Vitals reported by browsers: LCP and INP in seconds, CLS unitless',
      labelNames: ['name', 'rating'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 2.5, 4, 8],
      registers,
    }),
    setFanoutFailureSource(read) {
      fanoutFailures = read;
    },
  };
}

/**
 * `GET /metrics` handler in the Prometheus text format. With `token`, only callers presenting
 * `Authorization: Bearer <token>` get an answer (404 for everyone else, so the endpoint's
 * existence is not advertised on the public port).
 */
export function metricsHandler(registry: Registry, token?: string): RequestHandler {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return async (req, res, next) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        next();
        return;
      }
    }
    res.set('Content-Type', registry.contentType);
    res.set('Cache-Control', 'no-store');
    res.send(await registry.metrics());
  };
}
