import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { TaskmasterError } from '@taskmaster/shared-schema';

export type Role = 'user' | 'admin';

/** What a verified access token says about its bearer. */
export interface AccessClaims {
  userId: string;
  role: Role;
  /** The refresh-token family (one device's sign-in) this token was issued to, when known. */
  sessionId?: string;
  /** Epoch ms when the token stops being valid; long-lived sockets disconnect at this time. */
  expiresAt: number;
}

export interface TokenServiceOptions {
  secret: string;
  /** At most 15 minutes (DESIGN); config enforces the bound. */
  ttlSeconds: number;
  now?: () => number;
  issuer?: string;
  audience?: string;
}

export interface TokenService {
  signAccessToken(subject: {
    id: string;
    role: Role;
    sessionId?: string;
  }): Promise<{ token: string; expiresAt: number }>;
  verifyAccessToken(token: string): Promise<AccessClaims>;
}

export const TOKEN_ISSUER = 'taskmaster';
export const TOKEN_AUDIENCE = 'taskmaster-sync';
/** The only algorithm ever accepted; pinned on verify so a token's own `alg` header is never trusted. */
const ALGORITHM = 'HS256';
const MAX_TOKEN_LENGTH = 4096;
/** Tolerates small clock differences between instances behind the load balancer. */
const CLOCK_TOLERANCE_SECONDS = 5;
/**
 * Verified tokens remembered, so a client that sends the same token on every request (the admin
 * page, a device's REST calls) pays the HMAC check (~150 µs, WebCrypto) once. Keyed by the whole
 * token string, kept only until it expires; revocation is checked separately on every use.
 */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Signs and verifies HS256 access tokens with `sub` = user id and a `role` claim, bound to our
 * issuer and audience. Verification pins the algorithm (`alg: none`, HS512 and anything else are
 * rejected), checks issuer, audience and expiry, and reports expiry as `token-expired` (the
 * client then refreshes) and every other failure as `unauthorized`.
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const key = new TextEncoder().encode(options.secret);
  const now = options.now ?? Date.now;
  const issuer = options.issuer ?? TOKEN_ISSUER;
  const audience = options.audience ?? TOKEN_AUDIENCE;

  const verified = new Map<string, AccessClaims>();
  const remember = (token: string, claims: AccessClaims) => {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
  };

  return {
    async signAccessToken(subject) {
      const issuedAt = Math.floor(now() / 1000);
      const expiresAtSeconds = issuedAt + options.ttlSeconds;
      const token = await new SignJWT(
        subject.sessionId ? { role: subject.role, sid: subject.sessionId } : { role: subject.role },
      )
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(subject.id)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAtSeconds)
        .sign(key);
      return { token, expiresAt: expiresAtSeconds * 1000 };
    },

    async verifyAccessToken(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw new TaskmasterError('unauthorized', 'Missing or malformed access token', 401);
      }
      const known = verified.get(token);
      if (known) {
        // A copy: callers keep the claims (e.g. as socket data) and may add to them.
        if (now() < known.expiresAt + CLOCK_TOLERANCE_SECONDS * 1000) return { ...known };
        verified.delete(token);
        throw new TaskmasterError('token-expired', 'Access token expired; refresh it and retry', 401);
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          issuer,
          audience,
          currentDate: new Date(now()),
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'exp', 'iat'],
        }));
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) {
          throw new TaskmasterError('token-expired', 'Access token expired; refresh it and retry', 401);
        }
        throw new TaskmasterError('unauthorized', 'Invalid access token', 401);
      }
      const { sub, role, exp, sid } = payload;
      if (
        typeof sub !== 'string' ||
        sub.length === 0 ||
        (role !== 'user' && role !== 'admin') ||
        typeof exp !== 'number'
      ) {
        throw new TaskmasterError('unauthorized', 'Invalid access token', 401);
      }
      const claims: AccessClaims = {
        userId: sub,
        role,
        expiresAt: exp * 1000,
        ...(typeof sid === 'string' ? { sessionId: sid } : {}),
      };
      remember(token, claims);
      return { ...claims };
    },
  };
}
