import { describe, expect, it } from 'vitest';
import { createMemoryAccountStore } from '../../src/store/memory/memory-account-store.js';
import { createMemoryDocumentStore } from '../../src/store/memory/memory-document-store.js';
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
