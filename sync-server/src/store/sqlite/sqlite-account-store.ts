import { randomUUID } from 'node:crypto';
import { TaskmasterError } from '@taskmaster/shared-schema';
import type {
  AccountStore,
  AuditDetails,
  AuditEntry,
  NewRefreshToken,
  RefreshTokenRecord,
  RotateOutcome,
  SessionRecord,
  UserRecord,
} from '../account-store.js';
import { decodeAuditCursor, decodeUserCursor, encodeCursor, pageSize, prefixUpperBound, toPage } from '../cursors.js';
import type { Migratable } from '../migrations/migrator.js';
import { openSqlite, sqliteMigratable, type SqliteOptions } from './sqlite-database.js';
import { SQLITE_ACCOUNT_MIGRATIONS } from './sqlite-migrations.js';

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
interface SessionRow {
  id: string;
  user_id: string;
  device: string;
  created_at: number;
  last_used_at: number;
  revoked_at: number | null;
}
interface AuditRow {
  seq: number;
  at: number;
  actor_id: string;
  action: string;
  target_user_id: string | null;
  details: string;
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
const toSession = (row: SessionRow): SessionRecord => ({
  id: row.id,
  userId: row.user_id,
  device: row.device,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});
const toAudit = (row: AuditRow): AuditEntry => ({
  id: String(row.seq),
  at: row.at,
  actorId: row.actor_id,
  action: row.action,
  targetUserId: row.target_user_id,
  details: JSON.parse(row.details) as AuditDetails,
});

export interface SqliteAccountStoreOptions extends SqliteOptions {
  now?: () => number;
  newId?: () => string;
}

export type SqliteAccountStore = AccountStore & Migratable;

/** The embedded AccountStore on better-sqlite3 (see {@link createSqliteDocumentStore} for the pragmas). */
export function createSqliteAccountStore(options: SqliteAccountStoreOptions): SqliteAccountStore {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const db = openSqlite(options);
  const migratable = sqliteMigratable(db, 'accounts', SQLITE_ACCOUNT_MIGRATIONS);
  let closed = false;

  const prepared = () => ({
    insertUser: db.prepare('INSERT INTO users (id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)'),
    userByEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?'),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    listUsers: db.prepare<[string, number], UserRow>('SELECT * FROM users WHERE email > ? ORDER BY email LIMIT ?'),
    listUsersByPrefix: db.prepare<[string, string, string, number], UserRow>(
      'SELECT * FROM users WHERE email >= ? AND email < ? AND email > ? ORDER BY email LIMIT ?',
    ),
    countUsers: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users'),
    setRole: db.prepare('UPDATE users SET role = ? WHERE id = ?'),
    setDisabled: db.prepare('UPDATE users SET disabled = ? WHERE id = ?'),
    setPasswordHash: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
    revokeUserExcept: db.prepare(
      'UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND family_id <> ? AND revoked_at IS NULL',
    ),
    revokeUserSessionsExcept: db.prepare(
      'UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL',
    ),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
    deleteUserTokens: db.prepare('DELETE FROM refresh_tokens WHERE user_id = ?'),
    deleteUserSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    insertToken: db.prepare(
      'INSERT INTO refresh_tokens (token_hash, user_id, family_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertSession: db.prepare(
      `INSERT INTO sessions (id, user_id, device, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = ?'),
    markUsed: db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'),
    touchSession: db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
    revokeToken: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL'),
    revokeFamily: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL'),
    revokeSessionRow: db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    revokeUser: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL'),
    liveSessions: db.prepare<[string], { id: string }>(
      'SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY id',
    ),
    revokeUserSessions: db.prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL'),
    sessionsOf: db.prepare<[string], SessionRow>(
      'SELECT * FROM sessions WHERE user_id = ? ORDER BY created_at DESC, id',
    ),
    sessionById: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
    insertAudit: db.prepare(
      'INSERT INTO audit_log (at, actor_id, action, target_user_id, details) VALUES (?, ?, ?, ?, ?)',
    ),
    auditAll: db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
    auditOf: db.prepare<[string, number, number], AuditRow>(
      'SELECT * FROM audit_log WHERE target_user_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
  });
  let statements: ReturnType<typeof prepared> | undefined;
  const q = () => {
    if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
    statements ??= prepared();
    return statements;
  };

  const rotate = db.transaction(
    (oldHash: string, next: Pick<RefreshTokenRecord, 'tokenHash' | 'expiresAt'>, at: number): RotateOutcome => {
      const s = q();
      const row = s.tokenByHash.get(oldHash);
      if (!row) return { status: 'not-found' };
      if (row.used_at !== null) return { status: 'reused', familyId: row.family_id, userId: row.user_id };
      if (row.revoked_at !== null) return { status: 'revoked' };
      if (row.expires_at <= at) return { status: 'expired' };
      s.markUsed.run(at, oldHash);
      s.insertToken.run(next.tokenHash, row.user_id, row.family_id, next.expiresAt, at);
      s.touchSession.run(at, row.family_id);
      return { status: 'rotated', token: toToken(s.tokenByHash.get(next.tokenHash)!) };
    },
  );
  const insertToken = db.transaction((token: NewRefreshToken, at: number) => {
    const s = q();
    s.insertToken.run(token.tokenHash, token.userId, token.familyId, token.expiresAt, at);
    s.insertSession.run(token.familyId, token.userId, token.device ?? '', at, at);
  });
  const revokeFamily = db.transaction((familyId: string, at: number) => {
    const s = q();
    s.revokeFamily.run(at, familyId);
    s.revokeSessionRow.run(at, familyId);
  });
  const revokeOne = db.transaction((tokenHash: string, at: number) => {
    const s = q();
    const row = s.tokenByHash.get(tokenHash);
    if (!row) return;
    s.revokeToken.run(at, tokenHash);
    s.revokeSessionRow.run(at, row.family_id);
  });
  const revokeUser = db.transaction((userId: string, at: number): string[] => {
    const s = q();
    const live = s.liveSessions.all(userId).map((r) => r.id);
    s.revokeUser.run(at, userId);
    s.revokeUserSessions.run(at, userId);
    return live;
  });
  const disable = db.transaction((userId: string, at: number) => {
    const s = q();
    if (s.setDisabled.run(1, userId).changes === 0) return { found: false, revokedSessions: [] };
    return { found: true, revokedSessions: revokeUser(userId, at) };
  });
  const changePassword = db.transaction((userId: string, passwordHash: string, keep: string, at: number) => {
    const s = q();
    if (s.setPasswordHash.run(passwordHash, userId).changes === 0) return { found: false, revokedSessions: [] };
    const revokedSessions = s.liveSessions
      .all(userId)
      .map((r) => r.id)
      .filter((id) => id !== keep);
    s.revokeUserExcept.run(at, userId, keep);
    s.revokeUserSessionsExcept.run(at, userId, keep);
    return { found: true, revokedSessions };
  });
  const eraseUser = db.transaction((userId: string) => {
    const s = q();
    s.deleteUserTokens.run(userId);
    s.deleteUserSessions.run(userId);
    return s.deleteUser.run(userId).changes > 0;
  });
  const revokeSession = db.transaction((userId: string, sessionId: string, at: number) => {
    const s = q();
    const session = s.sessionById.get(sessionId);
    if (!session || session.user_id !== userId) return false;
    revokeFamily(sessionId, at);
    return true;
  });

  const ready = options.migrate === false ? Promise.resolve() : migratable.migrateUp().then(() => undefined);
  ready.catch(() => undefined);

  return {
    kind: 'sqlite',
    ...migratable,
    ready: () => ready,
    async ping() {
      q();
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      await ready.catch(() => undefined);
      db.close();
    },

    async createUser(user) {
      await ready;
      const record: UserRecord = { ...user, id: newId(), createdAt: now(), disabled: false };
      try {
        q().insertUser.run(record.id, record.email, record.passwordHash, record.role, record.createdAt);
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new TaskmasterError('email-taken', 'an account with this email already exists', 409);
        }
        throw error;
      }
      return record;
    },
    async findUserByEmail(email) {
      await ready;
      const row = q().userByEmail.get(email);
      return row ? toUser(row) : undefined;
    },
    async findUserById(id) {
      await ready;
      const row = q().userById.get(id);
      return row ? toUser(row) : undefined;
    },
    async listUsers(query) {
      await ready;
      const size = pageSize(query.limit);
      const prefix = query.emailPrefix ?? '';
      const bound = prefix === '' ? undefined : prefixUpperBound(prefix);
      const after = decodeUserCursor(query.cursor) ?? '';
      const s = q();
      const rows = (
        bound === undefined
          ? s.listUsers.all(after > prefix ? after : prefix, size + 1).filter((u) => u.email.startsWith(prefix))
          : s.listUsersByPrefix.all(prefix, bound, after, size + 1)
      ).map(toUser);
      return toPage(rows, size, (u) => encodeCursor('user', u.email));
    },
    async countUsers() {
      await ready;
      return q().countUsers.get()?.n ?? 0;
    },
    async setUserRole(userId, role) {
      await ready;
      return q().setRole.run(role, userId).changes > 0;
    },
    async disableUser(userId, at) {
      await ready;
      return disable.immediate(userId, at);
    },
    async changePassword(userId, passwordHash, keepSessionId, at) {
      await ready;
      return changePassword.immediate(userId, passwordHash, keepSessionId, at);
    },
    async enableUser(userId) {
      await ready;
      return q().setDisabled.run(0, userId).changes > 0;
    },
    async eraseUser(userId) {
      await ready;
      return eraseUser.immediate(userId);
    },

    async insertRefreshToken(token) {
      await ready;
      insertToken.immediate(token, now());
    },
    async rotateRefreshToken(oldHash, next, at) {
      await ready;
      return rotate.immediate(oldHash, next, at);
    },
    async revokeRefreshToken(tokenHash, at) {
      await ready;
      revokeOne.immediate(tokenHash, at);
    },
    async revokeTokenFamily(familyId, at) {
      await ready;
      revokeFamily.immediate(familyId, at);
    },
    async revokeUserTokens(userId, at) {
      await ready;
      revokeUser.immediate(userId, at);
    },

    async listSessions(userId) {
      await ready;
      return q().sessionsOf.all(userId).map(toSession);
    },
    async revokeSession(userId, sessionId, at) {
      await ready;
      return revokeSession.immediate(userId, sessionId, at);
    },
    async isSessionRevoked(sessionId) {
      await ready;
      const row = q().sessionById.get(sessionId);
      return row === undefined || row.revoked_at !== null;
    },

    async appendAudit(entry) {
      await ready;
      const info = q().insertAudit.run(
        entry.at,
        entry.actorId,
        entry.action,
        entry.targetUserId,
        JSON.stringify(entry.details),
      );
      return { ...entry, details: { ...entry.details }, id: String(info.lastInsertRowid) };
    },
    async listAudit(query) {
      await ready;
      const size = pageSize(query.limit);
      const before = decodeAuditCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER;
      const s = q();
      const rows =
        query.targetUserId === undefined
          ? s.auditAll.all(before, size + 1)
          : s.auditOf.all(query.targetUserId, before, size + 1);
      return toPage(rows.map(toAudit), size, (e) => encodeCursor('audit', Number(e.id)));
    },
  };
}
