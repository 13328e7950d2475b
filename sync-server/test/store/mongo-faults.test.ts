import { MongoClient } from 'mongodb';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DocumentStore } from '../../src/store/document-store.js';
import type { Stores } from '../../src/store/open-stores.js';
import { inTransaction, onCollection, startMongoDouble, type MongoDouble } from '../mongo-double/index.js';
import { realMerge, rows, taskDoc } from './doc-fixtures.js';
import { freshMongoStores, sharedDouble } from './mongo-fixture.js';

// Faults injected into the emulated replica set under MongoStore: what a push does when the
// transaction is aborted, conflicts, or loses its connection. Beyond the contract suite.
const shared = sharedDouble();
afterAll(() => shared.close());

describe('MongoStore under injected faults: mongodb (emulated replica set)', () => {
  let double: MongoDouble;
  let stores: Stores;
  let store: DocumentStore;
  let registry: Registry;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    double = await shared.get();
    registry = new Registry();
    ({ stores, cleanup } = await freshMongoStores(double.uri, { registry }));
    store = stores.documents;
  });
  afterEach(async () => {
    double.engine.faults.clear();
    await cleanup();
  });

  const retries = async () => {
    const metric = (await registry.getMetricsAsJSON()).find(
      (m) => m.name === 'taskmaster_store_transaction_retries_total',
    );
    return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };
  const push = (...ids: string[]) =>
    store.applyPush('u1', 'tasks', rows(...ids.map((id) => taskDoc(id))), realMerge('tasks'));
  const seqsInStore = async () => (await store.pull('u1', 'tasks', 0, 1000)).map((r) => [r.seq, r.doc.id]);

  it('[R1][R2] a transaction aborted in the middle of a push leaves nothing behind', async () => {
    await push('a');
    // The documents are written, then the counter update fails: the server aborts the transaction.
    const fault = double.engine.faults.add({
      command: 'update',
      when: (body) => inTransaction(body) && onCollection('counters')(body),
      action: { kind: 'error', code: 2, codeName: 'BadValue', message: 'injected abort' },
    });
    await expect(push('b', 'c')).rejects.toThrow('injected abort');
    expect(fault.fired()).toBe(1);
    expect(await store.currentSeq('u1', 'tasks')).toBe(1);
    expect(await store.getDoc('u1', 'tasks', 'b')).toBeUndefined();
    expect(await seqsInStore()).toEqual([[1, 'a']]);
    // Nothing was retried (not a transient error), and the store goes on from where it was.
    expect(await retries()).toBe(0);
    expect((await push('d')).changed.map((c) => c.seq)).toEqual([2]);
  });

  it('[R2] a TransientTransactionError is retried, counted, and the push commits exactly once', async () => {
    await push('a');
    const commitsBefore = double.engine.stats.commits;
    const fault = double.engine.faults.add({
      command: 'update',
      when: (body) => inTransaction(body) && onCollection('counters')(body),
      action: { kind: 'error', code: 112, codeName: 'WriteConflict', errorLabels: ['TransientTransactionError'] },
    });
    const outcome = await push('b', 'c');
    expect(fault.fired()).toBe(1);
    expect([outcome.fromSeq, outcome.toSeq]).toEqual([1, 3]);
    expect(double.engine.stats.commits - commitsBefore).toBe(1);
    expect(await retries()).toBe(1);
    expect(await seqsInStore()).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('[R2] a commit that fails with TransientTransactionError is retried as a whole transaction', async () => {
    double.engine.faults.add({
      command: 'commitTransaction',
      action: { kind: 'error', code: 251, codeName: 'NoSuchTransaction', errorLabels: ['TransientTransactionError'] },
    });
    expect((await push('a', 'b')).changed.map((c) => c.seq)).toEqual([1, 2]);
    expect(await retries()).toBe(1);
    expect(await seqsInStore()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('[R1][R2] a connection dropped during a push: the driver retries, nothing is duplicated or skipped', async () => {
    await push('a');
    // The bulk write of the documents is lost with its connection.
    const fault = double.engine.faults.add({
      command: 'update',
      when: (body) => inTransaction(body) && onCollection('tasks')(body),
      action: { kind: 'drop-before' },
    });
    const outcome = await push('b', 'c');
    expect(fault.fired()).toBe(1);
    expect(outcome.changed.map((c) => c.seq)).toEqual([2, 3]);
    expect(await seqsInStore()).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('[R1][R2] a commit whose reply is lost commits once; the driver learns it on the commit retry', async () => {
    const commitsBefore = double.engine.stats.commits;
    double.engine.faults.add({ command: 'commitTransaction', action: { kind: 'drop-after' } });
    expect((await push('a', 'b')).changed.map((c) => c.seq)).toEqual([1, 2]);
    expect(double.engine.stats.commits - commitsBefore).toBe(1);
    expect(await seqsInStore()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('[R1][R2] when every commit reply is lost the push fails; the device retries it and nothing is duplicated', async () => {
    const a = taskDoc('a');
    const b = taskDoc('b');
    // Every commit is applied but its reply never arrives, until the store gives up.
    const fault = double.engine.faults.add({ command: 'commitTransaction', times: 50, action: { kind: 'drop-after' } });
    await expect(store.applyPush('u1', 'tasks', rows(a, b), realMerge('tasks'))).rejects.toThrow();
    expect(fault.fired()).toBeGreaterThan(1);
    expect(await retries()).toBeGreaterThan(0);
    fault.remove();
    // The device did not get an acknowledgement, so it pushes the same rows again.
    const again = await store.applyPush('u1', 'tasks', rows(a, b), realMerge('tasks'));
    expect(again.changed).toEqual([]);
    expect(again.stored.map((d) => d.id)).toEqual(['a', 'b']);
    expect(await seqsInStore()).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(await store.currentSeq('u1', 'tasks')).toBe(2);
  });

  it('[R2] retries are bounded: a push that conflicts every time fails with a clear error instead of spinning', async () => {
    double.engine.faults.add({
      command: 'findAndModify',
      times: 1000,
      when: inTransaction,
      action: { kind: 'error', code: 112, codeName: 'WriteConflict', errorLabels: ['TransientTransactionError'] },
    });
    await expect(push('a')).rejects.toMatchObject({ reason: 'internal', message: expect.stringContaining('busy') });
    expect(await retries()).toBe(5);
    double.engine.faults.clear();
    expect(await store.currentSeq('u1', 'tasks')).toBe(0);
  });
});

describe('MongoStore when a client dies inside a transaction: mongodb (emulated replica set)', () => {
  it('[R1][R2] the dead transaction blocks the scope until the lifetime limit aborts it; then pushes go through and nothing is lost', async () => {
    // A SIGKILLed instance leaves its push transaction open, holding the scope's counter. MongoDB
    // aborts it after transactionLifetimeLimitSeconds (docker-compose sets 10 s; here 1 s).
    const double = await startMongoDouble({ transactionLifetimeLimitSeconds: 1 });
    const { stores, dbName, cleanup } = await freshMongoStores(double.uri);
    const dead = new MongoClient(double.uri);
    try {
      const store = stores.documents;
      const push = (id: string) => store.applyPush('u1', 'tasks', rows(taskDoc(id)), realMerge('tasks'));
      await push('a');
      const session = dead.startSession();
      session.startTransaction();
      await dead
        .db(dbName)
        .collection('counters')
        .updateMany({}, { $inc: { writes: 1 } }, { session });
      // The dead client never commits nor aborts. Meanwhile pushes to the scope fail, retryably.
      await expect(push('b')).rejects.toMatchObject({ reason: 'internal', message: expect.stringContaining('busy') });
      await vi.waitFor(() => push('b'), { timeout: 10_000, interval: 200 });
      expect(double.engine.stats.expired).toBe(1);
      expect((await store.pull('u1', 'tasks', 0, 10)).map((r) => [r.seq, r.doc.id])).toEqual([
        [1, 'a'],
        [2, 'b'],
      ]);
    } finally {
      await dead.close();
      await cleanup();
      await double.close();
    }
  });
});
