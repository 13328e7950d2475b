import type { RequestHandler } from 'express';
import type { OriginPolicy } from './origins.js';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Request-Id';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the REST API, from the same policy as the Socket.IO handshake (`CORS_ORIGINS`). An
 * allowed cross-origin caller gets `Access-Control-Allow-Origin` with its own origin (never `*`;
 * tokens travel in `Authorization`, not cookies, so no credentials flag), and preflights are
 * answered here with 204. A refused origin gets no CORS headers, so the browser blocks the read;
 * its preflight gets 403.
 */
export function restCors(originAllowed: OriginPolicy): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin === undefined) {
      next();
      return;
    }
    const allowed = originAllowed(origin, req.headers.host);
    if (allowed) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Expose-Headers', 'X-Request-Id, Retry-After');
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      if (!allowed) {
        res.status(403).end();
        return;
      }
      res.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      res.status(204).end();
      return;
    }
    next();
  };
}
