import type { TokenPair } from '@taskmaster/shared-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRaw, emitRaw, type RawSocket } from '../helpers/raw-socket.js';
import type { TestServer } from '../helpers/server.js';
import { login, register, request, type TestAccount } from '../security/helpers.js';
import { taskDoc } from '../store/doc-fixtures.js';
import { serversOnStores } from '../store/server-on-stores.js';

const BASE = '/api/admin/v1';
const task = (id: string, title: string) => taskDoc(id, { title });

function sessionIdOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string }).sid;
}

/** Every admin route, with a way to fill in the ids of a target user and one of their sessions. */
const ROUTES: { method: string; path: string; ids: boolean }[] = [
  { method: 'GET', path: '/stats', ids: false },
  { method: 'GET', path: '/users', ids: false },
  { method: 'GET', path: '/users/:id', ids: true },
  { method: 'POST', path: '/users/:id/disable', ids: true },
  { method: 'POST', path: '/users/:id/enable', ids: true },
  { method: 'DELETE', path: '/users/:id/sessions/:sessionId', ids: true },
  { method: 'POST', path: '/users/:id/resync', ids: true },
  { method: 'GET', path: '/users/:id/export', ids: true },
  { method: 'DELETE', path: '/users/:id', ids: true },
  { method: 'GET', path: '/audit', ids: false },
];

const stores = serversOnStores();
const ADAPTERS = stores.adapters;
afterAll(() => stores.close());

