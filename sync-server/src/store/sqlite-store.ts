import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { TaskmasterError, type CollectionName, type PushRow, type SyncDoc } from '@taskmaster/shared-schema';
import { SQLITE_SCHEMA } from './sqlite-schema.js';
import type {
  MergeFn,
  PushOutcome,
  RefreshTokenRecord,
  RotateOutcome,
  StoredDoc,
  TaskStore,
  UserRecord,
} from './task-store.js';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. Several processes may share one file (WAL, busy timeout). */
  file: string;
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: 'user' | 'admin';
  created_at: number;
  disabled: number;
}
interface TokenRow {
  token_hash: string;
  user_id: string;
  family_id: string;
  expires_at: number;
  created_at: number;
  used_at: number | null;
  revoked_at: number | null;
}
interface DocRow {
  seq: number;
  data: string;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  role: row.role,
  createdAt: row.created_at,
  disabled: row.disabled === 1,
});
const toToken = (row: TokenRow): RefreshTokenRecord => ({
  tokenHash: row.token_hash,
  userId: row.user_id,
  familyId: row.family_id,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
  usedAt: row.used_at,
  revokedAt: row.revoked_at,
});

/**
 * The embedded TaskStore on better-sqlite3. better-sqlite3 is synchronous; the async methods keep
 * the port shaped for networked stores. `synchronous = FULL` makes a commit durable on disk before
 * the push is acknowledged (rule R1); WAL lets readers run beside the single writer.
 */
export function createSqliteStore(options: SqliteStoreOptions): TaskStore {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  // Busy timeout first: switching a fresh file to WAL takes a lock that other processes may hold.
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(SQLITE_SCHEMA);

  const q = {
    insertUser: db.prepare('INSERT INTO users (id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)'),
    userByEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?'),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    insertToken: db.prepare(
      'INSERT INTO refresh_tokens (token_hash, user_id, family_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = ?'),
    markUsed: db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'),
    revokeToken: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL'),
    revokeFamily: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL'),
    revokeUser: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL'),
    getSeq: db.prepare<[string, string], { seq: number }>(
      'SELECT seq FROM sequences WHERE user_id = ? AND collection = ?',
    ),
    setSeq: db.prepare(
      'INSERT INTO sequences (user_id, collection, seq) VALUES (?, ?, ?) ON CONFLICT (user_id, collection) DO UPDATE SET seq = excluded.seq',
    ),
    getDoc: db.prepare<[string, string, string], DocRow>(
      'SELECT seq, data FROM documents WHERE user_id = ? AND collection = ? AND id = ?',
    ),
    upsertDoc: db.prepare(
      `INSERT INTO documents (user_id, collection, id, seq, deleted, data) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, collection, id) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, data = excluded.data`,
    ),
    pull: db.prepare<[string, string, number, number], DocRow>(
      'SELECT seq, data FROM documents WHERE user_id = ? AND collection = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
  };

  const rotate = db.transaction(
    (oldHash: string, next: Parameters<TaskStore['rotateRefreshToken']>[1], now: number): RotateOutcome => {
      const row = q.tokenByHash.get(oldHash);
      if (!row) return { status: 'not-found' };
      if (row.used_at !== null) return { status: 'reused', familyId: row.family_id, userId: row.user_id };
      if (row.revoked_at !== null) return { status: 'revoked' };
      if (row.expires_at <= now) return { status: 'expired' };
      q.markUsed.run(now, oldHash);
      q.insertToken.run(next.tokenHash, row.user_id, row.family_id, next.expiresAt, now);
      return { status: 'rotated', token: toToken(q.tokenByHash.get(next.tokenHash)!) };
    },
  );

  const push = db.transaction(
    (userId: string, collection: CollectionName, rows: PushRow[], merge: MergeFn): PushOutcome => {
      const fromSeq = q.getSeq.get(userId, collection)?.seq ?? 0;
      let seq = fromSeq;
      const changed: StoredDoc[] = [];
      const stored: SyncDoc[] = [];
      for (const row of rows) {
        const existing = q.getDoc.get(userId, collection, row.newDocumentState.id);
        const master = existing ? (JSON.parse(existing.data) as SyncDoc) : undefined;
        const result = merge(master, row);
        stored.push(result.doc);
        if (!result.changed) continue;
        seq += 1;
        q.upsertDoc.run(
          userId,
          collection,
          result.doc.id,
          seq,
          result.doc._deleted ? 1 : 0,
          JSON.stringify(result.doc),
        );
        changed.push({ seq, doc: result.doc });
      }
      if (seq !== fromSeq) q.setSeq.run(userId, collection, seq);
      return { fromSeq, toSeq: seq, changed, stored };
    },
  );

  let closed = false;
  return {
    kind: 'sqlite',
    async ready() {},
    async ping() {
      if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },

    async createUser(user) {
      const record: UserRecord = { ...user, id: randomUUID(), createdAt: Date.now(), disabled: false };
      try {
        q.insertUser.run(record.id, record.email, record.passwordHash, record.role, record.createdAt);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new TaskmasterError('email-taken', 'an account with this email already exists', 409);
        }
        throw error;
      }
      return record;
    },
    async findUserByEmail(email) {
      const row = q.userByEmail.get(email);
      return row ? toUser(row) : undefined;
    },
    async findUserById(id) {
      const row = q.userById.get(id);
      return row ? toUser(row) : undefined;
    },

    async insertRefreshToken(token) {
      q.insertToken.run(token.tokenHash, token.userId, token.familyId, token.expiresAt, Date.now());
    },
    async rotateRefreshToken(oldHash, next, now) {
      return rotate.immediate(oldHash, next, now);
    },
    async revokeRefreshToken(tokenHash, now) {
      q.revokeToken.run(now, tokenHash);
    },
    async revokeTokenFamily(familyId, now) {
      q.revokeFamily.run(now, familyId);
    },
    async revokeUserTokens(userId, now) {
      q.revokeUser.run(now, userId);
    },

    async pull<C extends CollectionName>(userId: string, collection: C, afterSeq: number, limit: number) {
      return q.pull
        .all(userId, collection, afterSeq, limit)
        .map((row) => ({ seq: row.seq, doc: JSON.parse(row.data) as SyncDoc<C> }));
    },
    async applyPush<C extends CollectionName>(userId: string, collection: C, rows: PushRow<C>[], merge: MergeFn<C>) {
      // IMMEDIATE takes the write lock up front, so two processes sharing the file serialize here
      // instead of failing on lock upgrade; the sequence read and write are inside that lock.
      return push.immediate(
        userId,
        collection,
        rows as PushRow[],
        merge as unknown as MergeFn,
      ) as unknown as PushOutcome<C>;
    },
    async getDoc<C extends CollectionName>(userId: string, collection: C, id: string) {
      const row = q.getDoc.get(userId, collection, id);
      return row ? { seq: row.seq, doc: JSON.parse(row.data) as SyncDoc<C> } : undefined;
    },
    async currentSeq(userId, collection) {
      return q.getSeq.get(userId, collection)?.seq ?? 0;
    },
  };
}
