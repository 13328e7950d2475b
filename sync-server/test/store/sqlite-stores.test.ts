import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { COLLECTIONS, mergeDocs, type PushRow, type SyncDoc } from '@taskmaster/shared-schema';
import { afterEach, describe, expect, it } from 'vitest';
import type { MergeFn } from '../../src/store/document-store.js';
import { createSqliteAccountStore } from '../../src/store/sqlite/sqlite-account-store.js';
import { createSqliteDocumentStore } from '../../src/store/sqlite/sqlite-document-store.js';
import { runAccountStoreContract } from './account-store.contract.js';
import { taskDoc } from './doc-fixtures.js';
import { runDocumentStoreContract } from './document-store.contract.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'taskmaster-store-'));
}

/** A fresh SQLite file in a temp dir (nested, so the store must create the folder). */
function onTempFile<S extends { close(): Promise<void> }>(open: (file: string) => S) {
  return async () => {
    const dir = tempDir();
    const store = open(join(dir, 'nested', 'store.sqlite'));
    return {
      store,
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

runDocumentStoreContract(
  'sqlite (temp file)',
  onTempFile((file) => createSqliteDocumentStore({ file })),
);
runDocumentStoreContract('sqlite (:memory:)', async () => {
  const store = createSqliteDocumentStore({ file: ':memory:' });
  return { store, cleanup: () => store.close() };
});
runAccountStoreContract(
  'sqlite (temp file)',
  onTempFile((file) => createSqliteAccountStore({ file })),
);
runAccountStoreContract('sqlite (:memory:)', async () => {
  const store = createSqliteAccountStore({ file: ':memory:' });
  return { store, cleanup: () => store.close() };
});

const merge: MergeFn<'tasks'> = (master, row) =>
  mergeDocs(master, row.assumedMasterState ?? undefined, row.newDocumentState, COLLECTIONS.tasks.mergeFields);
const rowsOf = (...docs: SyncDoc<'tasks'>[]): PushRow<'tasks'>[] => docs.map((doc) => ({ newDocumentState: doc }));

describe('sqlite DocumentStore on a shared file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('[R1] keeps documents, sequences and users across close and reopen', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'store.sqlite');
    const first = createSqliteDocumentStore({ file });
    const firstAccounts = createSqliteAccountStore({ file });
    const user = await firstAccounts.createUser({ email: 'keep@example.com', passwordHash: 'h', role: 'user' });
    await firstAccounts.close();
    await first.applyPush('u1', 'tasks', rowsOf(taskDoc('a'), taskDoc('b')), merge);
    await first.close();
    const second = createSqliteDocumentStore({ file });
    const secondAccounts = createSqliteAccountStore({ file });
    expect(await secondAccounts.findUserById(user.id)).toEqual(user);
    await secondAccounts.close();
    expect(await second.currentSeq('u1', 'tasks')).toBe(2);
    expect((await second.applyPush('u1', 'tasks', rowsOf(taskDoc('c')), merge)).changed[0]!.seq).toBe(3);
    expect((await second.pull('u1', 'tasks', 0, 10)).map((r) => r.doc.id)).toEqual(['a', 'b', 'c']);
    await second.close();
  });

  it('[R2] two store instances on one WAL file interleaving pushes get unique contiguous sequences', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'store.sqlite');
    const a = createSqliteDocumentStore({ file });
    const b = createSqliteDocumentStore({ file });
    const outcomes = [];
    for (let i = 0; i < 60; i++) {
      const [one, two] = await Promise.all([
        a.applyPush('u1', 'tasks', rowsOf(taskDoc(`a${i}`), ...(i % 3 === 0 ? [taskDoc(`a${i}x`)] : [])), merge),
        b.applyPush('u1', 'tasks', rowsOf(taskDoc(`b${i}`)), merge),
      ]);
      outcomes.push(one, two);
    }
    const seqs = outcomes.flatMap((o) => o.changed.map((c) => c.seq)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    for (const o of outcomes) expect(o.toSeq - o.fromSeq).toBe(o.changed.length);
    // Each instance reads the other's commits.
    expect(await a.currentSeq('u1', 'tasks')).toBe(seqs.length);
    expect((await b.pull('u1', 'tasks', 0, 1000)).map((r) => r.seq)).toEqual(seqs);
    await a.close();
    await b.close();
  });

  it('[R2] two processes writing to one file at the same time get unique contiguous sequences', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'store.sqlite');
    await createSqliteDocumentStore({ file }).close();
    const storeModule = fileURLToPath(new URL('../../src/store/sqlite/sqlite-document-store.ts', import.meta.url));
    const ready = (name: string) => join(dir, `ready-${name}`);
    const go = join(dir, 'go');
    // Each process pushes 200 single-document batches as fast as it can, starting together.
    const script = `
      const { createSqliteDocumentStore } = await import(${JSON.stringify(storeModule)});
      const store = createSqliteDocumentStore({ file: ${JSON.stringify(file)}, busyTimeoutMs: 20000 });
      const merge = (master, row) => ({ doc: row.newDocumentState, recorded: [], changed: true });
      const { existsSync, writeFileSync } = await import('node:fs');
      writeFileSync(${JSON.stringify(dir)} + '/ready-' + process.argv.at(-1), '');
      while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 1));
      const seqs = [];
      for (let i = 0; i < 200; i++) {
        const id = process.argv.at(-1) + i;
        const doc = { id, title: id, _deleted: false, clocks: {}, conflicts: [] };
        const outcome = await store.applyPush('u1', 'tasks', [{ newDocumentState: doc }], merge);
        if (outcome.toSeq !== outcome.fromSeq + 1) throw new Error('non-contiguous ' + JSON.stringify(outcome));
        seqs.push(outcome.changed[0].seq);
        // Like a server between socket events; without a pause SQLite's busy handler can starve the
        // other process until this one is done, and the test would not interleave at all.
        await new Promise((r) => setTimeout(r, 1));
      }
      await store.close();
      console.log(JSON.stringify(seqs));
    `;
    const run = promisify(execFile);
    const children = ['p', 'q'].map((name) =>
      run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, name], { cwd: process.cwd() }),
    );
    const deadline = Date.now() + 20_000;
    while (!(existsSync(ready('p')) && existsSync(ready('q'))) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    writeFileSync(go, '');
    const [p, q] = (await Promise.all(children)).map((r) => JSON.parse(r.stdout) as number[]);
    const all = [...p!, ...q!].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    // Both really interleaved (otherwise the test proves nothing about locking).
    const ranges = `p ${Math.min(...p!)}..${Math.max(...p!)}, q ${Math.min(...q!)}..${Math.max(...q!)}`;
    expect(Math.min(...p!) < Math.max(...q!) && Math.min(...q!) < Math.max(...p!), ranges).toBe(true);
    const store = createSqliteDocumentStore({ file });
    const pulled = await store.pull('u1', 'tasks', 0, 1000);
    expect(pulled.map((r) => r.seq)).toEqual(all);
    expect(new Set(pulled.map((r) => r.doc.id)).size).toBe(400);
    await store.close();
  });
});