describe.each(ADAPTERS)('admin REST API /api/admin/v1 on $name', (adapter) => {
  let server: TestServer;
  let storeKind: string;
  let cleanup: () => Promise<void>;
  let admin: TokenPair;
  let alice: TestAccount;
  let bob: TestAccount;
  const sockets: RawSocket[] = [];

  const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
    request(server.url, method, `${BASE}${path}`, { token: admin.accessToken, ...options });
  const fill = (path: string, id: string, sessionId: string) =>
    path.replace(':id', id).replace(':sessionId', sessionId);
  const open = async (token: string) => {
    const socket = await connectRaw(server.url, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    ({ server, storeKind, cleanup } = await adapter.start());
    const adminAccount = await register(server.url, 'root@example.test');
    await server.accounts.setUserRole(adminAccount.tokens.user.id, 'admin');
    admin = await login(server.url, adminAccount);
    alice = await register(server.url, 'alice@example.test');
    bob = await register(server.url, 'bob@example.test');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await cleanup();
  });

  describe('negative tests for every route', () => {
    it.each(ROUTES)('$method $path without a token is 401 unauthorized', async ({ method, path }) => {
      const answer = await request(server.url, method, `${BASE}${fill(path, alice.tokens.user.id, 'x')}`);
      expect(answer).toMatchObject({ status: 401, body: { error: { reason: 'unauthorized' } } });
    });

    it.each(ROUTES)('$method $path with a non-admin token is 403 forbidden', async ({ method, path }) => {
      const sid = sessionIdOf(alice.tokens.accessToken);
      const answer = await call(method, fill(path, alice.tokens.user.id, sid), { token: bob.tokens.accessToken });
      expect(answer).toMatchObject({ status: 403, body: { error: { reason: 'forbidden' } } });
    });

    it.each(ROUTES.filter((r) => r.ids))(
      '$method $path on an id that does not exist is 404 not-found',
      async ({ method, path }) => {
        const answer = await call(method, fill(path, 'no-such-user', 'no-such-session'));
        expect(answer).toMatchObject({ status: 404, body: { error: { reason: 'not-found' } } });
      },
    );

    it('[BOLA] a session id of another user is 404 not-found, and that session stays alive', async () => {
      const bobSession = sessionIdOf(bob.tokens.accessToken);
      const answer = await call('DELETE', `/users/${alice.tokens.user.id}/sessions/${bobSession}`);
      expect(answer).toMatchObject({ status: 404, body: { error: { reason: 'not-found' } } });
      const socket = await open(bob.tokens.accessToken);
      expect(await emitRaw(socket, 'sync:pull', { collection: 'tasks', checkpoint: null, batchSize: 1 })).toMatchObject(
        { documents: [] },
      );
    });

    it.each(ROUTES)('$method $path with unknown body fields is 400 invalid-payload', async ({ method, path }) => {
      const sid = sessionIdOf(alice.tokens.accessToken);
      const answer = await call(method, fill(path, alice.tokens.user.id, sid), {
        body: { role: 'admin', disabled: false },
      });
      expect(answer).toMatchObject({ status: 400, body: { error: { reason: 'invalid-payload' } } });
      expect((await server.accounts.findUserById(alice.tokens.user.id))?.role).toBe('user');
    });

    it.each(ROUTES)('$method $path with limit over the cap is 400 invalid-payload', async ({ method, path }) => {
      const sid = sessionIdOf(alice.tokens.accessToken);
      const answer = await call(method, `${fill(path, alice.tokens.user.id, sid)}?limit=101`);
      expect(answer).toMatchObject({ status: 400, body: { error: { reason: 'invalid-payload' } } });
    });

    it('an operator object in a query is refused, never passed to a store filter', async () => {
      const answer = await call('GET', '/users?q[$ne]=x');
      expect(answer).toMatchObject({ status: 400, body: { error: { reason: 'invalid-payload' } } });
    });
  });

  describe('what each route does', () => {
    it('GET /stats counts users and documents, knows the store, and is cached for 10 s', async () => {
      const socket = await open(alice.tokens.accessToken);
      await emitRaw(socket, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: task('s1', 'counted') }] });
      const first = await call('GET', '/stats');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ users: 3, tasks: 1, lists: 0, store: storeKind, fanout: 'local' });
      expect((first.body as { devicesConnected: number }).devicesConnected).toBeGreaterThanOrEqual(1);
      expect((first.body as { lastMinute: { pushes: number } }).lastMinute.pushes).toBeGreaterThanOrEqual(1);
      const second = await call('GET', '/stats');
      expect((second.body as { generatedAt: number }).generatedAt).toBe(
        (first.body as { generatedAt: number }).generatedAt,
      );
    });

    it('GET /users pages by cursor and searches by email prefix', async () => {
      const page1 = await call('GET', '/users?limit=2');
      expect(page1.status).toBe(200);
      const body1 = page1.body as { items: { email: string }[]; nextCursor: string | null };
      expect(body1.items.map((u) => u.email)).toEqual(['alice@example.test', 'bob@example.test']);
      expect(body1.nextCursor).toEqual(expect.any(String));
      const page2 = (await call('GET', `/users?limit=2&cursor=${encodeURIComponent(body1.nextCursor!)}`)).body as {
        items: { email: string }[];
        nextCursor: string | null;
      };
      expect(page2).toMatchObject({ items: [{ email: 'root@example.test' }], nextCursor: null });
      expect((await call('GET', '/users?q=BO')).body).toMatchObject({ items: [{ email: 'bob@example.test' }] });
      expect(JSON.stringify(page1.body)).not.toMatch(/passwordHash|scrypt/);
    });

    it('GET /users/:id shows sessions with their device and counts and who is connected', async () => {
      const answer = await call('GET', `/users/${alice.tokens.user.id}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        user: { email: 'alice@example.test', role: 'user', disabled: false },
        counts: { tasks: 1, lists: 0 },
        sessions: [{ id: sessionIdOf(alice.tokens.accessToken), revokedAt: null }],
      });
      expect((answer.body as { connectedDevices: number }).connectedDevices).toBeGreaterThanOrEqual(1);
    });

    it('POST /users/:id/resync sends the devices sync:resync', async () => {
      const socket = await open(alice.tokens.accessToken);
      const told = new Promise((resolve) =>
        (socket as unknown as { once(e: string, f: (x: unknown) => void): void }).once('sync:resync', resolve),
      );
      const answer = await call('POST', `/users/${alice.tokens.user.id}/resync`);
      expect(answer.status).toBe(200);
      expect((answer.body as { devices: number }).devices).toBeGreaterThanOrEqual(1);
      expect(await told).toEqual({ reason: 'admin' });
    });

    it('GET /users/:id/export streams everything stored for the user as JSON', async () => {
      const answer = await call('GET', `/users/${alice.tokens.user.id}/export`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/application\/json/);
      expect(answer.body).toMatchObject({
        user: { email: 'alice@example.test' },
        tasks: [{ id: 's1', title: 'counted' }],
        lists: [],
      });
    });

    it('DELETE /users/:id/sessions/:sessionId signs that one device out everywhere, at once', async () => {
      const phone = await login(server.url, alice);
      const socket = await open(phone.accessToken);
      const closed = new Promise((resolve) => socket.once('disconnect', resolve));
      const answer = await call('DELETE', `/users/${alice.tokens.user.id}/sessions/${sessionIdOf(phone.accessToken)}`);
      expect(answer.status).toBe(204);
      expect(answer.body).toBeNull();
      await closed;
      await expect(connectRaw(server.url, phone.accessToken)).rejects.toMatchObject({ message: 'token-revoked' });
      expect(
        await request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: phone.refreshToken } }),
      ).toMatchObject({
        status: 401,
      });
      // Her other session is untouched.
      const other = await open(alice.tokens.accessToken);
      expect(other.connected).toBe(true);
    });

    it('POST /users/:id/disable revokes every session and disconnects every device; enable lets them sign in again', async () => {
      const carol = await register(server.url, 'carol@example.test');
      const socket = await open(carol.tokens.accessToken);
      const closed = new Promise((resolve) => socket.once('disconnect', resolve));
      const answer = await call('POST', `/users/${carol.tokens.user.id}/disable`, { body: { reason: 'abuse report' } });
      expect(answer).toMatchObject({ status: 200, body: { user: { disabled: true }, revokedSessions: 1 } });
      await closed;
      await expect(connectRaw(server.url, carol.tokens.accessToken)).rejects.toMatchObject({
        message: 'token-revoked',
      });
      expect(
        await request(server.url, 'POST', '/api/auth/login', {
          body: { email: carol.email, password: carol.password },
        }),
      ).toMatchObject({
        status: 403,
      });
      expect(
        await request(server.url, 'POST', '/api/auth/refresh', { body: { refreshToken: carol.tokens.refreshToken } }),
      ).toMatchObject({
        status: 401,
      });
      expect(await call('POST', `/users/${carol.tokens.user.id}/enable`)).toMatchObject({
        status: 200,
        body: { disabled: false },
      });
      await login(server.url, carol);
    });

    it('an admin cannot disable or erase their own account', async () => {
      expect(await call('POST', `/users/${admin.user.id}/disable`)).toMatchObject({ status: 403 });
      expect(await call('DELETE', `/users/${admin.user.id}`)).toMatchObject({ status: 403 });
    });

    it('DELETE /users/:id erases the account: devices told account:erased and disconnected, documents and sessions gone', async () => {
      const dave = await register(server.url, 'dave@example.test');
      const socket = await open(dave.tokens.accessToken);
      await emitRaw(socket, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: task('d1', 'private') }] });
      const told = new Promise((resolve) =>
        (socket as unknown as { once(e: string, f: (x: unknown) => void): void }).once('account:erased', resolve),
      );
      const closed = new Promise((resolve) => socket.once('disconnect', resolve));
      const answer = await call('DELETE', `/users/${dave.tokens.user.id}`);
      expect(answer.status).toBe(204);
      expect(await told).toEqual({ reason: 'account-erased' });
      await closed;
      expect(await server.accounts.findUserById(dave.tokens.user.id)).toBeUndefined();
      expect(await server.store.getDoc(dave.tokens.user.id, 'tasks', 'd1')).toBeUndefined();
      expect(await call('GET', `/users/${dave.tokens.user.id}`)).toMatchObject({ status: 404 });
      // A device that was offline learns it on its next contact, and wipes its local data.
      await expect(connectRaw(server.url, dave.tokens.accessToken)).rejects.toMatchObject({
        message: 'account-erased',
      });
      const audit = (await call('GET', '/audit?limit=100')).body as { items: { action: string; details: object }[] };
      const erase = audit.items.find((e) => e.action === 'user.erase');
      expect(erase).toMatchObject({ actorId: admin.user.id, details: {} });
      expect(JSON.stringify(audit)).not.toContain('dave@example.test');
    });

    it('GET /audit lists who did what to whom, newest first, by cursor', async () => {
      const page = (await call('GET', '/audit?limit=2')).body as {
        items: { action: string; actorId: string; at: number }[];
        nextCursor: string | null;
      };
      expect(page.items).toHaveLength(2);
      expect(page.items[0]!.at).toBeGreaterThanOrEqual(page.items[1]!.at);
      expect(page.items.every((e) => e.actorId === admin.user.id)).toBe(true);
      const next = (await call('GET', `/audit?limit=100&cursor=${encodeURIComponent(page.nextCursor!)}`)).body as {
        items: { action: string }[];
      };
      const actions = [...page.items, ...next.items].map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'user.resync',
          'user.export',
          'session.revoke',
          'user.disable',
          'user.enable',
          'user.erase',
        ]),
      );
    });

    it('a demoted admin loses the admin API at once, before the access token expires', async () => {
      const other = await register(server.url, 'ops@example.test');
      await server.accounts.setUserRole(other.tokens.user.id, 'admin');
      const ops = await login(server.url, other);
      expect((await call('GET', '/stats', { token: ops.accessToken })).status).toBe(200);
      await server.accounts.setUserRole(other.tokens.user.id, 'user');
      expect(await call('GET', '/stats', { token: ops.accessToken })).toMatchObject({ status: 403 });
    });
  });
});
