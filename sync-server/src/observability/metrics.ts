import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Documents accepted by push, labelled by collection. */
  pushDocs: Counter<'collection'>;
  /** Documents returned by pull, labelled by collection. */
  pullDocs: Counter<'collection'>;
  /** Wall time of one push (validation, merge, durable write), labelled by collection. */
  pushDuration: Histogram<'collection'>;
  connectedSockets: Gauge;
  /** Failed authentications (REST and socket), labelled by error reason. */
  authFailures: Counter<'reason'>;
}

/**
 * A fresh registry per server instance (not prom-client's global one), so several servers in one
 * test process do not collide on metric names.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    pushDocs: new Counter({
      name: 'taskmaster_push_docs_total',
      help: 'Documents accepted by push',
      labelNames: ['collection'],
      registers: [registry],
    }),
    pullDocs: new Counter({
      name: 'taskmaster_pull_docs_total',
      help: 'Documents returned by pull',
      labelNames: ['collection'],
      registers: [registry],
    }),
    pushDuration: new Histogram({
      name: 'taskmaster_push_duration_seconds',
      help: 'Duration of one push including the durable write',
      labelNames: ['collection'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    connectedSockets: new Gauge({
      name: 'taskmaster_connected_sockets',
      help: 'Socket.IO connections currently open on this instance',
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'taskmaster_auth_failures_total',
      help: 'Failed authentications by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}

/** `GET /metrics` handler in the Prometheus text format. */
export function metricsHandler(registry: Registry): RequestHandler {
  return async (_req, res) => {
    res.set('Content-Type', registry.contentType);
    res.set('Cache-Control', 'no-store');
    res.send(await registry.metrics());
  };
}
