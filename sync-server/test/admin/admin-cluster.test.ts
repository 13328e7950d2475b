import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenPair } from '@taskmaster/shared-schema';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisActivity, createRedisCache } from '../../src/admin/activity.js';
import { createRedisRevokedSessionStore } from '../../src/auth/session-revocations.js';
import { createRedisFanout, redisConnectionOptions } from '../../src/fanout/redis-fanout.js';
import { missingBinaries } from '../cluster/helpers/processes.js';
import { startRedis, type TestRedis } from '../cluster/helpers/redis.js';
import { connectRaw, emitRaw, type RawSocket } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, register, request } from '../security/helpers.js';
import { taskDoc } from '../store/doc-fixtures.js';

const skip = missingBinaries('redis-server');

describe.skipIf(skip)('admin API across instances (two servers, one Redis, one store file)', () => {
  let dir: string;
  let redis: TestRedis;
  const clients: Redis[] = [];
  const servers: TestServer[] = [];
  const sockets: RawSocket[] = [];
  let admin: TokenPair;

  async function instance(): Promise<TestServer> {
    const pub = new Redis(redisConnectionOptions(redis.url, 'pub'));
    const sub = new Redis(redisConnectionOptions(redis.url, 'sub'));
    clients.push(pub, sub);
    const server = await startTestServer({
      dataDir: dir,
      fanout: createRedisFanout({ pub, sub, currentSeq: async () => 0 }),
      deps: {
        revokedSessions: createRedisRevokedSessionStore(pub),
        activity: createRedisActivity(pub, { flushMs: 50 }),
        cache: createRedisCache(pub),
      },
    });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'taskmaster-admin-cluster-'));
    redis = await startRedis(dir);
    const a = await instance();
    await instance();
    const root = await register(a.url);
    await a.accounts.setUserRole(root.tokens.user.id, 'admin');
    admin = await login(a.url, root);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    for (const server of servers) await server.stop();
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /stats counts devices and pushes on every instance, and both instances serve the same cached answer', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const user = await register(a.url);
    const onA = await connectRaw(a.url, user.tokens.accessToken);
    const onB = await connectRaw(b.url, (await login(a.url, user)).accessToken);
    sockets.push(onA, onB);
    await emitRaw(onA, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: taskDoc('c1') }] });
    await emitRaw(onB, 'sync:push', { collection: 'tasks', rows: [{ newDocumentState: taskDoc('c2') }] });
    // Each instance flushes its counts to Redis every 50 ms here (1 s in production).
    const probe = createRedisActivity(clients[0]!, { flushMs: 60_000 });
    await expect.poll(async () => (await probe.totals(1)).push).toBe(2);
    await probe.close();
    const fromB = await request(b.url, 'GET', '/api/admin/v1/stats', { token: admin.accessToken });
    expect(fromB.body).toMatchObject({ devicesConnected: 2, tasks: 2, fanout: 'redis', lastMinute: { pushes: 2 } });
    const fromA = await request(a.url, 'GET', '/api/admin/v1/stats', { token: admin.accessToken });
    expect((fromA.body as { generatedAt: number }).generatedAt).toBe(
      (fromB.body as { generatedAt: number }).generatedAt,
    );
  });

  it('disabling a user on instance A disconnects their devices on instance B', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const user = await register(a.url);
    const onB = await connectRaw(b.url, user.tokens.accessToken);
    const closed = new Promise((resolve) => onB.once('disconnect', resolve));
    const answer = await request(a.url, 'POST', `/api/admin/v1/users/${user.tokens.user.id}/disable`, {
      token: admin.accessToken,
      body: {},
    });
    expect(answer).toMatchObject({ status: 200, body: { disconnected: 1 } });
    await closed;
    await expect(connectRaw(b.url, user.tokens.accessToken)).rejects.toMatchObject({ message: 'token-revoked' });
  });
});
