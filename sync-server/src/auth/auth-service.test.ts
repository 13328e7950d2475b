import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { TaskmasterError, type TokenPair } from '@taskmaster/shared-schema';
import { createSqliteAccountStore } from '../store/sqlite/sqlite-account-store.js';
import type { AccountStore } from '../store/account-store.js';
import { AuthService, hashRefreshToken } from './auth-service.js';

const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };
const config = {
  jwtSecret: 'auth-service-test-secret-0123456789abcdef',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 3600,
};
const alice = { email: 'alice@example.com', password: 'alice-password' };

async function rejection(promise: Promise<unknown>): Promise<TaskmasterError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(TaskmasterError);
  return error as TaskmasterError;
}

describe('AuthService', () => {
  let store: AccountStore;
  let now: number;
  let auth: AuthService;

  const build = (s: AccountStore) =>
    new AuthService({ store: s, config, now: () => now, logger: pino({ level: 'silent' }), scryptParams: FAST_SCRYPT });

  beforeEach(() => {
    store = createSqliteAccountStore({ file: ':memory:' });
    now = Date.now();
    auth = build(store);
  });
  afterEach(async () => {
    await store.close();
  });

  describe('register and login', () => {
    it('registers, returns a verifiable pair, and stores only hashes', async () => {
      const pair = await auth.register(alice);
      expect(pair.user).toMatchObject({ email: 'alice@example.com', role: 'user' });
      expect(pair.refreshToken).toMatch(/^[\w-]{43}$/);
      await expect(auth.verifyAccessToken(pair.accessToken)).resolves.toMatchObject({
        userId: pair.user.id,
        role: 'user',
      });
      const user = await store.findUserByEmail('alice@example.com');
      expect(user?.passwordHash).not.toContain(alice.password);
      // The refresh token is findable only by its SHA-256 digest.
      const rotated = await store.rotateRefreshToken(
        hashRefreshToken(pair.refreshToken),
        { tokenHash: 'x'.repeat(64), expiresAt: now + 1000 },
        now,
      );
      expect(rotated.status).toBe('rotated');
    });

    it('rejects a second registration of the same email with 409 email-taken', async () => {
      await auth.register(alice);
      const error = await rejection(auth.register({ ...alice, email: 'ALICE@example.com' }));
      expect([error.reason, error.status]).toEqual(['email-taken', 409]);
    });

    it('[S7] registration never makes an admin, whatever the email (admins come from the CLI)', async () => {
      const pair = await auth.register({ email: 'admin@example.com', password: 'boss-password-2026' });
      expect(pair.user.role).toBe('user');
      await expect(auth.verifyAccessToken(pair.accessToken)).resolves.toMatchObject({ role: 'user' });
    });

    it('[S6] rejects a trivial password with 400 weak-password before anything is stored', async () => {
      const error = await rejection(auth.register({ email: 'new@example.com', password: '12345678' }));
      expect([error.reason, error.status]).toEqual(['weak-password', 400]);
      expect(await store.findUserByEmail('new@example.com')).toBeUndefined();
    });

    it('[S5] a taken email costs the same password hashing as a new account (timing tells nothing more)', async () => {
      await auth.register(alice);
      // The password is judged before the email is looked up: a taken email with a weak password is `weak-password`.
      const weak = await rejection(auth.register({ email: alice.email, password: 'password' }));
      expect(weak.reason).toBe('weak-password');
      // And the scrypt work is done before the 409: a slow hash makes the taken path as slow as a new account.
      const slow = new AuthService({
        store,
        config,
        logger: pino({ level: 'silent' }),
        scryptParams: { N: 2 ** 14, r: 8, p: 1, keyLength: 32 },
      });
      const time = async (email: string) => {
        const started = performance.now();
        await slow.register({ email, password: 'correct horse battery staple' }).catch(() => undefined);
        return performance.now() - started;
      };
      await time('warm-up@example.com');
      // Interleaved samples and medians: one sample each is at the mercy of a loaded machine.
      const fresh: number[] = [];
      const taken: number[] = [];
      for (let i = 0; i < 5; i++) {
        fresh.push(await time(`fresh-${i}@example.com`));
        taken.push(await time(alice.email));
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      expect(median(taken)).toBeGreaterThan(median(fresh) * 0.5);
    });

    it('logs in with the right password', async () => {
      const registered = await auth.register(alice);
      const pair = await auth.login(alice);
      expect(pair.user.id).toBe(registered.user.id);
      expect(pair.refreshToken).not.toBe(registered.refreshToken);
    });

    it('answers a wrong password and an unknown email identically (401 invalid-credentials)', async () => {
      await auth.register(alice);
      const wrong = await rejection(auth.login({ ...alice, password: 'not-the-password' }));
      const unknown = await rejection(auth.login({ email: 'nobody@example.com', password: 'whatever-pw' }));
      expect([wrong.reason, wrong.status, wrong.message]).toEqual([unknown.reason, unknown.status, unknown.message]);
      expect([wrong.reason, wrong.status]).toEqual(['invalid-credentials', 401]);
    });
  });

  describe('refresh token rotation', () => {
    it('rotates on every use: the new token works, the pair is fresh', async () => {
      const first = await auth.register(alice);
      const second = await auth.refresh(first.refreshToken);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.user.id).toBe(first.user.id);
      await expect(auth.verifyAccessToken(second.accessToken)).resolves.toMatchObject({ userId: first.user.id });
      const third = await auth.refresh(second.refreshToken);
      expect(third.refreshToken).not.toBe(second.refreshToken);
    });

    it('reuse of a rotated token revokes the whole family with 401 token-revoked', async () => {
      const first = await auth.register(alice);
      const second = await auth.refresh(first.refreshToken);
      // An attacker replays the old token:
      const reuse = await rejection(auth.refresh(first.refreshToken));
      expect([reuse.reason, reuse.status]).toEqual(['token-revoked', 401]);
      // ...and the legitimate device's current token is dead too.
      const current = await rejection(auth.refresh(second.refreshToken));
      expect(current.reason).toBe('token-revoked');
    });

    it('revoking one family leaves the user’s other devices signed in', async () => {
      const laptop = await auth.register(alice);
      const phone = await auth.login(alice);
      await auth.refresh(laptop.refreshToken);
      await rejection(auth.refresh(laptop.refreshToken)); // reuse: revokes the laptop family only
      await expect(auth.refresh(phone.refreshToken)).resolves.toMatchObject({ user: { id: laptop.user.id } });
    });

    it('rejects unknown and expired refresh tokens with 401 unauthorized', async () => {
      const pair = await auth.register(alice);
      const unknown = await rejection(auth.refresh('A'.repeat(43)));
      expect([unknown.reason, unknown.status]).toEqual(['unauthorized', 401]);
      now += config.refreshTokenTtlSeconds * 1000 + 1;
      const expired = await rejection(auth.refresh(pair.refreshToken));
      expect([expired.reason, expired.status]).toEqual(['unauthorized', 401]);
    });

    it('logout revokes the device’s refresh token', async () => {
      const pair = await auth.register(alice);
      await auth.logout(pair.refreshToken);
      const error = await rejection(auth.refresh(pair.refreshToken));
      expect([error.reason, error.status]).toEqual(['token-revoked', 401]);
      await expect(auth.logout(pair.refreshToken)).resolves.toBeUndefined(); // idempotent
    });
  });

  describe('disabled users', () => {
    // The store port has no "disable" operation yet (admin work); present the user as disabled.
    const disabling = (s: AccountStore): AccountStore =>
      Object.assign(Object.create(s) as AccountStore, {
        findUserByEmail: async (email: string) => {
          const user = await s.findUserByEmail(email);
          return user && { ...user, disabled: true };
        },
        findUserById: async (id: string) => {
          const user = await s.findUserById(id);
          return user && { ...user, disabled: true };
        },
      });

    let pair: TokenPair;
    beforeEach(async () => {
      pair = await auth.register(alice);
      auth = build(disabling(store));
    });

    it('cannot log in (403 forbidden)', async () => {
      const error = await rejection(auth.login(alice));
      expect([error.reason, error.status]).toEqual(['forbidden', 403]);
    });

    it('still gets invalid-credentials for a wrong password, so the disabled state is not revealed', async () => {
      const error = await rejection(auth.login({ ...alice, password: 'wrong-password' }));
      expect(error.reason).toBe('invalid-credentials');
    });

    it('cannot refresh (403 forbidden), and the session is revoked', async () => {
      const error = await rejection(auth.refresh(pair.refreshToken));
      expect([error.reason, error.status]).toEqual(['forbidden', 403]);
      auth = build(store); // even if re-enabled, that chain stays dead
      const again = await rejection(auth.refresh(pair.refreshToken));
      expect(again.reason).toBe('token-revoked');
    });
  });
});
