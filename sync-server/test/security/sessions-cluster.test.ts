import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRevokedSessionStore } from '../../src/auth/session-revocations.js';
import { createRedisFanout, redisConnectionOptions } from '../../src/fanout/redis-fanout.js';
import { missingBinaries } from '../cluster/helpers/processes.js';
import { startRedis, type TestRedis } from '../cluster/helpers/redis.js';
import { connectRaw, emitRaw } from '../helpers/raw-socket.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { login, refusal, register, request } from './helpers.js';

const skip = missingBinaries('redis-server');
const pull = { collection: 'tasks', checkpoint: null, batchSize: 1 };

describe.skipIf(skip)('[S1] a session ends on every instance (two servers, one Redis, one store file)', () => {
  let dir: string;
  let redis: TestRedis;
  const clients: Redis[] = [];
  const servers: TestServer[] = [];

  async function instance(): Promise<TestServer> {
    const pub = new Redis(redisConnectionOptions(redis.url, 'pub'));
    const sub = new Redis(redisConnectionOptions(redis.url, 'sub'));
    clients.push(pub, sub);
    const server = await startTestServer({
      dataDir: dir,
      fanout: createRedisFanout({ pub, sub, currentSeq: async () => 0 }),
      deps: { revokedSessions: createRedisRevokedSessionStore(pub), revocationSweepMs: 100 },
    });
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'taskmaster-sessions-cluster-'));
    redis = await startRedis(dir);
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('[S1] logout on instance A closes the device’s socket on instance B, and B refuses its token', async () => {
    const a = await instance();
    const b = await instance();
    const account = await register(a.url);
    const phone = await login(a.url, account);
    const onB = await connectRaw(b.url, phone.accessToken);
    const laptopOnB = await connectRaw(b.url, account.tokens.accessToken);
    const closed = new Promise((resolve) => onB.once('disconnect', resolve));

    expect(
      (await request(a.url, 'POST', '/api/auth/logout', { body: { refreshToken: phone.refreshToken } })).status,
    ).toBe(204);
    await closed;
    expect((await refusal(connectRaw(b.url, phone.accessToken))).message).toBe('token-revoked');
    // B learnt the id too (server-side event), for sockets its disconnect might have missed.
    const sid = JSON.parse(Buffer.from(phone.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string };
    await expect.poll(() => b.server.revocations.isRevokedNow(sid.sid)).toBe(true);
    expect(await emitRaw(laptopOnB, 'sync:pull', pull)).toMatchObject({ documents: [] });
    laptopOnB.disconnect();
  });

  it('[S1] a revocation whose broadcast was lost still closes the socket: the sweep reads Redis', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const user = await register(a.url);
    const onB = await connectRaw(b.url, user.tokens.accessToken);
    const closed = new Promise((resolve) => onB.once('disconnect', resolve));
    const sid = (
      JSON.parse(Buffer.from(user.tokens.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }
    ).sid;
    // Only the shared store learns of it: no server-side event, no cluster-wide disconnect.
    await createRedisRevokedSessionStore(clients[0]!).add(sid, 60_000);
    await closed;
    expect(b.server.revocations.isRevokedNow(sid)).toBe(true);
  });

  it('[S1] an admin signing a device out on instance A ends it on instance B at once', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const root = await register(a.url);
    await a.accounts.setUserRole(root.tokens.user.id, 'admin');
    const admin = await login(a.url, root);
    const user = await register(a.url);
    const onB = await connectRaw(b.url, user.tokens.accessToken);
    const closed = new Promise((resolve) => onB.once('disconnect', resolve));
    const sid = (
      JSON.parse(Buffer.from(user.tokens.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }
    ).sid;
    const answer = await request(a.url, 'DELETE', `/api/admin/v1/users/${user.tokens.user.id}/sessions/${sid}`, {
      token: admin.accessToken,
    });
    expect(answer.status).toBe(204);
    await closed;
    expect((await refusal(connectRaw(b.url, user.tokens.accessToken))).message).toBe('token-revoked');
  });
});
