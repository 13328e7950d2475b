import { COLLECTION_NAMES, TaskmasterError, type CollectionName } from '@taskmaster/shared-schema';
import type { Metrics } from '../observability/metrics.js';
import type { AccountStore, AuditDetails, DocumentStore, SessionRecord, UserRecord } from '../store/index.js';
import { eraseUserEverywhere } from '../store/index.js';
import type { ActivityCounter, TtlCache } from './activity.js';
import type { AdminSession, AdminUser, Stats, UserDetail } from './admin-schemas.js';
import type { LiveConnection, Presence } from './presence.js';

export interface AdminServiceDeps {
  accounts: AccountStore;
  documents: DocumentStore;
  presence: Presence;
  activity: ActivityCounter;
  cache: TtlCache;
  /** Records a revoked session everywhere and closes its sockets (`AuthService.sessionEnded`). */
  sessionEnded(userId: string, sessionId: string): Promise<void>;
  storeKind: string;
  fanoutKind: string;
  metrics?: Pick<Metrics, 'repairs'>;
  now?: () => number;
}

/** Who is acting, from the verified admin access token. */
export interface Actor {
  userId: string;
}

const STATS_KEY = 'admin:stats';
const STATS_TTL_MS = 10_000;
/** Pull page size used while streaming an export. */
const EXPORT_PAGE = 500;

function toAdminUser(user: UserRecord): AdminUser {
  return { id: user.id, email: user.email, role: user.role, disabled: user.disabled, createdAt: user.createdAt };
}

function notFound(what: string): TaskmasterError {
  return new TaskmasterError('not-found', `${what} not found`, 404);
}

/**
 * The operator plane, transport-free: every method takes validated values, works through the
 * ports, and writes an audit entry for every action that changes something. Unknown ids and ids
 * that belong to another user answer 404 `not-found` alike (no object-level leak).
 */
export class AdminService {
  private readonly now: () => number;

