import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  TaskmasterError,
  type AuthUser,
  type ChangePasswordRequest,
  type Credentials,
  type TokenPair,
} from '@taskmaster/shared-schema';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AccountStore, UserRecord } from '../store/account-store.js';
import { assertStrongPassword } from './password-policy.js';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword, type ScryptParams } from './passwords.js';
import type { SessionRevocations } from './session-revocations.js';
import { createTokenService, type AccessClaims, type TokenService } from './tokens.js';

export interface AuthServiceDeps {
  store: AccountStore;
  config: Pick<Config, 'jwtSecret' | 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>;
  logger: Logger;
  now?: () => number;
  metrics?: Pick<Metrics, 'authFailures'>;
  /** Lower only in tests; production uses {@link DEFAULT_SCRYPT_PARAMS}. */
  scryptParams?: ScryptParams;
  /**
   * Revoked sessions: access tokens whose `sid` is in it are refused (REST and handshake), and a
   * revocation here is recorded in it before the caller gets an answer.
   */
  revocations?: SessionRevocations;
  /**
   * Called when a device's session (refresh-token family) is revoked, so its live connections can be
   * closed on every instance instead of outliving the revocation until their access token expires.
   * Awaited: logout answers only once the session's sockets were told to close.
   */
  onSessionRevoked?: (session: { userId: string; sessionId: string }) => Promise<void> | void;
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
  private readonly revocations: SessionRevocations | undefined;
  private dummyHash: Promise<string> | undefined;

  constructor(deps: AuthServiceDeps) {
    this.store = deps.store;
    this.config = deps.config;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    this.metrics = deps.metrics;
    this.onSessionRevoked = deps.onSessionRevoked;
    this.scryptParams = deps.scryptParams ?? DEFAULT_SCRYPT_PARAMS;
    this.revocations = deps.revocations;
    this.tokens = createTokenService({
      secret: deps.config.jwtSecret,
      ttlSeconds: deps.config.accessTokenTtlSeconds,
      now: this.now,
    });
    // Computed up front so the first unknown-email login is not measurably slower than later ones.
    this.getDummyHash().catch((err: unknown) => this.logger.error({ err }, 'could not prepare dummy password hash'));
  }

  /**
   * Creates an account and signs the new device in. A trivial password gives 400 `weak-password`;
   * an existing email gives 409 `email-taken` (a deliberate, documented disclosure: SPEC "Accounts").
   * Every account starts with the `user` role; admins are made with the admin CLI only.
   *
   * The password is checked and hashed before the email is looked up, so a taken email costs the
   * same scrypt work as a new account: the answer's timing does not add to what its status says,
   * and the per-IP rate limit bounds how many emails can be probed.
   */
  async register(credentials: Credentials, device = ''): Promise<TokenPair> {
    const email = normalizeEmail(credentials.email);
    assertStrongPassword(credentials.password, [email]);
    const passwordHash = await hashPassword(credentials.password, this.scryptParams);
    if (await this.store.findUserByEmail(email)) {
      throw new TaskmasterError('email-taken', 'An account with this email already exists', 409);
    }
    // The store also rejects a concurrent duplicate with `email-taken` (unique index).
    const user = await this.store.createUser({ email, passwordHash, role: 'user' });
    this.logger.info({ userId: user.id }, 'user registered');
    return this.startSession(user, device);
  }

