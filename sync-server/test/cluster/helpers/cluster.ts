import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createTask } from '@taskmaster/sync-client';
import { createDevice, eventually, type Account, type Device } from '../../helpers/device.js';
import { startInstance, TEST_METRICS_TOKEN, type Instance } from './instance.js';
import { startNginx, type TestNginx } from './nginx.js';
import { startRedis, type TestRedis } from './redis.js';

export interface Cluster {
  dir: string;
  redis: TestRedis;
  instances: Instance[];
  nginx?: TestNginx;
  devices: Device[];
  /** Stops everything we started (devices, nginx, instances, redis), by PID, and deletes the temp dir. */
  dispose(): Promise<void>;
}

/**
 * `count` sync-server processes sharing one SQLite file (DATA_DIR) and one redis-server, optionally
 * behind nginx rendered from docker/nginx.conf. Everything listens on 127.0.0.1 or a unix socket.
 */
export async function startCluster(options: {
  instances: number;
  nginx?: boolean;
  env?: Record<string, string>;
}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'taskmaster-cluster-'));
  const cluster: Cluster = {
    dir,
    redis: undefined as unknown as TestRedis,
    instances: [],
    devices: [],
    async dispose() {
      // Devices first, but never let a stuck one keep our processes alive.
      const devicesClosed = Promise.allSettled(cluster.devices.splice(0).map((d) => d.close()));
      await Promise.race([devicesClosed, new Promise((resolve) => setTimeout(resolve, 5000))]);
      await Promise.allSettled([
        cluster.nginx?.stop(),
        ...cluster.instances.map((i) => i.child.stop('SIGKILL')),
        cluster.redis?.stop(),
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    cluster.redis = await startRedis(dir);
    const dataDir = join(dir, 'data');
    // The first instance creates the schema; the others then open the same file concurrently.
    cluster.instances.push(
      await startInstance({ name: 'instance-1', dataDir, redisUrl: cluster.redis.url, env: options.env }),
    );
    const rest = await Promise.all(
      Array.from({ length: options.instances - 1 }, (_, i) =>
        startInstance({ name: `instance-${i + 2}`, dataDir, redisUrl: cluster.redis.url, env: options.env }),
      ),
    );
    cluster.instances.push(...rest);
    if (options.nginx)
      cluster.nginx = await startNginx(
        join(dir, 'nginx'),
        cluster.instances.map((i) => i.address),
      );
  } catch (error) {
    await cluster.dispose();
    throw error;
  }
  return cluster;
}

/** A device signed in at `url` and replicating live with `syncUrl` (defaults to `url`). */
export async function onlineDevice(
  cluster: Cluster,
  url: string,
  account: Account,
  name: string,
  syncUrl = url,
): Promise<Device> {
  const device = await createDevice(url, account, name);
  cluster.devices.push(device);
  await device.goOnline({ url: syncUrl });
  await device.sync!.awaitInSync();
  return device;
}

/** Creates `count` tasks one after another and resolves with their ids (each id is known once written locally). */
export async function writeTasks(device: Device, count: number, prefix: string, gapMs = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const task = await createTask(device.db, device.clock, { title: `${prefix} ${i}` });
    ids.push(task.id);
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return ids;
}

/** Every device ends up with exactly `ids` (no more, no fewer) and identical documents. */
export async function expectConverged(devices: Device[], ids: string[], timeoutMs = 20_000): Promise<void> {
  const expected = [...ids].sort();
  await eventually(async () => {
    const states = await Promise.all(devices.map((d) => d.tasks()));
    for (const [i, tasks] of states.entries()) {
      expect(
        tasks.map((t) => t.id),
        `device ${devices[i]!.name}`,
      ).toEqual(expected);
    }
    for (const tasks of states.slice(1)) expect(tasks).toEqual(states[0]);
  }, timeoutMs);
}

/** How many live sockets each instance holds, from its `/metrics`. */
export async function connectionsPerInstance(instances: Instance[]): Promise<number[]> {
  return Promise.all(
    instances.map(async (instance) => {
      const headers = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };
      const text = await (await fetch(`${instance.url}/metrics`, { headers })).text();
      const match = /^taskmaster_connected_sockets(?:\{[^}]*\})? (\d+)/m.exec(text);
      return match ? Number(match[1]) : 0;
    }),
  );
}
