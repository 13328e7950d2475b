import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { Config } from '../config/config.js';

export type { Logger } from 'pino';

/**
 * Paths never written to logs: credentials travel in these headers and bodies, and a leaked
 * refresh token is a long-lived login.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'refreshToken',
  'accessToken',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
];

/**
 * The one structured logger of the process. Pass `destination` in tests to capture lines.
 *
 * stdout is written synchronously. pino's default asynchronous destination flushes synchronously
 * when the process exits, and that flush retries a write that failed with EPIPE forever: when
 * the reader of stdout was gone (a log shipper died), SIGTERM then never ended the process. A
 * synchronous destination has no exit flush, and on EPIPE pino stops writing instead.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'nodeEnv'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'sync-server', env: config.nodeEnv },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return pino(options, destination ?? pino.destination({ fd: 1, sync: true }));
}

/** An incoming `X-Request-Id` is kept (a proxy's id ties its logs to ours) if it is short and plain. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request id of a REST request: the caller's `X-Request-Id` when it is well-formed, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Request logging middleware. Health probes are not logged: load balancers hit them every few
 * seconds and would drown everything else.
 */
export function createHttpLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    // Every request log line carries `req.id`, and the answer carries it as `X-Request-Id`.
    genReqId: (req, res) => {
      const id = requestIdOf(req.headers['x-request-id']);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    // What an operator reads in a request line; the full header set (a third of the request's CPU
    // in the admin bench) stays out, and with it any header that could carry a credential.
    serializers: {
      req: (req: {
        id: unknown;
        method: string;
        url: string;
        remoteAddress?: string;
        headers: Record<string, unknown>;
      }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        remoteAddress: req.remoteAddress,
        forwardedFor: req.headers['x-forwarded-for'],
        userAgent: req.headers['user-agent'],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}
