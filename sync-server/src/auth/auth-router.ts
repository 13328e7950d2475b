import express, { Router, type RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import {
  TaskmasterError,
  changePasswordSchema,
  credentialsSchema,
  deleteAccountSchema,
  refreshRequestSchema,
} from '@taskmaster/shared-schema';
import { validate } from '../validation/validate.js';
import type { AuthService } from './auth-service.js';
import { getAuth, requireAuth } from './require-auth.js';

/** The part of a rate-limiter-flexible limiter we use, so Memory and Redis limiters both fit. */
export interface AuthRateLimiter {
  consume(key: string, points?: number): Promise<unknown>;
}

export interface AuthRouterOptions {
  /** Per-IP limiter for login, register and refresh. Defaults to in-memory, `pointsPerMinute` per IP. */
  rateLimiter?: AuthRateLimiter;
  /** Used only when `rateLimiter` is not given; 0 disables limiting. Default 20. */
  pointsPerMinute?: number;
  /** Called for every refused attempt (the `taskmaster_rate_limited_total` counter). */
  onLimited?: () => void;
  /**
   * Erases an account everywhere, the same path as the admin GDPR erase (`AdminService.eraseOwnAccount`).
   * Without it, `DELETE /account` is not served.
   */
  eraseAccount?: (userId: string) => Promise<void>;
}

/** Credentials and tokens are tiny; a small limit keeps oversized bodies out before parsing. */
const AUTH_BODY_LIMIT = '8kb';

/** Builds the default limiter; exported so `main.ts` can build a Redis one with the same shape. */
export function createDefaultAuthRateLimiter(pointsPerMinute: number): AuthRateLimiter {
  return new RateLimiterMemory({ keyPrefix: 'auth', points: pointsPerMinute, duration: 60 });
}

function rateLimit(limiter: AuthRateLimiter | undefined, onLimited?: () => void): RequestHandler {
  return async (req, res, next) => {
    if (!limiter) return next();
    try {
      await limiter.consume(req.ip ?? req.socket.remoteAddress ?? 'unknown');
      next();
    } catch (rejection) {
      // rate-limiter-flexible rejects with a RateLimiterRes when the limit is hit, with an Error when its store fails.
      if (rejection instanceof RateLimiterRes) {
        onLimited?.();
        res.set('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
        next(new TaskmasterError('rate-limited', 'Too many attempts; retry later', 429));
        return;
      }
      next(rejection);
    }
  };
}

/** Tokens must never be cached by browsers or proxies (RFC 6749 §5.1). */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/**
 * REST endpoints for accounts, mounted at `/api/auth`: `POST /register` (201), `POST /login`,
 * `POST /refresh` (200, all answering a TokenPair) and `POST /logout` (204); for a signed-in caller
 * (bearer access token) `POST /password` (change it; other sessions are signed out) and
 * `DELETE /account` (erase everything). Bodies are validated with the shared strict schemas; every
 * route that checks a password, and refresh, is rate-limited per client IP (429 `rate-limited` with
 * `Retry-After`). Errors go to the app's error middleware.
 */
export function createAuthRouter(authService: AuthService, options: AuthRouterOptions = {}): Router {
  const points = options.pointsPerMinute ?? 20;
  const limiter = options.rateLimiter ?? (points > 0 ? createDefaultAuthRateLimiter(points) : undefined);
  const limited = rateLimit(limiter, options.onLimited);
  const router = Router();
  router.use(noStore, express.json({ limit: AUTH_BODY_LIMIT }));

  router.post('/register', limited, async (req, res) => {
    const credentials = validate(credentialsSchema, req.body);
    res.status(201).json(await authService.register(credentials, deviceLabel(req.get('user-agent'))));
  });

  router.post('/login', limited, async (req, res) => {
    const credentials = validate(credentialsSchema, req.body);
    res.json(await authService.login(credentials, deviceLabel(req.get('user-agent'))));
  });

  router.post('/refresh', limited, async (req, res) => {
    const { refreshToken } = validate(refreshRequestSchema, req.body);
    res.json(await authService.refresh(refreshToken));
  });

  const signedIn = requireAuth(authService);
  router.post('/password', limited, signedIn, async (req, res) => {
    const request = validate(changePasswordSchema, req.body);
    const { userId, sessionId } = getAuth(res);
    // Every token we issue carries its session; one without would keep no session signed in.
    res.json(await authService.changePassword({ userId, sessionId: sessionId ?? '' }, request));
  });

  const { eraseAccount } = options;
  if (eraseAccount) {
    router.delete('/account', limited, signedIn, async (req, res) => {
      const { password } = validate(deleteAccountSchema, req.body);
      const { userId } = getAuth(res);
      await authService.confirmPassword(userId, password);
      await eraseAccount(userId);
      res.status(204).end();
    });
  }

  router.post('/logout', async (req, res) => {
    const { refreshToken } = validate(refreshRequestSchema, req.body);
    await authService.logout(refreshToken);
    res.status(204).end();
  });

  return router;
}

/** A short label of the device for the admin's session list, from its user agent (never trusted for anything). */
export function deviceLabel(userAgent: string | undefined): string {
  if (!userAgent) return '';
  const browser = /(Firefox|Edg|OPR|Chrome|Safari)\/[\d.]+/.exec(userAgent)?.[1];
  const os = /(Windows|Android|iPhone|iPad|Mac OS X|Linux|CrOS)/.exec(userAgent)?.[1];
  const name = ({ Edg: 'Edge', OPR: 'Opera' } as Record<string, string>)[browser ?? ''] ?? browser;
  return name || os ? [name, os].filter(Boolean).join(' on ') : userAgent.slice(0, 60);
}
