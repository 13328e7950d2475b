import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { openMongoStores } from '../../src/store/mongo/mongo-stores.js';
import { MongoReplicaSetRequiredError } from '../../src/store/store-errors.js';
import { DIST_MAIN, ensureBuilt, startInstance, TEST_JWT_SECRET } from '../cluster/helpers/instance.js';
import { spawnChild } from '../cluster/helpers/processes.js';
import { startMongoDouble } from '../mongo-double/index.js';
import { freshMongoStores, sharedDouble, TEST_POOL } from './mongo-fixture.js';

const shared = sharedDouble();
afterAll(() => shared.close());

describe('MongoStore start-up and filters: mongodb (emulated replica set)', () => {
  it('reads the pool settings from config, with defaults maxPoolSize 50, minPoolSize 10, socketTimeoutMS 45000', () => {
    expect(loadConfig({}).mongo).toEqual({ maxPoolSize: 50, minPoolSize: 10, socketTimeoutMS: 45_000 });
    expect(
      loadConfig({ MONGODB_MAX_POOL_SIZE: '8', MONGODB_MIN_POOL_SIZE: '20', MONGODB_SOCKET_TIMEOUT_MS: '1000' }).mongo,
    ).toEqual({ maxPoolSize: 8, minPoolSize: 8, socketTimeoutMS: 1000 });
    expect(() => loadConfig({ MONGODB_MAX_POOL_SIZE: '0' })).toThrow(/MONGODB_MAX_POOL_SIZE/);
  });

  it('refuses a standalone server, saying that transactions need a replica set', async () => {
    const standalone = await startMongoDouble({ replicaSet: null });
    try {
      const opening = openMongoStores({ uri: standalone.uri, ...TEST_POOL, serverSelectionTimeoutMS: 5000 });
      await expect(opening).rejects.toBeInstanceOf(MongoReplicaSetRequiredError);
      await expect(opening).rejects.toThrow(/transactions need a replica set/);
    } finally {
      await standalone.close();
    }
  });

  it(
    'the server process exits with that message when MONGODB_URI names a standalone server',
    { timeout: 150_000 },
    async () => {
      await ensureBuilt();
      const standalone = await startMongoDouble({ replicaSet: null });
      const dir = mkdtempSync(join(tmpdir(), 'taskmaster-standalone-'));
      try {
        const child = spawnChild(process.execPath, [DIST_MAIN], {
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'test',
            LOG_LEVEL: 'silent',
            HOST: '127.0.0.1',
            PORT: '0',
            DATA_DIR: dir,
            JWT_SECRET: TEST_JWT_SECRET,
            MONGODB_URI: standalone.uri,
          },
        });
        const exit = await child.exited;
        expect(exit.code).toBe(1);
        expect(child.output.join('\n')).toMatch(/transactions need a replica set/);
      } finally {
        await standalone.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    'with MONGODB_URI set, the server says it stores in MongoDB, and a registered account is there',
    { timeout: 150_000 },
    async () => {
      const double = await shared.get();
      const dir = mkdtempSync(join(tmpdir(), 'taskmaster-mongo-main-'));
      const instance = await startInstance({
        name: 'mongo-main',
        dataDir: dir,
        env: { MONGODB_URI: double.uri.replace('/taskmaster?', '/taskmaster_main?'), LOG_LEVEL: 'info' },
      });
      try {
        const listening = instance.logs().find((l) => l.includes('TaskMaster listening'))!;
        expect(JSON.parse(listening)).toMatchObject({ store: 'mongodb' });
        const response = await fetch(`${instance.url}/api/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'mongo-main@example.com', password: 'correct horse battery staple 42' }),
        });
        expect(response.status).toBe(201);
        const { MongoClient } = await import('mongodb');
        const client = new MongoClient(double.uri);
        const user = await client
          .db('taskmaster_main')
          .collection('users')
          .findOne({ email: 'mongo-main@example.com' });
        await client.close();
        expect(user).toMatchObject({ email: 'mongo-main@example.com', role: 'user' });
      } finally {
        await instance.signal('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('uses the database named in MONGODB_URI, and `taskmaster` when the URI names none', async () => {
    const double = await shared.get();
    const bare = double.uri.replace('/taskmaster?', '/?');
    const stores = await openMongoStores({ uri: bare, ...TEST_POOL });
    try {
      await stores.accounts.createUser({ email: 'default-db@example.com', passwordHash: 'h', role: 'user' });
    } finally {
      await stores.close();
    }
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(double.uri);
    try {
      expect(
        await client.db('taskmaster').collection('users').countDocuments({ email: 'default-db@example.com' }),
      ).toBe(1);
      expect(await client.db('test').collection('users').countDocuments({})).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('no value from a request reaches a filter as an object: the builders refuse operator objects', async () => {
    const { stores, cleanup } = await freshMongoStores((await shared.get()).uri);
    try {
      await stores.accounts.createUser({ email: 'victim@example.com', passwordHash: 'h', role: 'user' });
      const injected = { $ne: '' } as unknown as string;
      await expect(stores.accounts.findUserByEmail(injected)).rejects.toMatchObject({ reason: 'invalid-payload' });
      await expect(stores.accounts.findUserById(injected)).rejects.toMatchObject({ reason: 'invalid-payload' });
      await expect(stores.accounts.isSessionRevoked(injected)).rejects.toMatchObject({ reason: 'invalid-payload' });
      await expect(stores.documents.pull(injected, 'tasks', 0, 10)).rejects.toMatchObject({
        reason: 'invalid-payload',
      });
      await expect(stores.documents.pull('u1', 'tasks', { $gt: -1 } as unknown as number, 10)).rejects.toMatchObject({
        reason: 'invalid-payload',
      });
      await expect(stores.documents.getDoc('u1', 'tasks', injected)).rejects.toMatchObject({
        reason: 'invalid-payload',
      });
    } finally {
      await cleanup();
    }
  });
});
