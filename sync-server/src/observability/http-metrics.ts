import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

/**
 * Counts REST requests and times them, labelled by the matched route pattern (`/api/admin/v1/users/:id`,
 * never the raw URL, so ids do not explode the label space). Unmatched paths share one label.
 */
export function httpMetrics(metrics: Pick<Metrics, 'httpRequests' | 'httpDuration'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? `${req.baseUrl}${routePath}` : 'unmatched';
      const status = `${Math.floor(res.statusCode / 100)}xx`;
      metrics.httpRequests.inc({ method: req.method, route, status });
      metrics.httpDuration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
