import type { ChangeEvent } from '@taskmaster/shared-schema';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTask, updateTask } from '@taskmaster/sync-client';
import { countDevices, disconnectUser, listDevices } from '../../src/fanout/cluster-ops.js';
import { createLocalFanout, type Fanout } from '../../src/fanout/fanout.js';
import { createRedisFanout, redisConnectionOptions } from '../../src/fanout/redis-fanout.js';
import { createRedisAuthRateLimiter, createRedisEventRateLimiter } from '../../src/replication/rate-limiters.js';
import { createDevice, eventually, registerAccount, type Device } from '../helpers/device.js';
import { mulberry32 as prng } from '@taskmaster/shared-schema/testing';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { missingBinaries } from './helpers/processes.js';
import { startRedis, type TestRedis } from './helpers/redis.js';

/**
 * Wraps a Fanout so that each message is, by a seeded draw, lost, duplicated, or delayed long
 * enough to overtake later ones (out of order). `healthy()` turns the faults off.
 */
function faultyFanout(inner: Fanout, seed: number): Fanout & { healthy(): void; stats: Record<string, number> } {
  const random = prng(seed);
  let faults = true;
  const stats = { lost: 0, duplicated: 0, reordered: 0, delivered: 0 };
  return {
    kind: inner.kind,
    stats,
    healthy: () => void (faults = false),
    attach: (io) => inner.attach(io),
    close: () => inner.close(),
    publish(userId: string, event: ChangeEvent) {
      if (!faults) return inner.publish(userId, event);
      const roll = random();
      if (roll < 0.25) {
        stats.lost += 1;
        return;
      }
      if (roll < 0.4) {
        stats.duplicated += 1;
        inner.publish(userId, event);
        setTimeout(() => inner.publish(userId, event), random() * 40);
        return;
      }
      if (roll < 0.65) {
        stats.reordered += 1;
        setTimeout(() => inner.publish(userId, event), 20 + random() * 60);
        return;
      }
      stats.delivered += 1;
      inner.publish(userId, event);
    },
  };
}

describe('fan-out faults (in-process server)', () => {
  const devices: Device[] = [];
  let server: TestServer | undefined;
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.close()));
    await server?.dispose();
    server = undefined;
  });

  for (const seed of [1, 7, 42]) {
    it(`[R3] lost, duplicated and out-of-order fan-out messages: devices still converge (seed ${seed})`, async () => {
      const fanout = faultyFanout(createLocalFanout(), seed);
      server = await startTestServer({ fanout });
      const account = await registerAccount(server.url);
      for (const name of ['a', 'b', 'c']) {
        const device = await createDevice(server.url, account, name);
        devices.push(device);
        await device.goOnline();
      }
      const random = prng(seed * 31);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const device = devices[Math.floor(random() * devices.length)]!;
        if (ids.length > 0 && random() < 0.4) {
          await updateTask(device.db, device.clock, ids[Math.floor(random() * ids.length)]!, {
            title: `edit ${i} by ${device.name}`,
          }).catch(
            () => undefined, // not arrived on this device yet
          );
        } else {
          ids.push((await createTask(device.db, device.clock, { title: `task ${i}` })).id);
        }
        await new Promise((resolve) => setTimeout(resolve, random() * 15));
      }
      expect(fanout.stats.lost + fanout.stats.reordered).toBeGreaterThan(0);
      // One last, delivered change: every device sees a gap or a sequence it has not seen, and pulls.
      fanout.healthy();
      const last = await createTask(devices[0]!.db, devices[0]!.clock, { title: 'last' });
      ids.push(last.id);
      await eventually(async () => {
        const states = await Promise.all(devices.map((d) => d.tasks()));
        expect(states[0]!.map((t) => t.id)).toEqual([...ids].sort());
        for (const state of states.slice(1)) expect(state).toEqual(states[0]);
      }, 15_000);
    });
  }
});

const skip = missingBinaries('redis-server');