  constructor(private readonly deps: AdminServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Counts and recent activity, cached for 10 s (in Redis when scaled, so the cluster shares it). */
  async stats(): Promise<Stats> {
    const cached = await this.deps.cache.get<Stats>(STATS_KEY);
    if (cached) return cached;
    const { accounts, documents, presence, activity } = this.deps;
    const [users, tasks, lists, connections, minute, hour] = await Promise.all([
      accounts.countUsers(),
      documents.countDocuments('tasks'),
      documents.countDocuments('lists'),
      presence.connections(),
      activity.totals(1),
      activity.totals(60),
    ]);
    const stats: Stats = {
      users,
      tasks,
      lists,
      devicesConnected: connections.length,
      lastMinute: { pushes: minute.push, pulls: minute.pull, conflicts: minute.conflict },
      lastHour: { pushes: hour.push, pulls: hour.pull, conflicts: hour.conflict },
      store: this.deps.storeKind,
      fanout: this.deps.fanoutKind,
      generatedAt: this.now(),
    };
    await this.deps.cache.set(STATS_KEY, stats, STATS_TTL_MS);
    return stats;
  }

  async listUsers(query: { q?: string; cursor?: string; limit: number }) {
    const page = await this.deps.accounts.listUsers({
      emailPrefix: query.q || undefined,
      cursor: query.cursor,
      limit: query.limit,
    });
    return { items: page.items.map(toAdminUser), nextCursor: page.nextCursor };
  }

  async userDetail(userId: string): Promise<UserDetail> {
    const user = await this.requireUser(userId);
    const [sessions, tasks, lists, connections] = await Promise.all([
      this.deps.accounts.listSessions(userId),
      this.deps.documents.countDocuments('tasks', userId),
      this.deps.documents.countDocuments('lists', userId),
      this.deps.presence.connections(userId),
    ]);
    return {
      user: toAdminUser(user),
      sessions: sessions.map((session) => this.toAdminSession(session, connections)),
      counts: { tasks, lists },
      connectedDevices: connections.length,
    };
  }

  /** Disables the account: every session revoked and every device disconnected, on every instance. */
  async disable(actor: Actor, userId: string, reason?: string) {
    if (actor.userId === userId) {
      throw new TaskmasterError('forbidden', 'An administrator cannot disable their own account', 403);
    }
    const connected = (await this.deps.presence.connections(userId).catch(() => [])).length;
    const { found, revokedSessions } = await this.deps.accounts.disableUser(userId, this.now());
    if (!found) throw notFound('User');
    await Promise.all(revokedSessions.map((sid) => this.deps.sessionEnded(userId, sid)));
    // Closing the sessions closed their sockets; any socket left (no session id) is closed here.
    const left = await this.deps.presence.disconnectUser(userId, 'auth:expired', { reason: 'token-expired' });
    const disconnected = Math.max(connected, left);
    await this.audit(actor, 'user.disable', userId, { revokedSessions: revokedSessions.length, ...why(reason) });
    await this.deps.cache.invalidate(STATS_KEY);
    const user = await this.requireUser(userId);
    return { user: toAdminUser(user), revokedSessions: revokedSessions.length, disconnected };
  }

  async enable(actor: Actor, userId: string, reason?: string) {
    if (!(await this.deps.accounts.enableUser(userId))) throw notFound('User');
    await this.audit(actor, 'user.enable', userId, why(reason));
    return toAdminUser(await this.requireUser(userId));
  }

  /** Signs one device out everywhere, at once. A session of another user is `not-found`. */
  async revokeSession(actor: Actor, userId: string, sessionId: string, reason?: string): Promise<void> {
    await this.requireUser(userId);
    if (!(await this.deps.accounts.revokeSession(userId, sessionId, this.now()))) throw notFound('Session');
    await this.deps.sessionEnded(userId, sessionId);
    await this.audit(actor, 'session.revoke', userId, { sessionId, ...why(reason) });
  }

  /** Tells the user's devices to verify and re-pull (`sync:resync`). */
  async resync(actor: Actor, userId: string, reason?: string) {
    await this.requireUser(userId);
    const devices = (await this.deps.presence.connections(userId)).length;
    this.deps.presence.emitToUser(userId, 'sync:resync', { reason: 'admin' });
    this.deps.metrics?.repairs.inc({ cause: 'admin' });
    await this.audit(actor, 'user.resync', userId, { devices, ...why(reason) });
    return { devices };
  }

  /**
   * Everything stored for the user (GDPR access), produced piece by piece so a large account is
   * streamed, never held in memory whole. The export itself is audited.
   */
  async *exportUser(actor: Actor, userId: string): AsyncGenerator<string> {
    const user = await this.requireUser(userId);
    const sessions = await this.deps.accounts.listSessions(userId);
    await this.audit(actor, 'user.export', userId, {});
    yield `{"exportedAt":${this.now()},"user":${JSON.stringify(toAdminUser(user))},"sessions":${JSON.stringify(
      sessions.map((s) => this.toAdminSession(s, [])),
    )}`;
    for (const collection of COLLECTION_NAMES) {
      yield `,${JSON.stringify(collection)}:[`;
      let first = true;
      for await (const doc of this.documentsOf(userId, collection)) {
        yield `${first ? '' : ','}${JSON.stringify(doc)}`;
        first = false;
      }
      yield ']';
    }
    yield '}';
  }

  /**
   * GDPR erase: sessions revoked, devices told `account:erased` (they wipe their local data) and
   * disconnected, then documents, tombstones, sessions and the account deleted. The audit keeps
   * only that an erase happened, under the (now meaningless) id.
   */
  async erase(actor: Actor, userId: string): Promise<void> {
    if (actor.userId === userId) {
      throw new TaskmasterError('forbidden', 'An administrator cannot erase their own account', 403);
    }
    await this.requireUser(userId);
    await this.eraseEverywhere(actor, userId);
  }

  /**
   * "Delete my account" (Settings, after the user re-entered their password): the same erase as
   * {@link erase}, audited with the user as the actor. An administrator's account is refused here
   * (403 `forbidden`), so the last administrator cannot remove the operator plane by accident.
   */
  async eraseOwnAccount(userId: string): Promise<void> {
    const user = await this.requireUser(userId);
    if (user.role === 'admin') {
      throw new TaskmasterError(
        'forbidden',
        'An administrator account cannot be deleted from Settings; another administrator can erase it',
        403,
      );
    }
    await this.eraseEverywhere({ userId }, userId);
  }

  private async eraseEverywhere(actor: Actor, userId: string): Promise<void> {
    const sessions = await this.deps.accounts.listSessions(userId);
    const live = sessions.filter((s) => s.revokedAt === null).map((s) => s.id);
    // Store first (a handshake racing this finds the sessions revoked), then the devices hear why,
    // then the ids are recorded as revoked on every instance.
    await this.deps.accounts.revokeUserTokens(userId, this.now());
    await this.deps.presence.disconnectUser(userId, 'account:erased', { reason: 'account-erased' });
    await Promise.all(live.map((sid) => this.deps.sessionEnded(userId, sid)));
    await eraseUserEverywhere(this.deps, userId);
    await this.audit(actor, 'user.erase', userId, {});
    await this.deps.cache.invalidate(STATS_KEY);
  }

  async listAudit(query: { cursor?: string; limit: number }) {
    return this.deps.accounts.listAudit(query);
  }

  private async *documentsOf(userId: string, collection: CollectionName) {
    let after = 0;
    for (;;) {
      const rows = await this.deps.documents.pull(userId, collection, after, EXPORT_PAGE);
      for (const row of rows) yield row.doc;
      if (rows.length < EXPORT_PAGE) return;
      after = rows.at(-1)!.seq;
    }
  }

  private async requireUser(userId: string): Promise<UserRecord> {
    const user = await this.deps.accounts.findUserById(userId);
    if (!user) throw notFound('User');
    return user;
  }

  private toAdminSession(session: SessionRecord, connections: LiveConnection[]): AdminSession {
    const mine = connections.filter((c) => c.sessionId === session.id);
    const synced = mine.map((c) => c.lastSyncAt ?? 0).reduce((a, b) => Math.max(a, b), 0);
    return {
      id: session.id,
      device: session.device,
      createdAt: session.createdAt,
      lastUsedAt: session.lastUsedAt,
      lastSyncAt: synced > 0 ? synced : null,
      revokedAt: session.revokedAt,
      connected: mine.length,
    };
  }

  private async audit(actor: Actor, action: string, targetUserId: string, details: AuditDetails): Promise<void> {
    await this.deps.accounts.appendAudit({ at: this.now(), actorId: actor.userId, action, targetUserId, details });
  }
}

function why(reason: string | undefined): AuditDetails {
  return reason ? { reason } : {};
}
