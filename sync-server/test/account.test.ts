import type { ErrorBody, TokenPair } from '@taskmaster/shared-schema';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRaw, emitRaw, type RawSocket } from './helpers/raw-socket.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { login, PASSWORD, refusal, register, request, type TestAccount } from './security/helpers.js';
import { taskDoc } from './store/doc-fixtures.js';
import { serversOnStores } from './store/server-on-stores.js';

/**
 * Self-service account settings over REST: `POST /api/auth/password` and `DELETE /api/auth/account`.
 * A session that ends loses access at once (SPEC S1); an erase goes through
 * the admin GDPR erase path, so nothing of the account is left (SPEC R5: a device only ever reaches
 * its own user's data, and an erased user has none).
 */
const NEW_PASSWORD = 'violet kettle drums at midnight';

const reasonOf = (body: unknown) => (body as ErrorBody).error.reason;

function onceEvent(socket: RawSocket, event: string): Promise<unknown> {
  return new Promise((resolve) =>
    (socket as unknown as { once(e: string, f: (x: unknown) => void): void }).once(event, resolve),
  );
}

const stores = serversOnStores();
const ADAPTERS = stores.adapters;
afterAll(() => stores.close());

describe.each(ADAPTERS)('account settings REST API on $name', (adapter) => {
  let server: TestServer;
  let cleanup: () => Promise<void>;
  const sockets: RawSocket[] = [];
  beforeAll(async () => {
    ({ server, cleanup } = await adapter.start());
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await cleanup();
  });

  const open = async (token: string) => {
    const socket = await connectRaw(server.url, token);
    sockets.push(socket);
    return socket;
  };
  const changePassword = (token: string, body: unknown) =>
    request(server.url, 'POST', '/api/auth/password', { token, body });
  const deleteAccount = (token: string, body: unknown) =>
    request(server.url, 'DELETE', '/api/auth/account', { token, body });
  const refresh = (tokens: TokenPair) =>
    request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
  const signIn = (email: string, password: string) =>
    request(server.url, 'POST', '/api/auth/login', { body: { email, password } });

  describe('POST /api/auth/password', () => {
    it('refuses a wrong current password with 403 wrong-password and changes nothing', async () => {
      const alice = await register(server.url);
      const answer = await changePassword(alice.tokens.accessToken, {
        currentPassword: 'not my password at all',
        newPassword: NEW_PASSWORD,
      });
      expect(answer.status).toBe(403);
      expect(reasonOf(answer.body)).toBe('wrong-password');
      expect((await signIn(alice.email, PASSWORD)).status).toBe(200);
      expect((await signIn(alice.email, NEW_PASSWORD)).status).toBe(401);
    });

    it.each([
      ['too short', 'abc'],
      ['a common password', 'password123'],
      ['a keyboard walk', 'qwertyuiop'],
      ['the same as the current one', PASSWORD],
    ])('refuses a new password that is %s with 400 weak-password and a sentence saying why', async (_, next) => {
      const alice = await register(server.url);
      const answer = await changePassword(alice.tokens.accessToken, { currentPassword: PASSWORD, newPassword: next });
      expect(answer.status).toBe(400);
      expect(reasonOf(answer.body)).toBe('weak-password');
      expect((answer.body as ErrorBody).error.message).toMatch(/\.$/);
      expect((await signIn(alice.email, PASSWORD)).status).toBe(200);
    });

    it('needs a bearer token (401) and a strict body (400 invalid-payload)', async () => {
      const alice = await register(server.url);
      const anonymous = await request(server.url, 'POST', '/api/auth/password', {
        body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      });
      expect(anonymous.status).toBe(401);
      const extra = await changePassword(alice.tokens.accessToken, {
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
        userId: 'someone-else',
      });
      expect(extra.status).toBe(400);
      expect(reasonOf(extra.body)).toBe('invalid-payload');
      const injected = await changePassword(alice.tokens.accessToken, {
        currentPassword: { $ne: '' },
        newPassword: NEW_PASSWORD,
      });
      expect(injected.status).toBe(400);
    });

    it('[S1] changes the password, signs every OTHER session out at once (tokens, sockets), keeps this one', async () => {
      const alice = await register(server.url);
      const laptop = await login(server.url, alice);
      const phone = await login(server.url, alice);
      const phoneSocket = await open(phone.accessToken);
      const thisSocket = await open(alice.tokens.accessToken);
      const phoneClosed = new Promise((resolve) => phoneSocket.once('disconnect', resolve));

      const answer = await changePassword(alice.tokens.accessToken, {
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
      });
      expect(answer).toMatchObject({ status: 200, body: { revokedSessions: 2 } });

      // The other devices: their socket is closed, their access and refresh tokens refused.
      await phoneClosed;
      expect((await refresh(laptop)).status).toBe(401);
      expect(reasonOf((await refresh(phone)).body)).toBe('token-revoked');
      expect((await refusal(connectRaw(server.url, laptop.accessToken))).message).toBe('token-revoked');
      // This device stays signed in: its socket still syncs, and its refresh token still rotates.
      expect(thisSocket.connected).toBe(true);
      expect(
        await emitRaw(thisSocket, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 10 }),
      ).toMatchObject({ documents: [] });
      const rotated = await refresh(alice.tokens);
      expect(rotated.status).toBe(200);
      // The old password no longer signs in; the new one does.
      expect(reasonOf((await signIn(alice.email, PASSWORD)).body)).toBe('invalid-credentials');
      expect((await signIn(alice.email, NEW_PASSWORD)).status).toBe(200);
      // Audited, without the password.
      const audit = await server.accounts.listAudit({ limit: 100, targetUserId: alice.tokens.user.id });
      expect(audit.items).toEqual([
        expect.objectContaining({
          action: 'user.password-change',
          actorId: alice.tokens.user.id,
          details: { revokedSessions: 2 },
        }),
      ]);
      expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
    });

    it("changing one user's password leaves another user's sessions alone (BOLA)", async () => {
      const alice = await register(server.url);
      const bob = await register(server.url);
      const answer = await changePassword(alice.tokens.accessToken, {
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
      });
      expect(answer.status).toBe(200);
      expect((await refresh(bob.tokens)).status).toBe(200);
    });
  });

  describe('DELETE /api/auth/account', () => {
    async function withData(account: TestAccount) {
      const socket = await open(account.tokens.accessToken);
      const pushed = await emitRaw(socket, 'sync:push', {
        collection: 'tasks',
        rows: [
          { newDocumentState: taskDoc('keep-1', { title: 'private' }) },
          { newDocumentState: taskDoc('gone-1', { title: 'deleted', _deleted: true }) },
        ],
      });
      expect(pushed).toMatchObject({ conflicts: [] });
      return socket;
    }

    it('refuses a wrong password with 403 wrong-password and erases nothing', async () => {
      const alice = await register(server.url);
      await withData(alice);
      const answer = await deleteAccount(alice.tokens.accessToken, { password: 'not my password at all' });
      expect(answer.status).toBe(403);
      expect(reasonOf(answer.body)).toBe('wrong-password');
      expect(await server.accounts.findUserById(alice.tokens.user.id)).toBeDefined();
      expect(await server.store.getDoc(alice.tokens.user.id, 'tasks', 'keep-1')).toBeDefined();
    });

    it('[S1][R5] erases through the admin erase path: documents, tombstones, sessions and account gone, other devices told account:erased, the audit keeps only that an erase happened', async () => {
      const alice = await register(server.url);
      const bob = await register(server.url);
      await withData(bob);
      await withData(alice);
      const phone = await login(server.url, alice);
      const phoneSocket = await open(phone.accessToken);
      const told = onceEvent(phoneSocket, 'account:erased');
      const closed = new Promise((resolve) => phoneSocket.once('disconnect', resolve));
      const userId = alice.tokens.user.id;
      expect(await server.store.getDoc(userId, 'tasks', 'gone-1')).toMatchObject({ doc: { _deleted: true } });

      const answer = await deleteAccount(alice.tokens.accessToken, { password: PASSWORD });
      expect(answer.status).toBe(204);
      expect(await told).toEqual({ reason: 'account-erased' });
      await closed;

      expect(await server.accounts.findUserById(userId)).toBeUndefined();
      expect(await server.accounts.listSessions(userId)).toEqual([]);
      expect(await server.store.getDoc(userId, 'tasks', 'keep-1')).toBeUndefined();
      expect(await server.store.getDoc(userId, 'tasks', 'gone-1')).toBeUndefined();
      expect(await server.store.pull(userId, 'tasks', 0, 100)).toEqual([]);
      expect(await server.store.currentSeq(userId, 'tasks')).toBe(0);
      expect((await refresh(alice.tokens)).status).toBe(401);
      expect((await refresh(phone)).status).toBe(401);
      expect(reasonOf((await signIn(alice.email, PASSWORD)).body)).toBe('invalid-credentials');
      // A device that was offline learns it on its next contact, and wipes its local data.
      expect((await refusal(connectRaw(server.url, phone.accessToken))).message).toBe('account-erased');
      const audit = await server.accounts.listAudit({ limit: 100, targetUserId: userId });
      expect(audit.items).toEqual([expect.objectContaining({ action: 'user.erase', actorId: userId, details: {} })]);
      expect(JSON.stringify(await server.accounts.listAudit({ limit: 100 }))).not.toContain(alice.email);
      // Nobody else's data is touched, and the email can sign up again (as a new, empty account).
      expect(await server.store.getDoc(bob.tokens.user.id, 'tasks', 'keep-1')).toBeDefined();
      expect((await refresh(bob.tokens)).status).toBe(200);
      const again = await register(server.url, alice.email);
      expect(again.tokens.user.id).not.toBe(userId);
    });

    it('refuses an administrator account with 403 forbidden (another administrator erases it)', async () => {
      const root = await register(server.url);
      await server.accounts.setUserRole(root.tokens.user.id, 'admin');
      const tokens = await login(server.url, root);
      const answer = await deleteAccount(tokens.accessToken, { password: PASSWORD });
      expect(answer.status).toBe(403);
      expect(reasonOf(answer.body)).toBe('forbidden');
      expect(await server.accounts.findUserById(root.tokens.user.id)).toBeDefined();
    });

    it('needs a bearer token (401) and the password in a strict body (400 invalid-payload)', async () => {
      const alice = await register(server.url);
      expect((await request(server.url, 'DELETE', '/api/auth/account', { body: { password: PASSWORD } })).status).toBe(
        401,
      );
      expect((await deleteAccount(alice.tokens.accessToken, {})).status).toBe(400);
      expect((await deleteAccount(alice.tokens.accessToken, { email: alice.email })).status).toBe(400);
      expect(await server.accounts.findUserById(alice.tokens.user.id)).toBeDefined();
    });
  });
});

describe('account settings are rate-limited like sign-in', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '4' } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('guessing the current password is limited per IP (429 rate-limited with Retry-After), counted with sign-ins', async () => {
    const alice = await register(server.url); // 1 point
    const guess = (password: string) =>
      request(server.url, 'POST', '/api/auth/password', {
        token: alice.tokens.accessToken,
        body: { currentPassword: password, newPassword: NEW_PASSWORD },
      });
    expect((await guess('guess one is wrong')).status).toBe(403); // 2
    expect(
      (
        await request(server.url, 'DELETE', '/api/auth/account', {
          token: alice.tokens.accessToken,
          body: { password: 'guess two is wrong' },
        })
      ).status,
    ).toBe(403); // 3
    expect((await guess('guess three is wrong')).status).toBe(403); // 4
    const limited = await guess(PASSWORD);
    expect(limited.status).toBe(429);
    expect(reasonOf(limited.body)).toBe('rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (await request(server.url, 'POST', '/api/auth/login', { body: { email: alice.email, password: PASSWORD } }))
        .status,
    ).toBe(429);
  });
});
