import { describe, expect, it } from 'vitest';
import { createMemoryAccountStore } from '../../src/store/memory/memory-account-store.js';
import { createMemoryDocumentStore } from '../../src/store/memory/memory-document-store.js';
import { createMemoryStores } from '../../src/store/memory/memory-stores.js';
import { startTestServer } from '../helpers/server.js';
import { runAccountStoreContract } from './account-store.contract.js';
import { realMerge, rows, taskDoc } from './doc-fixtures.js';
import { runDocumentStoreContract } from './document-store.contract.js';

runDocumentStoreContract('memory', async () => {
  const store = createMemoryDocumentStore();
  return { store, cleanup: () => store.close() };
});
runAccountStoreContract('memory', async () => {
  const store = createMemoryAccountStore();
  return { store, cleanup: () => store.close() };
});

describe('memory stores for the deterministic simulation', () => {
  it('finish every operation within the microtask queue: no timers, no I/O', async () => {
    const documents = createMemoryDocumentStore();
    let ticks = 0;
    const counting = setImmediate(() => (ticks += 1));
    await documents.applyPush('u1', 'tasks', rows(taskDoc('a'), taskDoc('b')), realMerge('tasks'));
    await documents.pull('u1', 'tasks', 0, 10);
    const accounts = createMemoryAccountStore({ now: () => 1000, newId: () => 'id-1' });
    const user = await accounts.createUser({ email: 'a@example.com', passwordHash: 'h', role: 'user' });
    // Had anything waited for a timer or I/O, the setImmediate callback would have run first.
    expect(ticks).toBe(0);
    clearImmediate(counting);
    expect(user).toMatchObject({ id: 'id-1', createdAt: 1000 });
  });
});

describe('a real server on the memory stores', () => {
  it('registers an account and stores a pushed document in memory, not in the data directory', async () => {
    const stores = createMemoryStores();
    const server = await startTestServer({ stores });
    try {
      const response = await fetch(`${server.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'memory@example.com', password: 'correct horse battery staple 42' }),
      });
      expect(response.status).toBe(201);
      const user = await stores.accounts.findUserByEmail('memory@example.com');
      expect(user).toBeDefined();
      const pushed = await server.server.sync.push(user!.id, {
        collection: 'tasks',
        rows: [{ newDocumentState: { ...taskDoc('m1'), title: 'in memory' }, assumedMasterState: null }],
      });
      expect(pushed.conflicts).toEqual([]);
      expect((await stores.documents.getDoc(user!.id, 'tasks', 'm1'))?.doc.title).toBe('in memory');
      expect(server.store).toBe(stores.documents);
    } finally {
      await server.dispose();
    }
  });
});
