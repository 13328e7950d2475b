import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { TaskmasterError, type AuthUser, type Credentials, type TokenPair } from '@taskmaster/shared-schema';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AccountStore, UserRecord } from '../store/account-store.js';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword, type ScryptParams } from './passwords.js';
import { createTokenService, type AccessClaims, type TokenService } from './tokens.js';

export interface AuthServiceDeps {
  store: AccountStore;
  config: Pick<Config, 'jwtSecret' | 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds' | 'adminEmails'>;
  logger: Logger;
  now?: () => number;
  metrics?: Pick<Metrics, 'authFailures'>;
  /** Lower only in tests; production uses {@link DEFAULT_SCRYPT_PARAMS}. */
  scryptParams?: ScryptParams;
  /**
   * Called when a device's session (refresh-token family) is revoked, so its live connections can be
   * closed on every instance instead of outliving the revocation until their access token expires.
   */
  onSessionRevoked?: (session: { userId: string; sessionId: string }) => void;
}

/** The refresh token is 32 random bytes; only this SHA-256 digest is ever stored. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const INVALID_CREDENTIALS = 'Email or password is incorrect';

/**
 * Accounts and sessions: register, log in, refresh and log out.
 *
 * Each login/register starts a refresh-token family (one device's chain). Every refresh rotates the
 * token; presenting a token that was already rotated means it leaked (or a replay), so the whole
 * family is revoked and the caller gets `token-revoked` (DESIGN security requirements).
 */
export class AuthService {
  private readonly store: AccountStore;
  private readonly config: AuthServiceDeps['config'];
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly metrics: AuthServiceDeps['metrics'];
  private readonly onSessionRevoked: AuthServiceDeps['onSessionRevoked'];
  private readonly scryptParams: ScryptParams;
  private readonly tokens: TokenService;
  private readonly adminEmails: ReadonlySet<string>;
  private dummyHash: Promise<string> | undefined;

  constructor(deps: AuthServiceDeps) {
    this.store = deps.store;
    this.config = deps.config;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    this.metrics = deps.metrics;
    this.onSessionRevoked = deps.onSessionRevoked;
    this.scryptParams = deps.scryptParams ?? DEFAULT_SCRYPT_PARAMS;
    this.adminEmails = new Set(deps.config.adminEmails.map((e) => e.toLowerCase()));
    this.tokens = createTokenService({
      secret: deps.config.jwtSecret,
      ttlSeconds: deps.config.accessTokenTtlSeconds,
      now: this.now,
    });
    // Computed up front so the first unknown-email login is not measurably slower than later ones.
    this.getDummyHash().catch((err: unknown) => this.logger.error({ err }, 'could not prepare dummy password hash'));
  }

  /** Creates an account (409 `email-taken` if the email exists) and signs the new device in. */
  async register(credentials: Credentials): Promise<TokenPair> {
    const email = normalizeEmail(credentials.email);
    if (await this.store.findUserByEmail(email)) {
      throw new TaskmasterError('email-taken', 'An account with this email already exists', 409);
    }
    const passwordHash = await hashPassword(credentials.password, this.scryptParams);
    const role = this.adminEmails.has(email) ? 'admin' : 'user';
    // The store also rejects a concurrent duplicate with `email-taken` (unique index).
    const user = await this.store.createUser({ email, passwordHash, role });
    this.logger.info({ userId: user.id, role }, 'user registered');
    return this.startSession(user);
  }

  /**
   * Signs a device in. Unknown email and wrong password give the same 401 `invalid-credentials`,
   * and an unknown email still costs one scrypt verification, so neither the answer nor its
   * timing tells whether an account exists.
   */
  async login(credentials: Credentials): Promise<TokenPair> {
    const email = normalizeEmail(credentials.email);
    const user = await this.store.findUserByEmail(email);
    const valid = await verifyPassword(credentials.password, user?.passwordHash ?? (await this.getDummyHash()));
    if (!user || !valid) {
      this.fail('invalid-credentials');
      throw new TaskmasterError('invalid-credentials', INVALID_CREDENTIALS, 401);
    }
    // Checked after the password, so the disabled state is only revealed to the account's owner.
    if (user.disabled) {
      this.fail('forbidden');
      throw new TaskmasterError('forbidden', 'This account is disabled', 403);
    }
    return this.startSession(user);
  }

