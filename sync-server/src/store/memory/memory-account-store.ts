import { randomUUID } from 'node:crypto';
import { TaskmasterError } from '@taskmaster/shared-schema';
import type {
  AccountStore,
  AuditEntry,
  RefreshTokenRecord,
  RotateOutcome,
  SessionRecord,
  UserRecord,
} from '../account-store.js';
import { decodeAuditCursor, decodeUserCursor, encodeCursor, pageSize, prefixUpperBound, toPage } from '../cursors.js';

export interface MemoryAccountStoreOptions {
  /** Clock for `createdAt`; a simulation passes its own. */
  now?: () => number;
  /** Id source for new users; a simulation passes a seeded one. */
  newId?: () => string;
}

/**
 * The in-memory AccountStore: synchronous inside, no timers and no I/O, so a deterministic
 * simulation can use it; every method is atomic because nothing awaits between its reads and writes.
 */
export function createMemoryAccountStore(options: MemoryAccountStoreOptions = {}): AccountStore {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const users = new Map<string, UserRecord>();
  const byEmail = new Map<string, string>();
  const tokens = new Map<string, RefreshTokenRecord>();
  const sessions = new Map<string, SessionRecord>();
  const audit: AuditEntry[] = [];
  let closed = false;
  const open = () => {
    if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
  };
  const copy = <T>(value: T): T => structuredClone(value);

  const revokeFamily = (familyId: string, at: number) => {
    for (const token of tokens.values()) {
      if (token.familyId === familyId && token.revokedAt === null) token.revokedAt = at;
    }
    const session = sessions.get(familyId);
    if (session && session.revokedAt === null) session.revokedAt = at;
  };
  const liveSessionsOf = (userId: string) =>
    [...sessions.values()].filter((s) => s.userId === userId && s.revokedAt === null).map((s) => s.id);

  return {
    kind: 'memory',
    async ready() {},
    async ping() {
      open();
    },
    async close() {
      closed = true;
    },

    async createUser(user) {
      open();
      if (byEmail.has(user.email)) {
        throw new TaskmasterError('email-taken', 'an account with this email already exists', 409);
      }
      const record: UserRecord = { ...user, id: newId(), createdAt: now(), disabled: false };
      users.set(record.id, record);
      byEmail.set(record.email, record.id);
      return copy(record);
    },
    async findUserByEmail(email) {
      open();
      const id = byEmail.get(email);
      return id === undefined ? undefined : copy(users.get(id));
    },
    async findUserById(id) {
      open();
      const user = users.get(id);
      return user && copy(user);
    },
    async listUsers(query) {
      open();
      const size = pageSize(query.limit);
      const after = decodeUserCursor(query.cursor);
      const prefix = query.emailPrefix ?? '';
      const bound = prefix === '' ? undefined : prefixUpperBound(prefix);
      const rows = [...users.values()]
        .filter((u) => u.email >= prefix && (bound === undefined || u.email < bound))
        .filter((u) => after === undefined || u.email > after)
        .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0))
        .slice(0, size + 1)
        .map(copy);
      return toPage(rows, size, (u) => encodeCursor('user', u.email));
    },
    async countUsers() {
      open();
      return users.size;
    },
    async setUserRole(userId, role) {
      open();
      const user = users.get(userId);
      if (!user) return false;
      user.role = role;
      return true;
    },
    async disableUser(userId, at) {
      open();
      const user = users.get(userId);
      if (!user) return { found: false, revokedSessions: [] };
      user.disabled = true;
      const revokedSessions = liveSessionsOf(userId);
      for (const token of tokens.values())
        if (token.userId === userId && token.revokedAt === null) token.revokedAt = at;
      for (const id of revokedSessions) sessions.get(id)!.revokedAt = at;
      return { found: true, revokedSessions };
    },
    async changePassword(userId, passwordHash, keepSessionId, at) {
      open();
      const user = users.get(userId);
      if (!user) return { found: false, revokedSessions: [] };
      user.passwordHash = passwordHash;
      const revokedSessions = liveSessionsOf(userId).filter((id) => id !== keepSessionId);
      for (const id of revokedSessions) revokeFamily(id, at);
      // Tokens of a family whose session row is already gone or revoked stay revoked too.
      for (const token of tokens.values())
        if (token.userId === userId && token.familyId !== keepSessionId && token.revokedAt === null)
          token.revokedAt = at;
      return { found: true, revokedSessions };
    },
    async enableUser(userId) {
      open();
      const user = users.get(userId);
      if (!user) return false;
      user.disabled = false;
      return true;
    },
    async eraseUser(userId) {
      open();
      const user = users.get(userId);
      if (!user) return false;
      for (const [hash, token] of tokens) if (token.userId === userId) tokens.delete(hash);
      for (const [id, session] of sessions) if (session.userId === userId) sessions.delete(id);
      byEmail.delete(user.email);
      users.delete(userId);
      return true;
    },

    async insertRefreshToken(token) {
      open();
      const at = now();
      tokens.set(token.tokenHash, {
        tokenHash: token.tokenHash,
        userId: token.userId,
        familyId: token.familyId,
        expiresAt: token.expiresAt,
        createdAt: at,
        usedAt: null,
        revokedAt: null,
      });
      if (!sessions.has(token.familyId)) {
        sessions.set(token.familyId, {
          id: token.familyId,
          userId: token.userId,
          device: token.device ?? '',
          createdAt: at,
          lastUsedAt: at,
          revokedAt: null,
        });
      }
    },
    async rotateRefreshToken(oldHash, next, at): Promise<RotateOutcome> {
      open();
      const token = tokens.get(oldHash);
      if (!token) return { status: 'not-found' };
      if (token.usedAt !== null) return { status: 'reused', familyId: token.familyId, userId: token.userId };
      if (token.revokedAt !== null) return { status: 'revoked' };
      if (token.expiresAt <= at) return { status: 'expired' };
      token.usedAt = at;
      const record: RefreshTokenRecord = {
        tokenHash: next.tokenHash,
        userId: token.userId,
        familyId: token.familyId,
        expiresAt: next.expiresAt,
        createdAt: at,
        usedAt: null,
        revokedAt: null,
      };
      tokens.set(record.tokenHash, record);
      const session = sessions.get(token.familyId);
      if (session) session.lastUsedAt = at;
      return { status: 'rotated', token: copy(record) };
    },
    async revokeRefreshToken(tokenHash, at) {
      open();
      const token = tokens.get(tokenHash);
      if (!token) return;
      if (token.revokedAt === null) token.revokedAt = at;
      const session = sessions.get(token.familyId);
      if (session && session.revokedAt === null) session.revokedAt = at;
    },
    async revokeTokenFamily(familyId, at) {
      open();
      revokeFamily(familyId, at);
    },
    async revokeUserTokens(userId, at) {
      open();
      for (const token of tokens.values())
        if (token.userId === userId && token.revokedAt === null) token.revokedAt = at;
      for (const id of liveSessionsOf(userId)) sessions.get(id)!.revokedAt = at;
    },

    async listSessions(userId) {
      open();
      return [...sessions.values()]
        .filter((s) => s.userId === userId)
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1))
        .map(copy);
    },
    async revokeSession(userId, sessionId, at) {
      open();
      const session = sessions.get(sessionId);
      if (!session || session.userId !== userId) return false;
      revokeFamily(sessionId, at);
      return true;
    },
    async isSessionRevoked(sessionId) {
      open();
      const session = sessions.get(sessionId);
      return session === undefined || session.revokedAt !== null;
    },

    async appendAudit(entry) {
      open();
      const record: AuditEntry = { ...copy(entry), id: String(audit.length + 1) };
      audit.push(record);
      return copy(record);
    },
    async listAudit(query) {
      open();
      const size = pageSize(query.limit);
      const before = decodeAuditCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER;
      const rows: AuditEntry[] = [];
      for (let i = Math.min(audit.length, before - 1) - 1; i >= 0 && rows.length <= size; i--) {
        const entry = audit[i]!;
        if (query.targetUserId === undefined || entry.targetUserId === query.targetUserId) rows.push(copy(entry));
      }
      return toPage(rows, size, (e) => encodeCursor('audit', Number(e.id)));
    },
  };
}
