import { describe, expect, it } from 'vitest';
import { SessionRevocations, type RevokedSessionStore } from './session-revocations.js';

function sharedStore(): RevokedSessionStore & { keys: Map<string, number> } {
  const keys = new Map<string, number>();
  return {
    kind: 'test',
    keys,
    async add(sid, ttl) {
      keys.set(sid, ttl);
    },
    async has(sid) {
      return keys.has(sid);
    },
    async revokedAmong(sids) {
      return sids.filter((sid) => keys.has(sid));
    },
  };
}

describe('SessionRevocations', () => {
  it('[S1] a revocation is seen at once in memory and written to the shared store', async () => {
    const shared = sharedStore();
    const revocations = new SessionRevocations({ ttlMs: 60_000, shared });
    expect(revocations.isRevokedNow('s1')).toBe(false);
    await revocations.revoke('s1');
    expect(revocations.isRevokedNow('s1')).toBe(true);
    expect(await revocations.isRevoked('s1')).toBe(true);
    expect(shared.keys.get('s1')).toBe(60_000);
    expect(revocations.isRevokedNow(undefined)).toBe(false);
  });

  it('[S1] another instance learns of a revocation from the shared store at the handshake, then in memory', async () => {
    const shared = sharedStore();
    await new SessionRevocations({ ttlMs: 60_000, shared }).revoke('s1');
    const other = new SessionRevocations({ ttlMs: 60_000, shared });
    expect(other.isRevokedNow('s1')).toBe(false);
    expect(await other.isRevoked('s1')).toBe(true);
    expect(other.isRevokedNow('s1')).toBe(true);
  });

  it('[S1] after a restart the account store answers (backed by the store)', async () => {
    const lookup = async (sid: string) => sid === 'old';
    const revocations = new SessionRevocations({ ttlMs: 60_000, lookup });
    expect(await revocations.isRevoked('old')).toBe(true);
    expect(await revocations.isRevoked('live')).toBe(false);
  });

  it('[S1] with Redis down, the account store answers, and a revocation is still recorded', async () => {
    const errors: string[] = [];
    const down = {
      kind: 'down',
      add: () => Promise.reject(new Error('redis down')),
      has: () => Promise.reject(new Error('redis down')),
      revokedAmong: () => Promise.reject(new Error('redis down')),
    };
    const revocations = new SessionRevocations({
      ttlMs: 60_000,
      shared: down,
      lookup: async (sid) => sid === 'old',
      onError: (_error, where) => errors.push(where),
    });
    expect(await revocations.isRevoked('live')).toBe(false);
    expect(await revocations.isRevoked('old')).toBe(true);
    await revocations.revoke('new');
    expect(revocations.isRevokedNow('new')).toBe(true);
    expect(errors).toEqual([
      'shared session revocation check',
      'shared session revocation check',
      'shared session revocation write',
    ]);
  });

  it('[S1] fails closed when nothing can answer', async () => {
    const errors: string[] = [];
    const revocations = new SessionRevocations({
      ttlMs: 60_000,
      shared: {
        kind: 'down',
        add: async () => undefined,
        has: () => Promise.reject(new Error('redis down')),
        revokedAmong: () => Promise.reject(new Error('redis down')),
      },
      onError: (_error, where) => errors.push(where),
    });
    expect(await revocations.isRevoked('s1')).toBe(true);
    expect(errors).toEqual(['shared session revocation check']);
  });

  it('[S1] a sweep learns revocations whose broadcast never arrived', async () => {
    const shared = sharedStore();
    await new SessionRevocations({ ttlMs: 60_000, shared }).revoke('lost');
    const other = new SessionRevocations({ ttlMs: 60_000, shared });
    expect(await other.sweep(['lost', 'live'])).toEqual(['lost']);
    expect(other.isRevokedNow('lost')).toBe(true);
  });

  it('forgets a revocation once no access token carrying it can still be valid', async () => {
    let now = 0;
    const revocations = new SessionRevocations({ ttlMs: 1000, now: () => now });
    await revocations.revoke('s1');
    now = 999;
    expect(revocations.isRevokedNow('s1')).toBe(true);
    now = 1000;
    expect(revocations.isRevokedNow('s1')).toBe(false);
    expect(revocations.size()).toBe(0);
  });
});