  /**
   * Exchanges a refresh token for a new pair and invalidates the old token. Reuse of a rotated
   * token revokes the family (401 `token-revoked`); unknown or expired tokens give 401
   * `unauthorized`; a disabled account gives 403 `forbidden`.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const now = this.now();
    const next = newRefreshToken();
    const outcome = await this.store.rotateRefreshToken(
      hashRefreshToken(refreshToken),
      { tokenHash: next.hash, expiresAt: now + this.config.refreshTokenTtlSeconds * 1000 },
      now,
    );
    switch (outcome.status) {
      case 'rotated': {
        const user = await this.store.findUserById(outcome.token.userId);
        if (!user || user.disabled) {
          await this.store.revokeTokenFamily(outcome.token.familyId, now);
          this.onSessionRevoked?.({ userId: outcome.token.userId, sessionId: outcome.token.familyId });
          this.fail('forbidden');
          throw new TaskmasterError('forbidden', 'This account is disabled', 403);
        }
        return this.issuePair(user, next.token, outcome.token.familyId);
      }
      case 'reused':
        await this.store.revokeTokenFamily(outcome.familyId, now);
        this.onSessionRevoked?.({ userId: outcome.userId, sessionId: outcome.familyId });
        this.logger.warn(
          { userId: outcome.userId, familyId: outcome.familyId },
          'refresh token reuse detected; family revoked',
        );
        this.fail('token-revoked');
        throw new TaskmasterError(
          'token-revoked',
          'Refresh token was already used; this session is revoked, sign in again',
          401,
        );
      case 'revoked':
        this.fail('token-revoked');
        throw new TaskmasterError('token-revoked', 'Refresh token was revoked; sign in again', 401);
      case 'expired':
      case 'not-found':
        this.fail('unauthorized');
        throw new TaskmasterError('unauthorized', 'Refresh token is invalid or expired; sign in again', 401);
    }
  }

  /** Revokes this device's refresh token. Idempotent, and silent about unknown tokens. */
  async logout(refreshToken: string): Promise<void> {
    await this.store.revokeRefreshToken(hashRefreshToken(refreshToken), this.now());
  }

  /** Verifies an access token (algorithm pinned); throws 401 `token-expired` or `unauthorized`. */
  async verifyAccessToken(token: string): Promise<AccessClaims> {
    try {
      return await this.tokens.verifyAccessToken(token);
    } catch (err) {
      if (err instanceof TaskmasterError) this.fail(err.reason);
      throw err;
    }
  }

  private async startSession(user: UserRecord): Promise<TokenPair> {
    const next = newRefreshToken();
    const familyId = randomUUID();
    await this.store.insertRefreshToken({
      tokenHash: next.hash,
      userId: user.id,
      familyId,
      expiresAt: this.now() + this.config.refreshTokenTtlSeconds * 1000,
    });
    return this.issuePair(user, next.token, familyId);
  }

  private async issuePair(user: UserRecord, refreshToken: string, sessionId: string): Promise<TokenPair> {
    const access = await this.tokens.signAccessToken({ id: user.id, role: user.role, sessionId });
    const publicUser: AuthUser = { id: user.id, email: user.email, role: user.role };
    return { user: publicUser, accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken };
  }

  private getDummyHash(): Promise<string> {
    // Same parameters as real hashes, so verifying against it takes as long as a real check.
    this.dummyHash ??= hashPassword(randomBytes(16).toString('base64url'), this.scryptParams);
    return this.dummyHash;
  }

  private fail(reason: string): void {
    this.metrics?.authFailures.inc({ reason });
  }
}

function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
