export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  role: 'user' | 'admin';
  createdAt: number;
  disabled: boolean;
}

export interface RefreshTokenRecord {
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  /** One chain of rotations, i.e. one device's sign-in: the session id (`sid` of access tokens). */
  familyId: string;
  expiresAt: number;
  createdAt: number;
  /** Set when the token was rotated; using it again is reuse. */
  usedAt: number | null;
  revokedAt: number | null;
}

/** One device's sign-in: a refresh-token family. Its id is the `sid` claim of its access tokens. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** A label for the device (e.g. from its user agent); empty when unknown. */
  device: string;
  createdAt: number;
  /** The last sign-in or refresh of this session. */
  lastUsedAt: number;
  revokedAt: number | null;
}

export type AuditDetails = Record<string, string | number | boolean | null>;

/** One entry of the append-only audit log. */
export interface AuditEntry {
  /** Opaque, increasing in append order. */
  id: string;
  at: number;
  /** Who acted (a user id, or e.g. `cli`). */
  actorId: string;
  /** What was done, e.g. `user.disable`. */
  action: string;
  targetUserId: string | null;
  details: AuditDetails;
}

/** A page of a listing; `nextCursor` is opaque and null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type RotateOutcome =
  | { status: 'rotated'; token: RefreshTokenRecord }
  | { status: 'reused'; familyId: string; userId: string }
  | { status: 'revoked' }
  | { status: 'expired' }
  | { status: 'not-found' };

export interface NewRefreshToken {
  tokenHash: string;
  userId: string;
  familyId: string;
  expiresAt: number;
  /** Device label of the session this token starts (ignored when the family exists). */
  device?: string;
}

export interface ListUsersQuery {
  /** Only emails starting with this (emails are stored lower-case). */
  emailPrefix?: string;
  cursor?: string;
  limit: number;
}

export interface ListAuditQuery {
  cursor?: string;
  limit: number;
  targetUserId?: string;
}

/**
 * The account port: users, sessions (refresh-token families), revocation and the audit log. Every
 * method is async so a networked database fits behind it. Every listing is paged with an opaque
 * cursor; a cursor that is not one of ours is rejected with `invalid-payload`.
 */
export interface AccountStore {
  readonly kind: string;
  ready(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Creates a user; a duplicate email fails with `email-taken` (409). */
  createUser(user: Omit<UserRecord, 'id' | 'createdAt' | 'disabled'>): Promise<UserRecord>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  /** Users ordered by email, optionally those whose email starts with a prefix. */
  listUsers(query: ListUsersQuery): Promise<Page<UserRecord>>;
  countUsers(): Promise<number>;
  setUserRole(userId: string, role: UserRecord['role']): Promise<boolean>;
  /**
   * Disables a user and, in the same write, revokes every session and refresh token of theirs.
   * Returns the sessions that were live, so the caller can close their sockets; `found: false` for
   * an unknown user.
   */
  disableUser(userId: string, now: number): Promise<{ found: boolean; revokedSessions: string[] }>;
  enableUser(userId: string): Promise<boolean>;
  /**
   * Replaces the user's password hash and, in the same write, revokes every session and refresh
   * token of theirs except the session `keepSessionId` (the device that changed it). Returns the
   * sessions that were live, so the caller can close their sockets; `found: false` for an unknown user.
   */
  changePassword(
    userId: string,
    passwordHash: string,
    keepSessionId: string,
    now: number,
  ): Promise<{ found: boolean; revokedSessions: string[] }>;
  /** Deletes the account, its sessions and refresh tokens (GDPR erase; documents are the DocumentStore's). */
  eraseUser(userId: string): Promise<boolean>;

  /** Stores a refresh token; the first token of a family also starts its session. */
  insertRefreshToken(token: NewRefreshToken): Promise<void>;
  /**
   * Atomically marks `oldHash` used and stores `next` in the same family, and touches the session's
   * last use. A token that was already used reports `reused` (the caller then revokes the family).
   */
  rotateRefreshToken(
    oldHash: string,
    next: Pick<RefreshTokenRecord, 'tokenHash' | 'expiresAt'>,
    now: number,
  ): Promise<RotateOutcome>;
  /** Revokes one token and the session it belongs to (logout). Unknown tokens are ignored. */
  revokeRefreshToken(tokenHash: string, now: number): Promise<void>;
  /** Revokes a session (refresh-token family) and all its tokens. */
  revokeTokenFamily(familyId: string, now: number): Promise<void>;
  /** Revokes every session and token of a user. */
  revokeUserTokens(userId: string, now: number): Promise<void>;

  /** A user's sessions, newest first, revoked ones included (with `revokedAt`). */
  listSessions(userId: string): Promise<SessionRecord[]>;
  /** Revokes one of `userId`'s sessions; false when the session is not that user's (or unknown). */
  revokeSession(userId: string, sessionId: string, now: number): Promise<boolean>;
  /**
   * Whether a session may no longer be used: revoked, or unknown (its user was erased). A primary-key
   * lookup, cheap enough for every handshake and socket event.
   */
  isSessionRevoked(sessionId: string): Promise<boolean>;

  /** Appends to the audit log; entries are never changed or removed. */
  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  /** The audit log, newest first. */
  listAudit(query: ListAuditQuery): Promise<Page<AuditEntry>>;
}

/** The largest page any listing returns, whatever `limit` asks for. */
export const MAX_PAGE_SIZE = 100;