  /**
   * Signs a device in. Unknown email and wrong password give the same 401 `invalid-credentials`,
   * and an unknown email still costs one scrypt verification, so neither the answer nor its
   * timing tells whether an account exists.
   */
  async login(credentials: Credentials, device = ''): Promise<TokenPair> {
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
    return this.startSession(user, device);
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
          await this.endSession(outcome.token.userId, outcome.token.familyId, now);
          this.fail('forbidden');
          throw new TaskmasterError('forbidden', 'This account is disabled', 403);
        }
        return this.issuePair(user, next.token, outcome.token.familyId);
      }
      case 'reused':
        await this.endSession(outcome.userId, outcome.familyId, now);
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

  /**
   * Ends this device's session: its refresh-token family is revoked, its `sid` is recorded as
   * revoked (so its access tokens stop working at once, on every instance) and its live sockets
   * are closed. Idempotent, and silent about unknown tokens.
   */
  async logout(refreshToken: string): Promise<void> {
    const now = this.now();
    const hash = hashRefreshToken(refreshToken);
    // The store port has no "which family is this token in" lookup yet; a rotation answers it
    // atomically (the throw-away successor is born expired and is revoked with its family).
    const probe = newRefreshToken();
    const outcome = await this.store.rotateRefreshToken(hash, { tokenHash: probe.hash, expiresAt: now }, now);
    if (outcome.status === 'rotated') await this.endSession(outcome.token.userId, outcome.token.familyId, now);
    else if (outcome.status === 'reused') await this.endSession(outcome.userId, outcome.familyId, now);
    else await this.store.revokeRefreshToken(hash, now);
  }

  /**
   * Changes the caller's password. The current password must be given again (403 `wrong-password`
   * otherwise); the new one must pass the same policy as at sign-up (400 `weak-password`) and differ
   * from the current one. In one store write the hash is replaced and every OTHER session and refresh
   * token of the user is revoked; then those sessions' ids are recorded as revoked and their sockets
   * closed, on every instance. The calling session stays signed in. Audited as `user.password-change`.
   */
  async changePassword(
    caller: { userId: string; sessionId: string },
    request: ChangePasswordRequest,
  ): Promise<{ revokedSessions: number }> {
    const user = await this.confirmPassword(caller.userId, request.currentPassword);
    if (request.newPassword.length < 8) {
      throw new TaskmasterError('weak-password', 'The new password must have at least 8 characters.', 400);
    }
    if (request.newPassword === request.currentPassword) {
      throw new TaskmasterError('weak-password', 'The new password must differ from the current one.', 400);
    }
    assertStrongPassword(request.newPassword, [user.email]);
    const passwordHash = await hashPassword(request.newPassword, this.scryptParams);
    const now = this.now();
    const { found, revokedSessions } = await this.store.changePassword(user.id, passwordHash, caller.sessionId, now);
    if (!found) throw new TaskmasterError('unauthorized', 'This account no longer exists', 401);
    await Promise.all(revokedSessions.map((sessionId) => this.sessionEnded(user.id, sessionId)));
    await this.store.appendAudit({
      at: now,
      actorId: user.id,
      action: 'user.password-change',
      targetUserId: user.id,
      details: { revokedSessions: revokedSessions.length },
    });
    this.logger.info({ userId: user.id, revokedSessions: revokedSessions.length }, 'password changed');
    return { revokedSessions: revokedSessions.length };
  }

  /**
   * Re-authentication of a signed-in user before a sensitive action (changing the password,
   * deleting the account): 403 `wrong-password` when `password` is not theirs, 403 `forbidden` for a
   * disabled account, 401 `unauthorized` when the account is gone.
   */
  async confirmPassword(userId: string, password: string): Promise<UserRecord> {
    const user = await this.store.findUserById(userId);
    if (!user) throw new TaskmasterError('unauthorized', 'This account no longer exists', 401);
    if (!(await verifyPassword(password, user.passwordHash))) {
      this.fail('wrong-password');
      throw new TaskmasterError('wrong-password', 'The current password is incorrect', 403);
    }
    if (user.disabled) {
      this.fail('forbidden');
      throw new TaskmasterError('forbidden', 'This account is disabled', 403);
    }
    return user;
  }

  /**
   * Revokes one session (refresh-token family) everywhere: the family in the store, the `sid` in
   * the revocation list, then the live sockets. Used by logout, reuse detection and admin actions.
   */
  async endSession(userId: string, sessionId: string, now = this.now()): Promise<void> {
    await this.store.revokeTokenFamily(sessionId, now);
    await this.sessionEnded(userId, sessionId);
  }

  /**
   * For a session already revoked in the store (admin actions): records its id as revoked, so its
   * access tokens stop at once on every instance, and closes its sockets.
   */
  async sessionEnded(userId: string, sessionId: string): Promise<void> {
    await this.revocations?.revoke(sessionId);
    await this.onSessionRevoked?.({ userId, sessionId });
  }

  /**
   * Verifies an access token (algorithm pinned) and that its session was not revoked; throws 401
   * `token-expired`, `token-revoked` or `unauthorized`.
   */
  async verifyAccessToken(token: string): Promise<AccessClaims> {
    let claims: AccessClaims;
    try {
      claims = await this.tokens.verifyAccessToken(token);
    } catch (err) {
      if (err instanceof TaskmasterError) this.fail(err.reason);
      throw err;
    }
    if (this.revocations && (await this.revocations.isRevoked(claims.sessionId))) {
      // An erased account's device learns it on its next contact, so it wipes its local data.
      if (!(await this.store.findUserById(claims.userId))) {
        this.fail('account-erased');
        throw new TaskmasterError('account-erased', 'This account was erased; its data is gone from the server', 401);
      }
      this.fail('token-revoked');
      throw new TaskmasterError('token-revoked', 'This session was signed out; sign in again', 401);
    }
    return claims;
  }

  private async startSession(user: UserRecord, device: string): Promise<TokenPair> {
    const next = newRefreshToken();
    const familyId = randomUUID();
    await this.store.insertRefreshToken({
      tokenHash: next.hash,
      userId: user.id,
      familyId,
      expiresAt: this.now() + this.config.refreshTokenTtlSeconds * 1000,
      device: device.slice(0, 200),
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