describe.skipIf(skip)(
  'Redis fan-out, cluster-wide operations and shared limits (in-process servers, own redis-server)',
  () => {
    let dir: string;
    let redis: TestRedis;
    const clients: Redis[] = [];
    const servers: TestServer[] = [];
    const sockets: Socket[] = [];
    const devices: Device[] = [];
    const client = (role: 'pub' | 'sub') => {
      const c = new Redis(redisConnectionOptions(redis.url, role));
      c.on('error', () => undefined); // outages are part of these tests
      clients.push(c);
      return c;
    };
    const redisServer = async (dataDir?: string) => {
      const pub = client('pub');
      const sub = client('sub');
      const fanout = createRedisFanout({ pub, sub, currentSeq: async () => 0 });
      const server = await startTestServer({ fanout, dataDir });
      servers.push(server);
      return server;
    };
    const connectRaw = (url: string, token: string) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connectSocket(url, { transports: ['websocket'], reconnection: false, auth: { token } });
        sockets.push(socket);
        socket.on('connect', () => resolve(socket));
        socket.on('connect_error', reject);
      });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'taskmaster-redis-'));
      redis = await startRedis(dir);
    });
    afterEach(async () => {
      await Promise.all(devices.splice(0).map((d) => d.close()));
      sockets.splice(0).forEach((s) => s.close());
      for (const server of servers.splice(0).reverse()) await server.stop();
      await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    });
    afterAll(async () => {
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('countDevices / listDevices / disconnectUser see every instance, and also work with the local adapter', async () => {
      const one = await redisServer();
      const two = await redisServer(one.dataDir);
      const alice = await registerAccount(one.url);
      const bob = await registerAccount(one.url);
      const a1 = await connectRaw(one.url, alice.tokens.accessToken);
      await connectRaw(two.url, alice.tokens.accessToken);
      await connectRaw(two.url, bob.tokens.accessToken);

      expect(await countDevices(one.server.io, alice.tokens.user.id)).toBe(2);
      expect(await countDevices(two.server.io)).toBe(3);
      expect((await listDevices(one.server.io, bob.tokens.user.id)).map((d) => d.userId)).toEqual([bob.tokens.user.id]);

      const closed = new Promise<string>((resolve) => a1.on('disconnect', (reason) => resolve(reason)));
      expect(await disconnectUser(two.server.io, alice.tokens.user.id)).toBe(2);
      expect(await closed).toBe('io server disconnect');
      await eventually(async () => expect(await countDevices(one.server.io)).toBe(1));

      const local = await startTestServer();
      servers.push(local);
      await connectRaw(local.url, (await registerAccount(local.url)).tokens.accessToken);
      expect(await countDevices(local.server.io)).toBe(1);
    });

    it('cluster presence fails with 503 while Redis is unreachable, instead of a partial answer', async () => {
      const one = await redisServer();
      await redisServer(one.dataDir);
      await redis.stop();
      try {
        await expect(countDevices(one.server.io)).rejects.toMatchObject({ reason: 'internal', status: 503 });
      } finally {
        await redis.restart();
      }
    });

    it('[R6] rate-limit counters are shared by all instances and fall back to memory while Redis is down', async () => {
      // Two instances' auth limiters: 3 attempts per minute in total, not per instance.
      const prefix = `test:auth:${Date.now()}`;
      const first = createRedisAuthRateLimiter(client('pub'), 3, prefix);
      const second = createRedisAuthRateLimiter(client('pub'), 3, prefix);
      await eventually(() => expect(clients.every((c) => c.status === 'ready')).toBe(true));
      await first.consume('203.0.113.7');
      await second.consume('203.0.113.7');
      await first.consume('203.0.113.7');
      await expect(second.consume('203.0.113.7')).rejects.toBeInstanceOf(RateLimiterRes);

      const events = createRedisEventRateLimiter(clients[0]!, `test:events:${Date.now()}`);
      await expect(events.consume('socket-1')).resolves.toBeInstanceOf(RateLimiterRes);
      await redis.stop();
      try {
        // Redis unreachable: the insurance limiter answers (a verdict, never a store error).
        await expect(events.consume('socket-1')).resolves.toBeInstanceOf(RateLimiterRes);
        await expect(first.consume('198.51.100.1')).resolves.toBeInstanceOf(RateLimiterRes);
      } finally {
        await redis.restart();
      }
    });

    it('[R1] graceful close: refuses new connections, finishes the in-flight push, then tells devices to reconnect', async () => {
      const server = await startTestServer();
      servers.push(server);
      const account = await registerAccount(server.url);
      // Make pushes slow, so one is in flight when shutdown starts.
      const applyPush = server.store.applyPush.bind(server.store);
      server.store.applyPush = async (...args) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return applyPush(...args);
      };
      const socket = await connectRaw(server.url, account.tokens.accessToken);
      const told = new Promise((resolve) => socket.on('sync:reconnect' as never, resolve));
      const device = await createDevice(server.url, account, 'writer');
      devices.push(device);
      const task = await createTask(device.db, device.clock, { title: 'in flight' });
      const doc = { ...(await device.db.tasks.findOne(task.id).exec())!.toMutableJSON(), _deleted: false };
      const ack = socket
        .timeout(5000)
        .emitWithAck('sync:push', { collection: 'tasks', rows: [{ newDocumentState: doc, assumedMasterState: null }] });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closing = server.server.close();
      await expect(connectRaw(server.url, account.tokens.accessToken)).rejects.toThrow(
        /server-shutting-down|websocket error/,
      );
      expect(await ack).toMatchObject({ conflicts: [] });
      await told;
      await closing;
      expect((await server.store.getDoc(account.tokens.user.id, 'tasks', task.id))?.doc.title).toBe('in flight');
    });
  },
);
