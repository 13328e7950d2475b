import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { TaskmasterError, type ErrorBody } from '@taskmaster/shared-schema';
import { describeZodError } from '../validation/validate.js';
import type { ErrorReporter } from '../observability/error-reporting.js';
import type { Logger } from '../observability/logger.js';

/** Errors raised by express.json (body-parser) carry a `type` and a status. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as BodyParserError).type === 'string' &&
    typeof (err as BodyParserError).status === 'number'
  );
}

/** Maps any thrown value to an HTTP status and the one error body shape. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof TaskmasterError) return { status: err.status, body: err.toBody() };
  if (err instanceof z.ZodError) {
    return { status: 400, body: { error: { reason: 'invalid-payload', message: describeZodError(err) } } };
  }
  if (isBodyParserError(err)) {
    if (err.type === 'entity.too.large') {
      return { status: 413, body: { error: { reason: 'payload-too-large', message: 'Request body is too large' } } };
    }
    if (err.type === 'entity.parse.failed') {
      return { status: 400, body: { error: { reason: 'invalid-payload', message: 'Request body is not valid JSON' } } };
    }
    if (err.status >= 400 && err.status < 500) {
      // Unsupported charset/encoding and friends: the client's fault, with a safe generic message.
      return {
        status: err.status,
        body: { error: { reason: 'invalid-payload', message: `Unreadable request body (${err.type})` } },
      };
    }
  }
  return { status: 500, body: { error: { reason: 'internal', message: 'Internal server error' } } };
}

/**
 * The one Express error middleware. Expected failures answer with their reason; anything else is
 * logged with its stack and answered with a generic 500 so internals never leak to clients.
 */
export function createErrorHandler(logger: Logger, reporter?: Pick<ErrorReporter, 'capture'>): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err); // Express closes the connection; nothing sensible can be sent any more.
      return;
    }
    const { status, body } = toErrorResponse(err);
    // pino-http's per-request logger carries the request id (`req.id`, also sent as X-Request-Id).
    const log = (req as { log?: Logger }).log ?? logger;
    if (status >= 500) {
      log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
      reporter?.capture(err, { method: req.method, route: req.baseUrl + String(req.route?.path ?? '') });
    } else log.debug({ reason: body.error.reason, method: req.method, url: req.originalUrl }, 'request rejected');
    res.status(status).json(body);
  };
}

/** Answers unknown `/api` routes with 404 `not-found` in the error shape (mount under `/api`, last). */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new TaskmasterError('not-found', `No API route for ${req.method} ${req.originalUrl.split('?')[0]}`, 404));
};
