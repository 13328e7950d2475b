import type { RequestHandler, Response } from 'express';
import { TaskmasterError } from '@taskmaster/shared-schema';
import type { AccessClaims, Role } from './tokens.js';

/** Who made the request, set by {@link requireAuth} on `res.locals.auth`. */
export interface AuthContext {
  userId: string;
  role: Role;
  expiresAt: number;
  /** The session (refresh-token family) the access token belongs to: its `sid` claim. */
  sessionId?: string | undefined;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      auth?: AuthContext;
    }
  }
}

export interface AccessTokenVerifier {
  verifyAccessToken(token: string): Promise<AccessClaims>;
}

/** Extracts the token from `Authorization: Bearer <token>`; anything else is undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)\s*$/i);
  return match?.[1];
}

/**
 * Middleware that admits only requests with a valid access token and records the caller on
 * `res.locals.auth`. Fails with 401 `unauthorized`, or 401 `token-expired` so the client knows to
 * refresh.
 */
export function requireAuth(verifier: AccessTokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new TaskmasterError('unauthorized', 'Missing bearer access token', 401);
    }
    try {
      const claims = await verifier.verifyAccessToken(token);
      res.locals.auth = {
        userId: claims.userId,
        role: claims.role,
        expiresAt: claims.expiresAt,
        sessionId: claims.sessionId,
      };
    } catch (err) {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw err;
    }
    next();
  };
}

/**
 * Middleware for admin-only routes (function-level authorization); use after {@link requireAuth}.
 * The role comes from the access token, so a demotion takes effect within the token lifetime.
 */
export const requireAdmin: RequestHandler = (_req, res, next) => {
  const auth = res.locals.auth;
  if (!auth) throw new TaskmasterError('unauthorized', 'Authentication required', 401);
  if (auth.role !== 'admin') throw new TaskmasterError('forbidden', 'Administrator role required', 403);
  next();
};

/** The authenticated caller, for handlers behind {@link requireAuth}. */
export function getAuth(res: Response): AuthContext {
  const auth = res.locals.auth;
  if (!auth) throw new TaskmasterError('unauthorized', 'Authentication required', 401);
  return auth;
}
