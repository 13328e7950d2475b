import type { CollectionName, MergeResult, PushRow, SyncDoc } from '@taskmaster/shared-schema';

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
  /** One chain of rotations, i.e. one device's sign-in. */
  familyId: string;
  expiresAt: number;
  createdAt: number;
  /** Set when the token was rotated or revoked; using it again is reuse. */
  usedAt: number | null;
  revokedAt: number | null;
}

export type RotateOutcome =
  | { status: 'rotated'; token: RefreshTokenRecord }
  | { status: 'reused'; familyId: string; userId: string }
  | { status: 'revoked' }
  | { status: 'expired' }
  | { status: 'not-found' };

/** A stored document with the sequence number of its latest change. */
export interface StoredDoc<C extends CollectionName = CollectionName> {
  seq: number;
  doc: SyncDoc<C>;
}

/** Called by the store inside the push transaction, once per row, with the current stored state. */
export type MergeFn<C extends CollectionName = CollectionName> = (
  master: SyncDoc<C> | undefined,
  row: PushRow<C>,
) => MergeResult<SyncDoc<C>>;

export interface PushOutcome<C extends CollectionName = CollectionName> {
  /** The collection's sequence before this push. */
  fromSeq: number;
  /** The collection's sequence after it (equal to `fromSeq` when nothing changed). */
  toSeq: number;
  /** Documents whose stored state changed, in sequence order. */
  changed: StoredDoc<C>[];
  /** For every pushed row, in order: the stored state after the merge. */
  stored: SyncDoc<C>[];
}

/**
 * The storage port. Every method is async so a networked database fits behind it. Nothing above
 * this interface knows which database is underneath.
 *
 * Rule R2: `applyPush` stores a whole batch in one atomic write that also assigns the sequence
 * numbers, so sequence order equals commit order; `pull` returns `seq > afterSeq` in order.
 */
export interface TaskStore {
  readonly kind: string;
  /** Resolves once the store is ready to serve (schema migrated, connection up). */
  ready(): Promise<void>;
  /** Cheap liveness probe for `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createUser(user: Omit<UserRecord, 'id' | 'createdAt' | 'disabled'>): Promise<UserRecord>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;

  insertRefreshToken(token: Omit<RefreshTokenRecord, 'usedAt' | 'revokedAt' | 'createdAt'>): Promise<void>;
  /**
   * Atomically marks `oldHash` used and stores `next` in the same family. A token that was already
   * used reports `reused` (the caller then revokes the family).
   */
  rotateRefreshToken(
    oldHash: string,
    next: Omit<RefreshTokenRecord, 'familyId' | 'userId' | 'usedAt' | 'revokedAt' | 'createdAt'>,
    now: number,
  ): Promise<RotateOutcome>;
  revokeRefreshToken(tokenHash: string, now: number): Promise<void>;
  revokeTokenFamily(familyId: string, now: number): Promise<void>;
  revokeUserTokens(userId: string, now: number): Promise<void>;

  pull<C extends CollectionName>(
    userId: string,
    collection: C,
    afterSeq: number,
    limit: number,
  ): Promise<StoredDoc<C>[]>;
  applyPush<C extends CollectionName>(
    userId: string,
    collection: C,
    rows: PushRow<C>[],
    merge: MergeFn<C>,
  ): Promise<PushOutcome<C>>;
  getDoc<C extends CollectionName>(userId: string, collection: C, id: string): Promise<StoredDoc<C> | undefined>;
  /** Current sequence of a user's collection (0 when empty). */
  currentSeq(userId: string, collection: CollectionName): Promise<number>;
}
