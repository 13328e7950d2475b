import type { Redis } from 'ioredis';

/**
 * Where revoked session ids are shared between instances and kept across restarts of one
 * instance. Entries only need to live as long as an access token can (15 minutes): after that
 * no token carrying the session id verifies anyway.
 */
export interface RevokedSessionStore {
  readonly kind: string;
  add(sessionId: string, ttlMs: number): Promise<void>;
  has(sessionId: string): Promise<boolean>;
  /** The revoked ones among `sessionIds`, in one round trip. */
  revokedAmong(sessionIds: readonly string[]): Promise<string[]>;
}

/**
 * The durable answer from the account store ("is this refresh-token family revoked?"), used at
 * the handshake when neither the memory cache nor the shared store knows the session.
 */
export type SessionRevokedLookup = (sessionId: string) => Promise<boolean>;

/** A shared store in Redis (`SET key 1 PX ttl`), for the scaled mode: every instance reads the same keys. */
export function createRedisRevokedSessionStore(client: Redis, prefix = 'taskmaster:revoked-sid:'): RevokedSessionStore {
  return {
    kind: 'redis',
    async add(sessionId, ttlMs) {
      await client.set(`${prefix}${sessionId}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async has(sessionId) {
      return (await client.exists(`${prefix}${sessionId}`)) === 1;
    },
    async revokedAmong(sessionIds) {
      if (sessionIds.length === 0) return [];
      const pipeline = client.pipeline();
      for (const sid of sessionIds) pipeline.exists(`${prefix}${sid}`);
      const results = (await pipeline.exec()) ?? [];
      return sessionIds.filter((_, i) => results[i]?.[1] === 1);
    },
  };
}

export interface SessionRevocationsOptions {
  /** How long a revocation must be remembered: the access-token lifetime plus clock tolerance. */
  ttlMs: number;
  shared?: RevokedSessionStore;
  lookup?: SessionRevokedLookup;
  now?: () => number;
  /** Called when the shared store or the lookup fails; the check then fails closed. */
  onError?: (error: unknown, where: string) => void;
}

/**
 * Revoked sessions (the `sid` claim of access tokens is the refresh-token family id).
 *
 * - `isRevokedNow(sid)` is synchronous and in memory: it runs on every socket event.
 * - `isRevoked(sid)` runs at the handshake: memory, then the shared store (Redis when scaled),
 *   then the account store. A positive answer is cached. If a source cannot answer, the session
 *   counts as revoked (fail closed): a device retries its handshake, a thief must not get in.
 * - `revoke(sid)` records it locally and in the shared store; `remember(sid)` only locally, for
 *   revocations announced by another instance.
 */
export class SessionRevocations {
  private readonly revoked = new Map<string, number>();
  private readonly now: () => number;
  private lastPrune = 0;

  constructor(private readonly options: SessionRevocationsOptions) {
    this.now = options.now ?? Date.now;
  }

  isRevokedNow(sessionId: string | undefined): boolean {
    if (sessionId === undefined) return false;
    const until = this.revoked.get(sessionId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.revoked.delete(sessionId);
    return false;
  }

  async isRevoked(sessionId: string | undefined): Promise<boolean> {
    if (sessionId === undefined) return false;
    if (this.isRevokedNow(sessionId)) return true;
    const { shared, lookup } = this.options;
    let unanswered = false;
    if (shared) {
      try {
        if (await shared.has(sessionId)) return this.remembered(sessionId);
      } catch (error) {
        // Redis down: the account store still knows (it is where revocations are written first).
        this.options.onError?.(error, 'shared session revocation check');
        unanswered = true;
      }
    }
    if (lookup) {
      try {
        return (await lookup(sessionId)) ? this.remembered(sessionId) : false;
      } catch (error) {
        this.options.onError?.(error, 'session revocation lookup');
        return true;
      }
    }
    return unanswered;
  }

  /**
   * Records a revocation made on this instance: in memory at once, then in the shared store. A
   * shared store that cannot be reached is logged, not thrown: the revocation is already durable
   * in the account store, which every handshake consults when Redis cannot answer.
   */
  async revoke(sessionId: string): Promise<void> {
    this.remember(sessionId);
    try {
      await this.options.shared?.add(sessionId, this.options.ttlMs);
    } catch (error) {
      this.options.onError?.(error, 'shared session revocation write');
    }
  }

  private remembered(sessionId: string): true {
    this.remember(sessionId);
    return true;
  }

  /** Records a revocation in this instance's memory only. */
  remember(sessionId: string): void {
    const now = this.now();
    this.revoked.set(sessionId, now + this.options.ttlMs);
    if (now - this.lastPrune > this.options.ttlMs) {
      this.lastPrune = now;
      for (const [sid, until] of this.revoked) if (until <= now) this.revoked.delete(sid);
    }
  }

  /**
   * Asks the shared store about `sessionIds` at once and remembers the revoked ones; returns them.
   * The sweep of live connections uses it, so a revocation whose broadcast was lost (Redis pub/sub
   * is at most once) still ends the session's sockets on this instance within one sweep.
   */
  async sweep(sessionIds: readonly string[]): Promise<string[]> {
    const shared = this.options.shared;
    const unknown = sessionIds.filter((sid) => !this.isRevokedNow(sid));
    if (!shared || unknown.length === 0) return sessionIds.filter((sid) => this.isRevokedNow(sid));
    try {
      for (const sid of await shared.revokedAmong(unknown)) this.remember(sid);
    } catch (error) {
      this.options.onError?.(error, 'session revocation sweep');
    }
    return sessionIds.filter((sid) => this.isRevokedNow(sid));
  }

  /** Number of revocations held in memory (for tests and metrics). */
  size(): number {
    return this.revoked.size;
  }
}
