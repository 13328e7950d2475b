import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS, mergeDocs, type PushRow, type SyncDoc } from '@taskmaster/shared-schema';
import { afterEach, describe, expect, it } from 'vitest';
import type { MergeFn } from '../../src/store/document-store.js';
import { createSqliteDocumentStore } from '../../src/store/sqlite/sqlite-document-store.js';
import { taskDoc } from './doc-fixtures.js';

const merge: MergeFn<'tasks'> = (master, row) =>
  mergeDocs(master, row.assumedMasterState ?? undefined, row.newDocumentState, COLLECTIONS.tasks.mergeFields);
const rowsOf = (...docs: SyncDoc<'tasks'>[]): PushRow<'tasks'>[] => docs.map((doc) => ({ newDocumentState: doc }));

describe('sqlite DocumentStore: group commit of pushes that arrive together', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'taskmaster-group-'));
    dirs.push(dir);
    return join(dir, 'store.sqlite');
  };

  it('[R2][R6] pushes of one turn share a commit, each all or nothing with its own sequence range', async () => {
    const store = createSqliteDocumentStore({ file: tempFile() });
    await store.ready();
    const failing: MergeFn<'tasks'> = (master, row) => {
      if (row.newDocumentState.id === 'b-2') throw new Error('merge failed on the second row');
      return merge(master, row);
    };
    // Started in the same turn, so the store receives them together.
    const [a1, b, a2, c] = await Promise.allSettled([
      store.applyPush('u1', 'tasks', rowsOf(taskDoc('a-1'), taskDoc('a-2')), merge),
      store.applyPush('u1', 'tasks', rowsOf(taskDoc('b-1'), taskDoc('b-2')), failing),
      store.applyPush('u1', 'tasks', rowsOf(taskDoc('a-3')), merge),
      store.applyPush('u2', 'tasks', rowsOf(taskDoc('c-1')), merge),
    ]);
    expect(b.status).toBe('rejected');
    const ok = [a1, a2, c].map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    expect(ok.map((o) => o && [o.fromSeq, o.toSeq])).toEqual([
      [0, 2],
      [2, 3],
      [0, 1],
    ]);
    // The failed push stored nothing, not even its first row; the others are all there, in order.
    expect((await store.pull('u1', 'tasks', 0, 100)).map((r) => [r.seq, r.doc.id])).toEqual([
      [1, 'a-1'],
      [2, 'a-2'],
      [3, 'a-3'],
    ]);
    expect(await store.currentSeq('u1', 'tasks')).toBe(3);
    expect((await store.pull('u2', 'tasks', 0, 100)).map((r) => r.doc.id)).toEqual(['c-1']);
    await store.close();
  });

  it('[R1] a push queued when the store closes is committed before the file closes', async () => {
    const file = tempFile();
    const store = createSqliteDocumentStore({ file });
    await store.ready();
    await store.applyPush('u1', 'tasks', rowsOf(taskDoc('first')), merge);
    const queued = store.applyPush('u1', 'tasks', rowsOf(taskDoc('queued')), merge);
    // Let the push reach the store's queue (it awaits `ready` first), then close in the same turn.
    await Promise.resolve();
    await Promise.resolve();
    await store.close();
    const outcome = await queued.catch((error: unknown) => error);
    const reopened = createSqliteDocumentStore({ file });
    await reopened.ready();
    const ids = (await reopened.pull('u1', 'tasks', 0, 100)).map((r) => r.doc.id);
    // Either it was stored and acknowledged, or refused as closed and not stored: never acknowledged and lost.
    if (outcome instanceof Error) expect(ids).toEqual(['first']);
    else expect(ids).toEqual(['first', 'queued']);
    await reopened.close();
  });

  it('[R2] a hundred single-row pushes of one turn: consecutive sequences, nothing skipped or repeated', async () => {
    const store = createSqliteDocumentStore({ file: tempFile() });
    await store.ready();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.applyPush('u1', 'tasks', rowsOf(taskDoc(`t-${i}`)), merge)),
    );
    expect(outcomes.map((o) => o.toSeq).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const o of outcomes) expect(o.toSeq - o.fromSeq).toBe(1);
    expect(await store.currentSeq('u1', 'tasks')).toBe(100);
    await store.close();
  });
});
