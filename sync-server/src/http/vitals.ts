import { TaskmasterError } from '@taskmaster/shared-schema';
import { Router } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { AuthRateLimiter } from '../auth/auth-router.js';
import type { Metrics } from '../observability/metrics.js';
import { validate } from '../validation/validate.js';

/** Upper bounds of plausible values: LCP and INP in milliseconds (a minute), CLS unitless. */
const MAX_MS = 60_000;
const MAX_CLS = 100;

const vital = z.discriminatedUnion('name', [
  z
    .object({
      name: z.literal('LCP'),
      value: z.number().min(0).max(MAX_MS),
      rating: z.enum(['good', 'needs-improvement', 'poor']),
    })
    .strict(),
  z
    .object({
      name: z.literal('INP'),
      value: z.number().min(0).max(MAX_MS),
      rating: z.enum(['good', 'needs-improvement', 'poor']),
    })
    .strict(),
  z
    .object({
      name: z.literal('CLS'),
      value: z.number().min(0).max(MAX_CLS),
      rating: z.enum(['good', 'needs-improvement', 'poor']),
    })
    .strict(),
]);

/** `POST /api/vitals` body: up to ten Web Vitals measured on one page load. */
export const vitalsBody = z
  .object({ metrics: z.array(vital).min(1).max(10) })
  .strict()
  .meta({ id: 'WebVitals' });

export interface VitalsRouterOptions {
  metrics: Pick<Metrics, 'webVitals' | 'rateLimited'>;
  /** Per-IP limiter (Redis-backed when scaled); default 30 reports per IP per minute in memory. */
  rateLimiter?: AuthRateLimiter;
}

/**
 * Web Vitals from browsers (LCP, INP, CLS from `web-vitals`), fed into the `taskmaster_web_vitals`
 * histogram. Anyone may report (they arrive before sign-in too), so the body is strictly validated
 * and bounded, and reports are rate-limited per client IP. Answers 204.
 */
export function createVitalsRouter(options: VitalsRouterOptions): Router {
  const limiter = options.rateLimiter ?? new RateLimiterMemory({ keyPrefix: 'vitals', points: 30, duration: 60 });
  const router = Router();
  router.post('/vitals', async (req, res) => {
    try {
      await limiter.consume(req.ip ?? 'unknown');
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      options.metrics.rateLimited.inc({ scope: 'vitals' });
      res.set('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
      throw new TaskmasterError('rate-limited', 'Too many reports; retry later', 429);
    }
    const { metrics } = validate(vitalsBody, req.body);
    for (const m of metrics) {
      // Prometheus convention: seconds for durations.
      options.metrics.webVitals.observe(
        { name: m.name, rating: m.rating },
        m.name === 'CLS' ? m.value : m.value / 1000,
      );
    }
    res.status(204).end();
  });
  return router;
}
