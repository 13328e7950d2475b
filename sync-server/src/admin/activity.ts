import type { Redis } from 'ioredis';

export type ActivityKind = 'push' | 'pull' | 'conflict';
export type ActivityTotals = Record<ActivityKind, number>;

/**
 * Sync activity per minute, for the admin stats ("pushes, pulls and conflicts in the last minute
 * and hour"). `record` is called on every sync event, so it never waits on I/O.
 */
export interface ActivityCounter {
  readonly kind: 'memory' | 'redis';
  record(kind: ActivityKind, count?: number): void;
  /** Totals over the last `minutes` whole minutes, the current one included, cluster-wide when scaled. */
  totals(minutes: number): Promise<ActivityTotals>;
  close(): Promise<void>;
}

const KINDS: ActivityKind[] = ['push', 'pull', 'conflict'];
const HOUR = 60;
const zero = (): ActivityTotals => ({ push: 0, pull: 0, conflict: 0 });
const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/** Per-instance counters in 60 one-minute buckets. */
export function createMemoryActivity(now: () => number = Date.now): ActivityCounter {
  const buckets = new Map<number, ActivityTotals>();
  return {
    kind: 'memory',
    record(kind, count = 1) {
      const minute = minuteOf(now());
      let bucket = buckets.get(minute);
      if (!bucket) {
        bucket = zero();
        buckets.set(minute, bucket);
        for (const key of buckets.keys()) if (key <= minute - HOUR) buckets.delete(key);
      }
      bucket[kind] += count;
    },
    async totals(minutes) {
      const current = minuteOf(now());
      const sum = zero();
      for (const [minute, bucket] of buckets) {
        if (minute > current - minutes) for (const kind of KINDS) sum[kind] += bucket[kind];
      }
      return sum;
    },
    async close() {},
  };
}

/**
 * Cluster-wide counters in Redis: one hash per minute (`HINCRBY`), expiring after two hours.
 * Counts are added up locally and written once a second, so a busy instance sends a few commands a
 * second, not one per event. A failed write is dropped: these are statistics, not data.
 */
export function createRedisActivity(
  client: Redis,
  options: { prefix?: string; flushMs?: number; now?: () => number } = {},
): ActivityCounter {
  const prefix = options.prefix ?? 'taskmaster:activity:';
  const now = options.now ?? Date.now;
  let pending = new Map<number, ActivityTotals>();
  const flush = async () => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const multi = client.multi();
    for (const [minute, totals] of batch) {
      for (const kind of KINDS) if (totals[kind] > 0) multi.hincrby(`${prefix}${minute}`, kind, totals[kind]);
      multi.expire(`${prefix}${minute}`, 2 * 3600);
    }
    await multi.exec().catch(() => undefined);
  };
  const timer = setInterval(() => void flush(), options.flushMs ?? 1000);
  timer.unref();
  return {
    kind: 'redis',
    record(kind, count = 1) {
      const minute = minuteOf(now());
      let totals = pending.get(minute);
      if (!totals) pending.set(minute, (totals = zero()));
      totals[kind] += count;
    },
    async totals(minutes) {
      await flush();
      const current = minuteOf(now());
      const pipeline = client.pipeline();
      for (let m = current - minutes + 1; m <= current; m++) pipeline.hgetall(`${prefix}${m}`);
      const results = (await pipeline.exec()) ?? [];
      const sum = zero();
      for (const [error, value] of results) {
        if (error || !value) continue;
        const hash = value as Record<string, string>;
        for (const kind of KINDS) sum[kind] += Number(hash[kind] ?? 0);
      }
      return sum;
    },
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

/**
 * A small cache with a time to live, for answers that are costly to compute and may be a few
 * seconds old (admin stats). Shared through Redis when scaled, so every instance serves the same
 * answer and only one in ten seconds does the work.
 */
export interface TtlCache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  invalidate(key: string): Promise<void>;
}

export function createMemoryCache(now: () => number = Date.now): TtlCache {
  const entries = new Map<string, { value: unknown; until: number }>();
  return {
    async get<T>(key: string) {
      const entry = entries.get(key);
      if (!entry || entry.until <= now()) return undefined;
      return entry.value as T;
    },
    async set(key, value, ttlMs) {
      entries.set(key, { value, until: now() + ttlMs });
    },
    async invalidate(key) {
      entries.delete(key);
    },
  };
}

export function createRedisCache(client: Redis, prefix = 'taskmaster:cache:'): TtlCache {
  return {
    async get<T>(key: string) {
      const text = await client.get(`${prefix}${key}`).catch(() => null);
      return text === null ? undefined : (JSON.parse(text) as T);
    },
    async set(key, value, ttlMs) {
      await client.set(`${prefix}${key}`, JSON.stringify(value), 'PX', ttlMs).catch(() => undefined);
    },
    async invalidate(key) {
      await client.del(`${prefix}${key}`).catch(() => undefined);
    },
  };
}
