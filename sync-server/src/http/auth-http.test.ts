import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, TokenPair } from '@taskmaster/shared-schema';
import { AuthService } from '../auth/auth-service.js';
import { createAuthRouter, type AuthRouterOptions } from '../auth/auth-router.js';
import { requireAdmin, requireAuth } from '../auth/require-auth.js';
import { createSqliteAccountStore } from '../store/sqlite/sqlite-account-store.js';
import type { AccountStore } from '../store/account-store.js';
import { apiNotFound, createErrorHandler } from './errors.js';
import { createHealthRouter } from './health.js';

const logger = pino({ level: 'silent' });
const config = {
  jwtSecret: 'http-test-secret-0123456789abcdef0123456789',
  accessTokenTtlSeconds: 900,
  refreshTokenTtlSeconds: 3600,
};

interface Harness {
  url: string;
  store: AccountStore;
  setShuttingDown(value: boolean): void;
  close(): Promise<void>;
}

/** A small app wired like createServer does: health, auth under /api/auth, a protected route, 404 and errors. */
async function startApp(routerOptions: AuthRouterOptions = { pointsPerMinute: 0 }): Promise<Harness> {
  const store = createSqliteAccountStore({ file: ':memory:' });
  const auth = new AuthService({ store, config, logger, scryptParams: { N: 2 ** 10, r: 8, p: 1, keyLength: 32 } });
  let shuttingDown = false;
  const app = express();
  app.use(createHealthRouter({ store, isShuttingDown: () => shuttingDown, logger }));
  app.use('/api/auth', createAuthRouter(auth, routerOptions));
  app.get('/api/me', requireAuth(auth), (_req, res) => {
    res.json(res.locals.auth);
  });
  app.get('/api/admin/ping', requireAuth(auth), requireAdmin, (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/api/boom', () => {
    throw new Error('database password is hunter2');
  });
  app.use('/api', apiNotFound);
  app.use(createErrorHandler(logger));

  const server: Server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    setShuttingDown: (value) => {
      shuttingDown = value;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      await store.close();
    },
  };
}

function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function errorOf(res: Response): Promise<ErrorBody['error']> {
  const body = (await res.json()) as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  return body.error;
}

const alice = { email: 'alice@example.com', password: 'alice-password' };

