import { randomUUID } from 'node:crypto';
import { TaskmasterError } from '@taskmaster/shared-schema';
import { MongoServerError, ReadPreference, type Db } from 'mongodb';
import type {
  AccountStore,
  AuditEntry,
  RefreshTokenRecord,
  RotateOutcome,
  SessionRecord,
  UserRecord,
} from '../account-store.js';
import { decodeAuditCursor, decodeUserCursor, encodeCursor, pageSize, prefixUpperBound, toPage } from '../cursors.js';
import type { TransactionRunner } from './mongo-connection.js';
import { auditFilters, counterFilters, sessionFilters, tokenFilters, userFilters } from './mongo-filters.js';
import {
  COLLECTION_NAMES,
  type AuditRow,
  type CounterRow,
  type SessionRow,
  type TokenRow,
  type UserRow,
} from './mongo-rows.js';

export interface MongoAccountStoreDeps {
  db: Db;
  runTransaction: TransactionRunner;
  ready: Promise<void>;
  now?: () => number;
  newId?: () => string;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row._id,
  email: row.email,
  passwordHash: row.passwordHash,
  role: row.role,
  createdAt: row.createdAt,
  disabled: row.disabled,
});
const toToken = (row: TokenRow): RefreshTokenRecord => ({
  tokenHash: row._id,
  userId: row.userId,
  familyId: row.familyId,
  expiresAt: row.expiresAtMs,
  createdAt: row.createdAt,
  usedAt: row.usedAt,
  revokedAt: row.revokedAt,
});
const toSession = (row: SessionRow): SessionRecord => ({
  id: row._id,
  userId: row.userId,
  device: row.device,
  createdAt: row.createdAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
});
const toAudit = (row: AuditRow): AuditEntry => ({
  id: String(row._id),
  at: row.at,
  actorId: row.actorId,
  action: row.action,
  targetUserId: row.targetUserId,
  details: row.details,
});

/**
 * The AccountStore on a MongoDB replica set: `users`, `refresh_tokens` (keyed by hash, with a TTL
 * on expiry), `sessions` (one per refresh-token family) and `audit_log`. Every change that touches
 * more than one document runs in one transaction.
 */
