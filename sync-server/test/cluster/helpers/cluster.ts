import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { expect } from 'vitest';
import { createTask } from '@taskmaster/sync-client';
import { createDevice, eventually, type Account, type Device } from '../../helpers/device.js';
import { startInstance, TEST_METRICS_TOKEN, type Instance } from './instance.js';
import { startNginx, type TestNginx } from './nginx.js';
import { startRedis, type TestRedis } from './redis.js';
import { startMongoDouble, type MongoDouble } from '../../mongo-double/index.js';

export type ClusterStore = 'sqlite' | 'mongodb';

/**
 * The stores cluster tests run on: the shared SQLite file, and MongoDB - a real replica set when
 * MONGODB_URI is set (the GitHub workflow), otherwise the wire-protocol double in this process.
 */
export const CLUSTER_STORES: readonly { store: ClusterStore; label: string }[] = [
  { store: 'sqlite', label: 'sqlite (one shared file)' },
  {
    store: 'mongodb',
    label: process.env.MONGODB_URI ? 'mongodb (MONGODB_URI)' : 'mongodb (emulated replica set)',
  },
];

/**
 * The transaction lifetime limit docker-compose gives mongod (`transactionLifetimeLimitSeconds`):
 * how long a push transaction left open by a killed instance can block its scope. The emulated
 * replica set uses the same value.
 */
export const MONGO_TRANSACTION_LIFETIME_S = 10;

/** `uri` with its database name replaced (works for multi-host URIs, which URL cannot parse). */
const withDatabase = (uri: string, db: string) => uri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${db}`);

export interface Cluster {
  dir: string;
  redis: TestRedis;
  instances: Instance[];
  nginx?: TestNginx;
  store: ClusterStore;
  /** The emulated replica set, when the cluster runs on MongoDB without MONGODB_URI. */
  mongo?: MongoDouble;
  devices: Device[];
  /** The sequence numbers stored for a user's collection, read from the store itself, in order. */
  storedSeqs(userId: string, collection: 'tasks' | 'lists'): Promise<number[]>;
  /** Stops everything we started (devices, nginx, instances, redis), by PID, and deletes the temp dir. */
  dispose(): Promise<void>;
}

/**
 * `count` sync-server processes sharing one store (one SQLite file in DATA_DIR, or one MongoDB
 * replica set: emulated in this process, or MONGODB_URI) and one redis-server, optionally behind
 * nginx rendered from docker/nginx.conf. Everything listens on 127.0.0.1 or a unix socket.
 */
export async function startCluster(options: {
  instances: number;
  nginx?: boolean;
  env?: Record<string, string>;
  /** Default `sqlite`: one SQLite file shared by all instances. */
  store?: ClusterStore;
}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'taskmaster-cluster-'));
  const store = options.store ?? 'sqlite';
  const realMongo = process.env.MONGODB_URI;
  const mongoDb = `taskmaster_cluster_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  let mongoUri: string | undefined;
  const cluster: Cluster = {
    dir,
    redis: undefined as unknown as TestRedis,
    instances: [],
    store,
    devices: [],
    async storedSeqs(userId, collection) {
      if (store === 'sqlite') {
        const db = new Database(join(dir, 'data', 'taskmaster.sqlite'), { readonly: true, fileMustExist: true });
        try {
          return db
            .prepare<[string, string], { seq: number }>(
              'SELECT seq FROM documents WHERE scope = ? AND collection = ? ORDER BY seq',
            )
            .all(userId, collection)
            .map((row) => row.seq);
        } finally {
          db.close();
        }
      }
      const client = new MongoClient(mongoUri!);
      try {
        const rows = await client.db().collection(collection).find({ scope: userId }).sort({ seq: 1 }).toArray();
        return rows.map((row) => Number(row.seq));
      } finally {
        await client.close();
      }
    },
    async dispose() {
      // Devices first, but never let a stuck one keep our processes alive.
      const devicesClosed = Promise.allSettled(cluster.devices.splice(0).map((d) => d.close()));
      await Promise.race([devicesClosed, new Promise((resolve) => setTimeout(resolve, 5000))]);
      await Promise.allSettled([
        cluster.nginx?.stop(),
        ...cluster.instances.map((i) => i.child.stop('SIGKILL')),
        cluster.redis?.stop(),
      ]);
      if (realMongo && mongoUri) {
        const client = new MongoClient(mongoUri);
        await client
          .db()
          .dropDatabase()
          .finally(() => client.close());
      }
      await cluster.mongo?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    let env = options.env;
    if (store === 'mongodb') {
      if (!realMongo)
        cluster.mongo = await startMongoDouble({ transactionLifetimeLimitSeconds: MONGO_TRANSACTION_LIFETIME_S });
      mongoUri = withDatabase(realMongo ?? cluster.mongo!.uri, mongoDb);
      env = { MONGODB_URI: mongoUri, MONGODB_MIN_POOL_SIZE: '1', ...options.env };
    }
    cluster.redis = await startRedis(dir);
    const dataDir = join(dir, 'data');
    // The first instance creates the schema; the others then open the same file concurrently.
    cluster.instances.push(await startInstance({ name: 'instance-1', dataDir, redisUrl: cluster.redis.url, env }));
    const rest = await Promise.all(
      Array.from({ length: options.instances - 1 }, (_, i) =>
        startInstance({ name: `instance-${i + 2}`, dataDir, redisUrl: cluster.redis.url, env }),
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

/**
 * Runs one stage of a cluster test under its own deadline. A stage that hangs fails with its name
 * and each instance's last log lines, instead of the test running into its overall timeout with no
 * clue where it stood.
 */
export async function stage<T>(label: string, timeoutMs: number, run: () => Promise<T>, cluster?: Cluster): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const started = Date.now();
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const logs = (cluster?.instances ?? []).map(
        (instance, i) =>
          `--- instance ${i + 1} (${instance.url}), last lines:\n${instance.logs().slice(-12).join('\n')}`,
      );
      reject(new Error([`stage "${label}" not done after ${Date.now() - started} ms`, ...logs].join('\n')));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
