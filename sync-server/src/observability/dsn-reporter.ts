import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ErrorReporter } from './error-reporting.js';

/** At most this many reports in flight; beyond it, errors are only logged (a crash loop must not queue forever). */
const MAX_IN_FLIGHT = 20;

/**
 * Posts errors to the store endpoint of a Sentry-style DSN. Loaded only when `SENTRY_DSN` is set.
 * Failures to report are logged at debug level and never thrown: reporting must not hurt serving.
 */
export function createDsnReporter(dsn: string, logger: Logger): ErrorReporter {
  const url = new URL(dsn);
  const key = decodeURIComponent(url.username);
  const project = url.pathname.replace(/^\/+|\/+$/g, '');
  const endpoint = `${url.protocol}//${url.host}/api/${project}/store/`;
  const inFlight = new Set<Promise<void>>();
  return {
    enabled: true,
    capture(error, context = {}) {
      if (inFlight.size >= MAX_IN_FLIGHT) return;
      const err = error instanceof Error ? error : new Error(String(error));
      const event = {
        event_id: randomUUID().replaceAll('-', ''),
        timestamp: new Date().toISOString(),
        platform: 'node',
        level: 'error',
        logger: 'sync-server',
        exception: { values: [{ type: err.name, value: err.message, stacktrace: { frames: [] }, raw: err.stack }] },
        tags: context,
      };
      const sending = fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-sentry-auth': `Sentry sentry_version=7, sentry_client=taskmaster/1, sentry_key=${key}`,
        },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(5000),
      }).then(
        () => undefined,
        (failure: unknown) => logger.debug({ err: failure }, 'error report not delivered'),
      );
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    },
    async flush(timeoutMs = 2000) {
      await Promise.race([Promise.all(inFlight), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
  };
}
