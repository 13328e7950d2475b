import type { Logger } from 'pino';

/** Where unexpected errors go besides the log (the seed's error tracking). */
export interface ErrorReporter {
  readonly enabled: boolean;
  capture(error: unknown, context?: Record<string, string | number | boolean | undefined>): void;
  flush(timeoutMs?: number): Promise<void>;
}

const OFF: ErrorReporter = { enabled: false, capture() {}, flush: async () => undefined };

/**
 * The error reporter for a Sentry-style DSN (`https://<key>@<host>/<project>`), or a no-op when
 * `dsn` is unset: then nothing is loaded at all. No vendor SDK is used: the reporter module is
 * imported only when a DSN is configured, and it posts each event to the DSN's store endpoint.
 */
export async function createErrorReporter(dsn: string | undefined, logger: Logger): Promise<ErrorReporter> {
  if (!dsn) return OFF;
  const { createDsnReporter } = await import('./dsn-reporter.js');
  return createDsnReporter(dsn, logger);
}
