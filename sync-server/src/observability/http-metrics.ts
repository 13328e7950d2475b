import type { RequestHandler } from 'express';
import type { Metrics } from './metrics.js';

/** Refused before a route matched (no token, bad body): labelled by the API area, never by the raw path. */
function prefixOf(url: string): string {
  const path = url.split('?')[0] ?? '';
  for (const prefix of ['/api/admin/v1', '/api/auth', '/api']) if (path.startsWith(`${prefix}/`)) return `${prefix}/*`;
  return path.startsWith('/socket.io/') ? '/socket.io/*' : 'other';
}

/**
 * Counts REST requests and times them, labelled by the matched route pattern (`/api/admin/v1/users/:id`,
 * never the raw URL, so ids do not explode the label space). Requests refused before a route
 * matched are labelled by their API area (`/api/admin/v1/*`).
 */
export function httpMetrics(metrics: Pick<Metrics, 'httpRequests' | 'httpDuration'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const base = (res.locals as { routeBase?: string }).routeBase ?? '';
      const route = typeof routePath === 'string' ? `${base}${routePath}` : prefixOf(req.originalUrl);
      const status = `${Math.floor(res.statusCode / 100)}xx`;
      metrics.httpRequests.inc({ method: req.method, route, status });
      metrics.httpDuration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/**
 * Mounted in front of each router: remembers its mount path, which Express forgets by the time the
 * response finishes, so the metric label is the full route pattern.
 */
export const rememberRouteBase: RequestHandler = (req, res, next) => {
  (res.locals as { routeBase?: string }).routeBase = req.baseUrl;
  next();
};
