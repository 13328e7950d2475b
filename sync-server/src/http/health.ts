import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { Logger } from '../observability/logger.js';

export interface HealthDeps {
  store: Pick<DocumentStore, 'ping'>;
  /** True once graceful shutdown began: the load balancer must stop sending new work. */
  isShuttingDown: () => boolean;
  logger?: Logger;
  /** A ping slower than this counts as not ready. */
  pingTimeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`store ping timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * `GET /healthz`: the process is alive (liveness; never touches dependencies, so a slow database
 * does not get the process restarted). `GET /readyz`: the store answers and we are not shutting
 * down (readiness; 503 takes the instance out of the load balancer).
 */
export function createHealthRouter({ store, isShuttingDown, logger, pingTimeoutMs = 2000 }: HealthDeps): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (isShuttingDown()) {
      res.status(503).json({ status: 'unavailable', reason: 'shutting-down' });
      return;
    }
    try {
      await withTimeout(store.ping(), pingTimeoutMs);
      res.json({ status: 'ready' });
    } catch (err) {
      logger?.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'store-unavailable' });
    }
  });
  return router;
}
