import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountStore } from '../../src/store/account-store.js';

/**
 * The AccountStore contract: users, sessions (refresh-token families), revocation and the audit log,
 * run against a fresh store per test for every adapter. `name` appears in the describe block.
 */
export interface AccountStoreFixture {
  store: AccountStore;
  cleanup(): Promise<void>;
}

export function runAccountStoreContract(name: string, makeStore: () => Promise<AccountStoreFixture>): void {
  describe(`AccountStore contract: ${name}`, () => {
    let fixture: AccountStoreFixture;
    let store: AccountStore;
    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
      await store.ready();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const NOW = Date.UTC(2025, 0, 1) + 1_000_000;
    // Tokens are created at the store's own clock (now), so they must outlive it.
    const FAR_FUTURE = Date.UTC(2100, 0, 1);
    const user = (email: string, role: 'user' | 'admin' = 'user') =>
      store.createUser({ email, passwordHash: 'h', role });
    const signIn = (userId: string, familyId: string, tokenHash = `${familyId}-t1`, device = '') =>
      store.insertRefreshToken({ tokenHash, userId, familyId, expiresAt: FAR_FUTURE, device });

    it('is ready and answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(typeof store.kind).toBe('string');
    });

    describe('users', () => {
      it('creates a user with an id, and finds it by email and by id', async () => {
        const user = await store.createUser({ email: 'ann@example.com', passwordHash: 'hash', role: 'user' });
        expect(user).toMatchObject({ email: 'ann@example.com', passwordHash: 'hash', role: 'user', disabled: false });
        expect(user.id).toEqual(expect.any(String));
        expect(user.createdAt).toBeGreaterThan(0);
        expect(await store.findUserByEmail('ann@example.com')).toEqual(user);
        expect(await store.findUserById(user.id)).toEqual(user);
      });

      it('returns undefined for unknown users', async () => {
        expect(await store.findUserByEmail('nobody@example.com')).toBeUndefined();
        expect(await store.findUserById('no-such-id')).toBeUndefined();
      });

      it('refuses a second account with the same email (email-taken)', async () => {
        await store.createUser({ email: 'ann@example.com', passwordHash: 'a', role: 'user' });
        await expect(
          store.createUser({ email: 'ann@example.com', passwordHash: 'b', role: 'admin' }),
        ).rejects.toMatchObject({
          reason: 'email-taken',
        });
        expect((await store.findUserByEmail('ann@example.com'))?.passwordHash).toBe('a');
      });

      it('keeps admin and user roles', async () => {
        const admin = await store.createUser({ email: 'root@example.com', passwordHash: 'h', role: 'admin' });
        expect((await store.findUserById(admin.id))?.role).toBe('admin');
      });
    });

    describe('refresh tokens', () => {
      const NOW = Date.UTC(2025, 0, 1) + 1_000_000;
      let userId: string;
      beforeEach(async () => {
        userId = (await store.createUser({ email: 'tok@example.com', passwordHash: 'h', role: 'user' })).id;
      });
      const insert = (tokenHash: string, familyId = 'fam1', expiresAt = NOW + 60_000) =>
        store.insertRefreshToken({ tokenHash, userId, familyId, expiresAt });

      it('rotates a valid token into the same family and user', async () => {
        await insert('h1');
        const outcome = await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 120_000 }, NOW);
        expect(outcome.status).toBe('rotated');
        if (outcome.status !== 'rotated') return;
        expect(outcome.token).toMatchObject({
          tokenHash: 'h2',
          userId,
          familyId: 'fam1',
          expiresAt: NOW + 120_000,
          usedAt: null,
          revokedAt: null,
        });
        const next = await store.rotateRefreshToken('h2', { tokenHash: 'h3', expiresAt: NOW + 180_000 }, NOW + 1);
        expect(next.status).toBe('rotated');
      });

      it('reports reuse of a rotated token with its family and user', async () => {
        await insert('h1');
        await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 60_000 }, NOW);
        const reused = await store.rotateRefreshToken('h1', { tokenHash: 'h2b', expiresAt: NOW + 60_000 }, NOW + 5);
        expect(reused).toEqual({ status: 'reused', familyId: 'fam1', userId });
      });

      it('lets exactly one of two concurrent rotations of one token win; the other is reuse', async () => {
        await insert('h1');
        const outcomes = await Promise.all([
          store.rotateRefreshToken('h1', { tokenHash: 'a2', expiresAt: NOW + 60_000 }, NOW),
          store.rotateRefreshToken('h1', { tokenHash: 'b2', expiresAt: NOW + 60_000 }, NOW),
        ]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['reused', 'rotated']);
      });

      it('reports not-found for an unknown token', async () => {
        expect(await store.rotateRefreshToken('nope', { tokenHash: 'x', expiresAt: NOW + 1 }, NOW)).toEqual({
          status: 'not-found',
        });
      });

      it('reports expired for a token past its expiry, and does not rotate it', async () => {
        await insert('h1', 'fam1', NOW);
        expect(await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 60_000 }, NOW)).toEqual({
          status: 'expired',
        });
        expect(await store.rotateRefreshToken('h2', { tokenHash: 'h3', expiresAt: NOW + 60_000 }, NOW)).toEqual({
          status: 'not-found',
        });
      });

      it('reports revoked for a revoked token', async () => {
        await insert('h1');
        await store.revokeRefreshToken('h1', NOW);
        expect(await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 60_000 }, NOW + 1)).toEqual({
          status: 'revoked',
        });
      });

      it('revokes a whole family (after reuse) and leaves other families alone', async () => {
        await insert('h1', 'fam1');
        await insert('other1', 'fam2');
        await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 60_000 }, NOW);
        await store.revokeTokenFamily('fam1', NOW + 1);
        expect(
          (await store.rotateRefreshToken('h2', { tokenHash: 'h3', expiresAt: NOW + 60_000 }, NOW + 2)).status,
        ).toBe('revoked');
        expect(
          (await store.rotateRefreshToken('other1', { tokenHash: 'other2', expiresAt: NOW + 60_000 }, NOW + 2)).status,
        ).toBe('rotated');
      });

      it("revokes every token of a user and no other user's", async () => {
        const other = (await store.createUser({ email: 'other@example.com', passwordHash: 'h', role: 'user' })).id;
        await insert('h1', 'fam1');
        await insert('h2', 'fam2');
        await store.insertRefreshToken({ tokenHash: 'o1', userId: other, familyId: 'fam3', expiresAt: NOW + 60_000 });
        await store.revokeUserTokens(userId, NOW);
        expect(
          (await store.rotateRefreshToken('h1', { tokenHash: 'x1', expiresAt: NOW + 60_000 }, NOW + 1)).status,
        ).toBe('revoked');
        expect(
          (await store.rotateRefreshToken('h2', { tokenHash: 'x2', expiresAt: NOW + 60_000 }, NOW + 1)).status,
        ).toBe('revoked');
        expect(
          (await store.rotateRefreshToken('o1', { tokenHash: 'x3', expiresAt: NOW + 60_000 }, NOW + 1)).status,
        ).toBe('rotated');
      });
    });

    describe('listing users', () => {
      it('lists users by email with cursor pagination, every user exactly once', async () => {
        const emails = Array.from({ length: 7 }, (_, i) => `user${i}@example.com`).reverse();
        for (const email of emails) await user(email);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 10; page++) {
          const result = await store.listUsers({ limit: 3, cursor });
          seen.push(...result.items.map((u) => u.email));
          expect(result.items.length).toBeLessThanOrEqual(3);
          if (result.nextCursor === null) break;
          cursor = result.nextCursor;
        }
        expect(seen).toEqual([...emails].sort());
        expect(await store.countUsers()).toBe(7);
      });

      it('searches by email prefix, also across pages', async () => {
        for (const email of ['ann@a.com', 'anna@b.com', 'annie@c.com', 'bob@a.com', 'an@z.com', 'zed@x.com']) {
          await user(email);
        }
        const first = await store.listUsers({ emailPrefix: 'ann', limit: 2 });
        expect(first.items.map((u) => u.email)).toEqual(['ann@a.com', 'anna@b.com']);
        expect(first.nextCursor).not.toBeNull();
        const second = await store.listUsers({ emailPrefix: 'ann', limit: 2, cursor: first.nextCursor! });
        expect(second.items.map((u) => u.email)).toEqual(['annie@c.com']);
        expect(second.nextCursor).toBeNull();
        expect((await store.listUsers({ emailPrefix: 'zzz', limit: 10 })).items).toEqual([]);
        expect((await store.listUsers({ emailPrefix: 'b', limit: 10 })).items.map((u) => u.email)).toEqual([
          'bob@a.com',
        ]);
      });

      it('treats a prefix as text, never as a pattern', async () => {
        await user('ann@a.com');
        await user('a.b@a.com');
        for (const prefix of ['.*', '%', '_', 'a%', '^a', '[a]', '\\']) {
          expect((await store.listUsers({ emailPrefix: prefix, limit: 10 })).items, prefix).toEqual([]);
        }
        expect((await store.listUsers({ emailPrefix: 'a.', limit: 10 })).items.map((u) => u.email)).toEqual([
          'a.b@a.com',
        ]);
      });

      it('caps a page at 100 and rejects a cursor that is not one of its own (invalid-payload)', async () => {
        await user('a@example.com');
        expect((await store.listUsers({ limit: 10_000 })).items).toHaveLength(1);
        await expect(store.listUsers({ limit: 10, cursor: 'not-a-cursor' })).rejects.toMatchObject({
          reason: 'invalid-payload',
        });
        const audit = await store.appendAudit({ at: NOW, actorId: 'x', action: 'a', targetUserId: null, details: {} });
        expect(audit.id).toEqual(expect.any(String));
        for (let i = 0; i < 2; i++) {
          await store.appendAudit({ at: NOW, actorId: 'x', action: 'a', targetUserId: null, details: {} });
        }
        const auditCursor = (await store.listAudit({ limit: 1 })).nextCursor!;
        await expect(store.listUsers({ limit: 10, cursor: auditCursor })).rejects.toMatchObject({
          reason: 'invalid-payload',
        });
      });

      it('changes a role', async () => {
        const u = await user('r@example.com');
        expect(await store.setUserRole(u.id, 'admin')).toBe(true);
        expect((await store.findUserById(u.id))?.role).toBe('admin');
        expect(await store.setUserRole('nobody', 'admin')).toBe(false);
      });
    });

    describe('sessions', () => {
      it('starts a session with the first token of a family, with its device, and touches it on refresh', async () => {
        const u = await user('s@example.com');
        await signIn(u.id, 'fam1', 'h1', 'Firefox on Linux');
        const [session] = await store.listSessions(u.id);
        expect(session).toMatchObject({ id: 'fam1', userId: u.id, device: 'Firefox on Linux', revokedAt: null });
        expect(session!.lastUsedAt).toBe(session!.createdAt);
        await store.rotateRefreshToken(
          'h1',
          { tokenHash: 'h2', expiresAt: NOW + 7_200_000 },
          session!.createdAt + 5000,
        );
        const [touched] = await store.listSessions(u.id);
        expect(touched).toMatchObject({
          id: 'fam1',
          createdAt: session!.createdAt,
          lastUsedAt: session!.createdAt + 5000,
        });
        expect(await store.listSessions(u.id)).toHaveLength(1);
        expect(await store.isSessionRevoked('fam1')).toBe(false);
      });

      it("lists only the user's own sessions, newest first", async () => {
        const a = await user('a@example.com');
        const b = await user('b@example.com');
        await signIn(a.id, 'a1');
        await signIn(b.id, 'b1');
        expect((await store.listSessions(a.id)).map((s) => s.id)).toEqual(['a1']);
        expect(await store.listSessions('nobody')).toEqual([]);
      });

      it('revokes one session of its own user only; another user cannot revoke it (BOLA)', async () => {
        const a = await user('a@example.com');
        const b = await user('b@example.com');
        await signIn(a.id, 'a1', 'a1-t');
        await signIn(a.id, 'a2', 'a2-t');
        expect(await store.revokeSession(b.id, 'a1', NOW)).toBe(false);
        expect(await store.isSessionRevoked('a1')).toBe(false);
        expect(await store.revokeSession(a.id, 'a1', NOW)).toBe(true);
        expect(await store.isSessionRevoked('a1')).toBe(true);
        expect(await store.isSessionRevoked('a2')).toBe(false);
        expect(
          (await store.rotateRefreshToken('a1-t', { tokenHash: 'x', expiresAt: NOW + 60_000 }, NOW + 1)).status,
        ).toBe('revoked');
        expect((await store.listSessions(a.id)).find((s) => s.id === 'a1')?.revokedAt).toBe(NOW);
        expect(await store.revokeSession(a.id, 'unknown', NOW)).toBe(false);
      });

      it('logout (revoking the current token) ends its session', async () => {
        const u = await user('l@example.com');
        await signIn(u.id, 'fam1', 'h1');
        await store.revokeRefreshToken('h1', NOW);
        expect(await store.isSessionRevoked('fam1')).toBe(true);
        await store.revokeRefreshToken('unknown-hash', NOW);
      });

      it('revoking a family or all of a user also revokes the sessions', async () => {
        const u = await user('f@example.com');
        await signIn(u.id, 'fam1');
        await signIn(u.id, 'fam2');
        await signIn(u.id, 'fam3');
        await store.revokeTokenFamily('fam1', NOW);
        expect(await store.isSessionRevoked('fam1')).toBe(true);
        expect(await store.isSessionRevoked('fam2')).toBe(false);
        await store.revokeUserTokens(u.id, NOW);
        expect(await store.isSessionRevoked('fam2')).toBe(true);
        expect(await store.isSessionRevoked('fam3')).toBe(true);
      });

      it('counts an unknown session as revoked (e.g. its user was erased)', async () => {
        expect(await store.isSessionRevoked('never-existed')).toBe(true);
      });
    });

    describe('disable, enable and erase', () => {
      it('disabling revokes every live session and token in the same write and reports them', async () => {
        const u = await user('d@example.com');
        const other = await user('o@example.com');
        await signIn(u.id, 'fam1', 'h1');
        await signIn(u.id, 'fam2', 'h2');
        await signIn(other.id, 'ofam', 'oh');
        await store.revokeTokenFamily('fam2', NOW);
        const result = await store.disableUser(u.id, NOW + 1);
        expect(result).toEqual({ found: true, revokedSessions: ['fam1'] });
        expect((await store.findUserById(u.id))?.disabled).toBe(true);
        expect(await store.isSessionRevoked('fam1')).toBe(true);
        expect(
          (await store.rotateRefreshToken('h1', { tokenHash: 'x', expiresAt: NOW + 60_000 }, NOW + 2)).status,
        ).toBe('revoked');
        expect(await store.isSessionRevoked('ofam')).toBe(false);
        expect(await store.disableUser('nobody', NOW)).toEqual({ found: false, revokedSessions: [] });
      });

      it("changing the password revokes every other session and token of the user in the same write, keeps the caller's, touches nobody else", async () => {
        const u = await user('p@example.com');
        const other = await user('q@example.com');
        await signIn(u.id, 'keep', 'hk');
        await signIn(u.id, 'fam2', 'h2');
        await signIn(u.id, 'fam3', 'h3');
        await signIn(other.id, 'ofam', 'oh');
        await store.revokeTokenFamily('fam3', NOW);
        const result = await store.changePassword(u.id, 'new-hash', 'keep', NOW + 1);
        expect(result).toEqual({ found: true, revokedSessions: ['fam2'] });
        expect((await store.findUserById(u.id))?.passwordHash).toBe('new-hash');
        expect(await store.isSessionRevoked('fam2')).toBe(true);
        expect(await store.isSessionRevoked('keep')).toBe(false);
        expect(await store.isSessionRevoked('ofam')).toBe(false);
        expect(
          (await store.rotateRefreshToken('h2', { tokenHash: 'x2', expiresAt: NOW + 60_000 }, NOW + 2)).status,
        ).toBe('revoked');
        expect(
          (await store.rotateRefreshToken('hk', { tokenHash: 'xk', expiresAt: NOW + 60_000 }, NOW + 2)).status,
        ).toBe('rotated');
        expect((await store.findUserById(other.id))?.passwordHash).toBe('h');
        expect(await store.changePassword('nobody', 'x', 'keep', NOW)).toEqual({ found: false, revokedSessions: [] });
      });

      it('enabling lets the user in again (new sessions), without reviving old ones', async () => {
        const u = await user('e@example.com');
        await signIn(u.id, 'fam1');
        await store.disableUser(u.id, NOW);
        expect(await store.enableUser(u.id)).toBe(true);
        expect((await store.findUserById(u.id))?.disabled).toBe(false);
        expect(await store.isSessionRevoked('fam1')).toBe(true);
        expect(await store.enableUser('nobody')).toBe(false);
      });

      it("erases the account, its sessions and tokens, and nobody else's; the email is free again", async () => {
        const u = await user('gone@example.com');
        const other = await user('stay@example.com');
        await signIn(u.id, 'fam1', 'h1');
        await signIn(other.id, 'ofam', 'oh');
        expect(await store.eraseUser(u.id)).toBe(true);
        expect(await store.findUserById(u.id)).toBeUndefined();
        expect(await store.findUserByEmail('gone@example.com')).toBeUndefined();
        expect(await store.listSessions(u.id)).toEqual([]);
        expect(await store.isSessionRevoked('fam1')).toBe(true);
        expect((await store.rotateRefreshToken('h1', { tokenHash: 'x', expiresAt: NOW + 60_000 }, NOW)).status).toBe(
          'not-found',
        );
        expect(await store.isSessionRevoked('ofam')).toBe(false);
        expect(await store.countUsers()).toBe(1);
        expect(await store.eraseUser(u.id)).toBe(false);
        await expect(user('gone@example.com')).resolves.toMatchObject({ email: 'gone@example.com' });
      });
    });

    describe('audit log', () => {
      it('appends entries and lists them newest first with cursor pagination', async () => {
        for (let i = 0; i < 5; i++) {
          await store.appendAudit({
            at: NOW + i,
            actorId: 'admin-1',
            action: `action.${i}`,
            targetUserId: i % 2 === 0 ? 'u-even' : null,
            details: { i, flag: i % 2 === 0, note: 'x', none: null },
          });
        }
        const first = await store.listAudit({ limit: 2 });
        expect(first.items.map((e) => e.action)).toEqual(['action.4', 'action.3']);
        expect(first.items[0]).toMatchObject({
          at: NOW + 4,
          actorId: 'admin-1',
          targetUserId: 'u-even',
          details: { i: 4, flag: true, note: 'x', none: null },
        });
        const second = await store.listAudit({ limit: 2, cursor: first.nextCursor! });
        expect(second.items.map((e) => e.action)).toEqual(['action.2', 'action.1']);
        const third = await store.listAudit({ limit: 2, cursor: second.nextCursor! });
        expect(third.items.map((e) => e.action)).toEqual(['action.0']);
        expect(third.nextCursor).toBeNull();
        const ids = [...first.items, ...second.items, ...third.items].map((e) => e.id);
        expect(new Set(ids).size).toBe(5);
      });

      it('filters by target user', async () => {
        await store.appendAudit({ at: NOW, actorId: 'a', action: 'one', targetUserId: 'u1', details: {} });
        await store.appendAudit({ at: NOW, actorId: 'a', action: 'two', targetUserId: 'u2', details: {} });
        await store.appendAudit({ at: NOW, actorId: 'a', action: 'three', targetUserId: 'u1', details: {} });
        const page = await store.listAudit({ limit: 10, targetUserId: 'u1' });
        expect(page.items.map((e) => e.action)).toEqual(['three', 'one']);
        expect(page.nextCursor).toBeNull();
      });
    });
  });
}
