import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { COLLECTIONS, mergeDocs, type PushRow, type SyncDoc } from '@taskmaster/shared-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';
import { runTaskStoreContract, taskDoc } from './task-store.contract.js';
import type { MergeFn } from './task-store.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'taskmaster-store-'));
}

runTaskStoreContract('sqlite (temp file)', async () => {
  const dir = tempDir();
  const store = createSqliteStore({ file: join(dir, 'nested', 'store.sqlite') });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

runTaskStoreContract('sqlite (:memory:)', async () => {
  const store = createSqliteStore({ file: ':memory:' });
  return { store, cleanup: () => store.close() };
});

const merge: MergeFn<'tasks'> = (master, row) =>
  mergeDocs(master, row.assumedMasterState ?? undefined, row.newDocumentState, COLLECTIONS.tasks.mergeFields);
const rowsOf = (...docs: SyncDoc<'tasks'>[]): PushRow<'tasks'>[] => docs.map((doc) => ({ newDocumentState: doc }));

describe('sqlite store on a shared file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('[R1] keeps documents, sequences and users across close and reopen', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'store.sqlite');
    const first = createSqliteStore({ file });
    const user = await first.createUser({ email: 'keep@example.com', passwordHash: 'h', role: 'user' });
    await first.applyPush('u1', 'tasks', rowsOf(taskDoc('a'), taskDoc('b')), merge);
    await first.close();
    const second = createSqliteStore({ file });
    expect(await second.findUserById(user.id)).toEqual(user);
    expect(await second.currentSeq('u1', 'tasks')).toBe(2);
    expect((await second.applyPush('u1', 'tasks', rowsOf(taskDoc('c')), merge)).changed[0]!.seq).toBe(3);
    expect((await second.pull('u1', 'tasks', 0, 10)).map((r) => r.doc.id)).toEqual(['a', 'b', 'c']);
    await second.close();
  });

  it('[R2] two store instances on one WAL file interleaving pushes get unique contiguous sequences', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir, 'store.sqlite');
    const a = createSqliteStore({ file });
    const b = createSqliteStore({ file });
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
    createSqliteStore({ file }).close();
    const storeModule = fileURLToPath(new URL('./sqlite-store.ts', import.meta.url));
    const ready = (name: string) => join(dir, `ready-${name}`);
    const go = join(dir, 'go');
    // Each process pushes 200 single-document batches as fast as it can, starting together.
    const script = `
      const { createSqliteStore } = await import(${JSON.stringify(storeModule)});
      const store = createSqliteStore({ file: ${JSON.stringify(file)}, busyTimeoutMs: 20000 });
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
    const store = createSqliteStore({ file });
    const pulled = await store.pull('u1', 'tasks', 0, 1000);
    expect(pulled.map((r) => r.seq)).toEqual(all);
    expect(new Set(pulled.map((r) => r.doc.id)).size).toBe(400);
    await store.close();
  });
});