export function createMongoAccountStore(deps: MongoAccountStoreDeps): AccountStore {
  const { db, runTransaction } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const users = db.collection<UserRow>(COLLECTION_NAMES.users);
  const tokens = db.collection<TokenRow>(COLLECTION_NAMES.refreshTokens);
  const sessions = db.collection<SessionRow>(COLLECTION_NAMES.sessions);
  const audit = db.collection<AuditRow>(COLLECTION_NAMES.audit);
  const counters = db.collection<CounterRow>(COLLECTION_NAMES.counters);
  const primary = { readPreference: ReadPreference.primary };
  let closed = false;
  const open = async () => {
    if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
    await deps.ready;
  };

  return {
    kind: 'mongodb',
    ready: () => deps.ready,
    async ping() {
      if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
      await db.command({ ping: 1 });
    },
    async close() {
      closed = true;
    },

    async createUser(user) {
      await open();
      const row: UserRow = {
        _id: newId(),
        email: user.email,
        passwordHash: user.passwordHash,
        role: user.role,
        createdAt: now(),
        disabled: false,
      };
      try {
        await users.insertOne(row);
      } catch (error) {
        if (error instanceof MongoServerError && error.code === 11000) {
          throw new TaskmasterError('email-taken', 'an account with this email already exists', 409);
        }
        throw error;
      }
      return toUser(row);
    },
    async findUserByEmail(email) {
      await open();
      const row = await users.findOne(userFilters.byEmail(email), primary);
      return row ? toUser(row) : undefined;
    },
    async findUserById(id) {
      await open();
      const row = await users.findOne(userFilters.byId(id), primary);
      return row ? toUser(row) : undefined;
    },
    async listUsers(query) {
      await open();
      const size = pageSize(query.limit);
      const prefix = query.emailPrefix ?? '';
      const bound = prefix === '' ? undefined : prefixUpperBound(prefix);
      const rows = await users
        .find(userFilters.page(prefix, bound, decodeUserCursor(query.cursor)), primary)
        .sort({ email: 1 })
        .limit(size + 1)
        .toArray();
      return toPage(rows.map(toUser), size, (u) => encodeCursor('user', u.email));
    },
    async countUsers() {
      await open();
      return users.countDocuments({});
    },
    async setUserRole(userId, role) {
      await open();
      return (await users.updateOne(userFilters.byId(userId), { $set: { role } })).matchedCount > 0;
    },
    async disableUser(userId, at) {
      await open();
      return runTransaction('disable user', async (session) => {
        const result = await users.updateOne(userFilters.byId(userId), { $set: { disabled: true } }, { session });
        if (result.matchedCount === 0) return { found: false, revokedSessions: [] };
        const live = await sessions.find(sessionFilters.liveOfUser(userId), { session }).sort({ _id: 1 }).toArray();
        await tokens.updateMany(tokenFilters.liveOfUser(userId), { $set: { revokedAt: at } }, { session });
        await sessions.updateMany(sessionFilters.liveOfUser(userId), { $set: { revokedAt: at } }, { session });
        return { found: true, revokedSessions: live.map((s) => s._id) };
      });
    },
    async changePassword(userId, passwordHash, keepSessionId, at) {
      await open();
      return runTransaction('change password', async (session) => {
        const result = await users.updateOne(userFilters.byId(userId), { $set: { passwordHash } }, { session });
        if (result.matchedCount === 0) return { found: false, revokedSessions: [] };
        const others = sessionFilters.liveOfUserExcept(userId, keepSessionId);
        const live = await sessions.find(others, { session }).sort({ _id: 1 }).toArray();
        await tokens.updateMany(
          tokenFilters.liveOfUserExceptFamily(userId, keepSessionId),
          { $set: { revokedAt: at } },
          { session },
        );
        await sessions.updateMany(others, { $set: { revokedAt: at } }, { session });
        return { found: true, revokedSessions: live.map((s) => s._id) };
      });
    },
    async enableUser(userId) {
      await open();
      return (await users.updateOne(userFilters.byId(userId), { $set: { disabled: false } })).matchedCount > 0;
    },
    async eraseUser(userId) {
      await open();
      return runTransaction('erase user', async (session) => {
        await tokens.deleteMany(tokenFilters.ofUser(userId), { session });
        await sessions.deleteMany(sessionFilters.ofUser(userId), { session });
        return (await users.deleteOne(userFilters.byId(userId), { session })).deletedCount > 0;
      });
    },

    async insertRefreshToken(token) {
      await open();
      const at = now();
      await runTransaction('sign in', async (session) => {
        await tokens.insertOne(
          {
            _id: token.tokenHash,
            userId: token.userId,
            familyId: token.familyId,
            expiresAt: new Date(token.expiresAt),
            expiresAtMs: token.expiresAt,
            createdAt: at,
            usedAt: null,
            revokedAt: null,
          },
          { session },
        );
        await sessions.updateOne(
          sessionFilters.byId(token.familyId),
          {
            $setOnInsert: {
              userId: token.userId,
              device: token.device ?? '',
              createdAt: at,
              lastUsedAt: at,
              revokedAt: null,
            },
          },
          { upsert: true, session },
        );
      });
    },
    async rotateRefreshToken(oldHash, next, at) {
      await open();
      return runTransaction('refresh', async (session): Promise<RotateOutcome> => {
        const row = await tokens.findOne(tokenFilters.byHash(oldHash), { session });
        if (!row) return { status: 'not-found' };
        if (row.usedAt !== null) return { status: 'reused', familyId: row.familyId, userId: row.userId };
        if (row.revokedAt !== null) return { status: 'revoked' };
        if (row.expiresAtMs <= at) return { status: 'expired' };
        // A concurrent rotation of the same token conflicts here; its retry then sees `usedAt` (reuse).
        await tokens.updateOne(tokenFilters.unusedByHash(oldHash), { $set: { usedAt: at } }, { session });
        const nextRow: TokenRow = {
          _id: next.tokenHash,
          userId: row.userId,
          familyId: row.familyId,
          expiresAt: new Date(next.expiresAt),
          expiresAtMs: next.expiresAt,
          createdAt: at,
          usedAt: null,
          revokedAt: null,
        };
        await tokens.insertOne(nextRow, { session });
        await sessions.updateOne(sessionFilters.byId(row.familyId), { $set: { lastUsedAt: at } }, { session });
        return { status: 'rotated', token: toToken(nextRow) };
      });
    },
    async revokeRefreshToken(tokenHash, at) {
      await open();
      await runTransaction('logout', async (session) => {
        const row = await tokens.findOne(tokenFilters.byHash(tokenHash), { session });
        if (!row) return;
        if (row.revokedAt === null) {
          await tokens.updateOne(tokenFilters.byHash(tokenHash), { $set: { revokedAt: at } }, { session });
        }
        await sessions.updateOne(sessionFilters.liveById(row.familyId), { $set: { revokedAt: at } }, { session });
      });
    },
    async revokeTokenFamily(familyId, at) {
      await open();
      await runTransaction('revoke session', async (session) => {
        await tokens.updateMany(tokenFilters.liveOfFamily(familyId), { $set: { revokedAt: at } }, { session });
        await sessions.updateOne(sessionFilters.liveById(familyId), { $set: { revokedAt: at } }, { session });
      });
    },
    async revokeUserTokens(userId, at) {
      await open();
      await runTransaction('revoke user sessions', async (session) => {
        await tokens.updateMany(tokenFilters.liveOfUser(userId), { $set: { revokedAt: at } }, { session });
        await sessions.updateMany(sessionFilters.liveOfUser(userId), { $set: { revokedAt: at } }, { session });
      });
    },

    async listSessions(userId) {
      await open();
      const rows = await sessions
        .find(sessionFilters.ofUser(userId), primary)
        .sort({ createdAt: -1, _id: 1 })
        .toArray();
      return rows.map(toSession);
    },
    async revokeSession(userId, sessionId, at) {
      await open();
      return runTransaction('revoke session', async (session) => {
        const row = await sessions.findOne(sessionFilters.byId(sessionId), { session });
        if (!row || row.userId !== userId) return false;
        await tokens.updateMany(tokenFilters.liveOfFamily(sessionId), { $set: { revokedAt: at } }, { session });
        await sessions.updateOne(sessionFilters.liveById(sessionId), { $set: { revokedAt: at } }, { session });
        return true;
      });
    },
    async isSessionRevoked(sessionId) {
      await open();
      const row = await sessions.findOne(sessionFilters.byId(sessionId), { ...primary, projection: { revokedAt: 1 } });
      return row === null || row.revokedAt !== null;
    },

    async appendAudit(entry) {
      await open();
      const counter = await counters.findOneAndUpdate(
        counterFilters.audit(),
        { $inc: { seq: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      const row: AuditRow = { _id: counter!.seq, ...entry, details: { ...entry.details } };
      await audit.insertOne(row);
      return toAudit(row);
    },
    async listAudit(query) {
      await open();
      const size = pageSize(query.limit);
      const before = decodeAuditCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER;
      const rows = await audit
        .find(auditFilters.before(before, query.targetUserId), primary)
        .sort({ _id: -1 })
        .limit(size + 1)
        .toArray();
      return toPage(rows.map(toAudit), size, (e) => encodeCursor('audit', Number(e.id)));
    },
  };
}