describe('auth REST API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApp();
  });
  afterAll(async () => {
    await h.close();
  });

  let aliceTokens: TokenPair;

  it('POST /register answers 201 with a token pair, not cacheable', async () => {
    const res = await post(h.url, '/api/auth/register', alice);
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    aliceTokens = (await res.json()) as TokenPair;
    expect(aliceTokens.user).toMatchObject({ email: alice.email, role: 'user' });
    expect(typeof aliceTokens.accessToken).toBe('string');
    expect(aliceTokens.accessTokenExpiresAt).toBeGreaterThan(Date.now());
  });

  it('POST /register of an existing email answers 409 email-taken', async () => {
    const res = await post(h.url, '/api/auth/register', alice);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).reason).toBe('email-taken');
  });

  it('POST /login answers 200 for the right password and 401 invalid-credentials otherwise', async () => {
    const ok = await post(h.url, '/api/auth/login', alice);
    expect(ok.status).toBe(200);
    const wrong = await post(h.url, '/api/auth/login', { ...alice, password: 'wrong-password' });
    const unknown = await post(h.url, '/api/auth/login', { email: 'ghost@example.com', password: 'wrong-password' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await errorOf(wrong)).toEqual(await errorOf(unknown));
  });

  it.each([
    ['an unknown key', { ...alice, role: 'admin' }, /role|unrecognized/i],
    ['a missing password', { email: alice.email }, /password/],
    ['a short password', { email: alice.email, password: 'short' }, /password/],
    ['a bad email', { email: 'not-an-email', password: 'long-enough-pw' }, /email/],
    ['an operator object instead of a string', { email: { $ne: '' }, password: 'long-enough-pw' }, /email/],
    ['a non-object body', [1, 2, 3], /body/],
  ])('rejects %s with 400 invalid-payload naming the field', async (_name, body, field) => {
    const res = await post(h.url, '/api/auth/login', body);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.reason).toBe('invalid-payload');
    expect(error.message).toMatch(field);
  });

  it('rejects malformed JSON with 400 invalid-payload and a huge body with 413 payload-too-large', async () => {
    const malformed = await post(h.url, '/api/auth/login', '{"email": "a@b.c",');
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).reason).toBe('invalid-payload');
    const huge = await post(h.url, '/api/auth/login', { email: alice.email, password: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).reason).toBe('payload-too-large');
  });

  it('POST /refresh rotates; replaying the old token answers 401 token-revoked and kills the chain', async () => {
    const { refreshToken } = (await (await post(h.url, '/api/auth/login', alice)).json()) as TokenPair;
    const rotated = await post(h.url, '/api/auth/refresh', { refreshToken });
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as TokenPair;
    expect(next.refreshToken).not.toBe(refreshToken);

    const replay = await post(h.url, '/api/auth/refresh', { refreshToken });
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).reason).toBe('token-revoked');
    const afterReplay = await post(h.url, '/api/auth/refresh', { refreshToken: next.refreshToken });
    expect((await errorOf(afterReplay)).reason).toBe('token-revoked');
  });

  it('POST /logout answers 204 and the token no longer refreshes', async () => {
    const { refreshToken } = (await (await post(h.url, '/api/auth/login', alice)).json()) as TokenPair;
    const res = await post(h.url, '/api/auth/logout', { refreshToken });
    expect(res.status).toBe(204);
    const refresh = await post(h.url, '/api/auth/refresh', { refreshToken });
    expect(refresh.status).toBe(401);
  });

  describe('requireAuth and requireAdmin', () => {
    it('admits a valid bearer token and exposes the caller', async () => {
      const res = await fetch(`${h.url}/api/me`, { headers: { authorization: `Bearer ${aliceTokens.accessToken}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ userId: aliceTokens.user.id, role: 'user' });
    });

    it.each([
      ['no header', undefined],
      ['a non-bearer scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['a garbage token', 'Bearer not.a.token'],
    ])('rejects %s with 401 unauthorized', async (_name, authorization) => {
      const res = await fetch(`${h.url}/api/me`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await errorOf(res)).reason).toBe('unauthorized');
    });

    it('rejects a non-admin on an admin route with 403 forbidden and admits an admin', async () => {
      const asUser = await fetch(`${h.url}/api/admin/ping`, {
        headers: { authorization: `Bearer ${aliceTokens.accessToken}` },
      });
      expect(asUser.status).toBe(403);
      expect((await errorOf(asUser)).reason).toBe('forbidden');

      const registered = (await (
        await post(h.url, '/api/auth/register', { email: 'admin@example.com', password: 'admin-password' })
      ).json()) as TokenPair;
      // [S7] registering with an admin-looking email gives no admin role; the CLI grants it.
      expect(registered.user.role).toBe('user');
      await h.store.setUserRole(registered.user.id, 'admin');
      const admin = (await (
        await post(h.url, '/api/auth/login', { email: 'admin@example.com', password: 'admin-password' })
      ).json()) as TokenPair;
      expect(admin.user.role).toBe('admin');
      const asAdmin = await fetch(`${h.url}/api/admin/ping`, {
        headers: { authorization: `Bearer ${admin.accessToken}` },
      });
      expect(asAdmin.status).toBe(200);
    });
  });

  describe('error middleware', () => {
    it('answers unknown /api routes with 404 not-found', async () => {
      const res = await fetch(`${h.url}/api/nope?x=1`);
      expect(res.status).toBe(404);
      const error = await errorOf(res);
      expect(error.reason).toBe('not-found');
      expect(error.message).toContain('GET /api/nope');
    });

    it('answers unexpected errors with 500 internal and leaks nothing', async () => {
      const res = await fetch(`${h.url}/api/boom`);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: { reason: 'internal', message: 'Internal server error' } });
      expect(text).not.toContain('hunter2');
    });
  });

  describe('health', () => {
    afterEach(() => {
      h.setShuttingDown(false);
    });

    it('GET /healthz answers ok', async () => {
      const res = await fetch(`${h.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });

    it('GET /readyz answers ready, and 503 while shutting down', async () => {
      expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
      h.setShuttingDown(true);
      const res = await fetch(`${h.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ reason: 'shutting-down' });
    });
  });
});

describe('auth rate limiting', () => {
  it('answers 429 rate-limited with Retry-After once an IP exceeds its budget', async () => {
    const h = await startApp({ rateLimiter: new RateLimiterMemory({ points: 3, duration: 60 }) });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(h.url, '/api/auth/login', alice)).status);
      expect(statuses).toEqual([401, 401, 401]);
      const limited = await post(h.url, '/api/auth/login', alice);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await errorOf(limited)).reason).toBe('rate-limited');
      // Logout is not limited: a device must always be able to sign out.
      expect((await post(h.url, '/api/auth/logout', { refreshToken: 'A'.repeat(43) })).status).toBe(204);
    } finally {
      await h.close();
    }
  });
});

describe('readiness with a failing store', () => {
  it('GET /readyz answers 503 store-unavailable when the store does not answer', async () => {
    const h = await startApp();
    try {
      await h.store.close();
      const res = await fetch(`${h.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable', reason: 'store-unavailable' });
      expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
