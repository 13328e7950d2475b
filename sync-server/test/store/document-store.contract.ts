import type { PushRow, SyncDoc } from '@taskmaster/shared-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentStore, MergeFn } from '../../src/store/document-store.js';
import { edited, listDoc, realMerge, rows, taskDoc, tick } from './doc-fixtures.js';

/**
 * The DocumentStore contract: what every adapter (SQLite, memory, MongoDB) must do, run against a
 * fresh store per test. Tests are named after the SPEC rules they prove. `name` appears in the
 * describe block, so the report shows which adapters ran.
 */
export interface DocumentStoreFixture {
  store: DocumentStore;
  cleanup(): Promise<void>;
}

export function runDocumentStoreContract(name: string, makeStore: () => Promise<DocumentStoreFixture>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let fixture: DocumentStoreFixture;
    let store: DocumentStore;
    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
      await store.ready();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const push = <C extends 'tasks' | 'lists'>(scope: string, collection: C, ...docs: SyncDoc<C>[]) =>
      store.applyPush(scope, collection, rows(...docs), realMerge(collection));

    describe('lifecycle', () => {
      it('is ready and answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        expect(typeof store.kind).toBe('string');
      });
    });

    describe('documents and sequences', () => {
      it('[R2] starts every (user, collection) at sequence 0 with nothing to pull', async () => {
        expect(await store.currentSeq('u1', 'tasks')).toBe(0);
        expect(await store.pull('u1', 'tasks', 0, 100)).toEqual([]);
        expect(await store.getDoc('u1', 'tasks', 'missing')).toBeUndefined();
      });

      it('[R2] assigns contiguous sequences to a batch in row order, and continues across batches', async () => {
        const first = await push('u1', 'tasks', taskDoc('a'), taskDoc('b'), taskDoc('c'));
        expect(first.fromSeq).toBe(0);
        expect(first.toSeq).toBe(3);
        expect(first.changed.map((c) => [c.seq, c.doc.id])).toEqual([
          [1, 'a'],
          [2, 'b'],
          [3, 'c'],
        ]);
        expect(first.stored.map((d) => d.id)).toEqual(['a', 'b', 'c']);
        const second = await push('u1', 'tasks', taskDoc('d'));
        expect([second.fromSeq, second.toSeq]).toEqual([3, 4]);
        expect(second.changed[0]!.seq).toBe(4);
        expect(await store.currentSeq('u1', 'tasks')).toBe(4);
      });

      it('[R2] keeps one sequence per user and per collection', async () => {
        await push('u1', 'tasks', taskDoc('a'), taskDoc('b'));
        const lists = await push('u1', 'lists', listDoc('l1'));
        const other = await push('u2', 'tasks', taskDoc('x'));
        expect([lists.fromSeq, lists.toSeq]).toEqual([0, 1]);
        expect([other.fromSeq, other.toSeq]).toEqual([0, 1]);
        expect(await store.currentSeq('u1', 'tasks')).toBe(2);
        expect(await store.currentSeq('u1', 'lists')).toBe(1);
        expect(await store.currentSeq('u2', 'tasks')).toBe(1);
      });

      it('[R2] a row that changes nothing takes no sequence number, but is reported as stored', async () => {
        const a = taskDoc('a');
        await push('u1', 'tasks', a);
        const again = await store.applyPush(
          'u1',
          'tasks',
          [{ newDocumentState: a, assumedMasterState: a }],
          realMerge('tasks'),
        );
        expect([again.fromSeq, again.toSeq]).toEqual([1, 1]);
        expect(again.changed).toEqual([]);
        expect(again.stored).toEqual([a]);
        expect(await store.currentSeq('u1', 'tasks')).toBe(1);
      });

      it('[R2] pull returns only seq > after, in sequence order, up to the limit', async () => {
        await push('u1', 'tasks', ...['a', 'b', 'c', 'd', 'e'].map((id) => taskDoc(id)));
        const page1 = await store.pull('u1', 'tasks', 0, 2);
        expect(page1.map((r) => [r.seq, r.doc.id])).toEqual([
          [1, 'a'],
          [2, 'b'],
        ]);
        const page2 = await store.pull('u1', 'tasks', 2, 2);
        expect(page2.map((r) => r.seq)).toEqual([3, 4]);
        expect((await store.pull('u1', 'tasks', 4, 100)).map((r) => r.seq)).toEqual([5]);
        expect(await store.pull('u1', 'tasks', 5, 100)).toEqual([]);
      });

      it('[R2] an updated document moves to its new sequence and is pulled once, in its latest state', async () => {
        const a = taskDoc('a');
        await push('u1', 'tasks', a, taskDoc('b'));
        const a2 = edited(a, { title: 'renamed' });
        await store.applyPush('u1', 'tasks', [{ newDocumentState: a2, assumedMasterState: a }], realMerge('tasks'));
        const all = await store.pull('u1', 'tasks', 0, 100);
        expect(all.map((r) => [r.seq, r.doc.id])).toEqual([
          [2, 'b'],
          [3, 'a'],
        ]);
        expect(all[1]!.doc.title).toBe('renamed');
        expect(await store.getDoc('u1', 'tasks', 'a')).toEqual({ seq: 3, doc: all[1]!.doc });
      });

      it('[R4] tombstones are kept: a deleted document is still pulled, with _deleted', async () => {
        const a = taskDoc('a');
        await push('u1', 'tasks', a);
        const gone = edited(a, { _deleted: true });
        await store.applyPush('u1', 'tasks', [{ newDocumentState: gone, assumedMasterState: a }], realMerge('tasks'));
        const pulled = await store.pull('u1', 'tasks', 0, 10);
        expect(pulled).toHaveLength(1);
        expect(pulled[0]).toMatchObject({ seq: 2, doc: { id: 'a', _deleted: true } });
        expect((await store.getDoc('u1', 'tasks', 'a'))?.doc._deleted).toBe(true);
        // ...and a later restore is an ordinary change.
        const back = edited(pulled[0]!.doc, { _deleted: false });
        await store.applyPush(
          'u1',
          'tasks',
          [{ newDocumentState: back, assumedMasterState: pulled[0]!.doc }],
          realMerge('tasks'),
        );
        expect((await store.pull('u1', 'tasks', 2, 10)).map((r) => [r.seq, r.doc._deleted])).toEqual([[3, false]]);
      });

      it('round-trips documents exactly (nested clocks, arrays, conflict log)', async () => {
        const doc = taskDoc('a', {
          tags: ['x', 'y'],
          notes: 'ünïcode ✓ "quotes"',
          order: 1.5,
          conflicts: [{ field: 'title', lostValue: '"old"', lostClock: tick('x'), winnerClock: tick('y') }],
        });
        await push('u1', 'tasks', doc);
        expect((await store.getDoc('u1', 'tasks', 'a'))?.doc).toEqual(doc);
        expect((await store.pull('u1', 'tasks', 0, 1))[0]!.doc).toEqual(doc);
      });

      it('[R5] isolates users: the same document id for two users stays two documents', async () => {
        await push('u1', 'tasks', taskDoc('same', { title: 'mine' }));
        await push('u2', 'tasks', taskDoc('same', { title: 'theirs' }));
        expect((await store.getDoc('u1', 'tasks', 'same'))?.doc.title).toBe('mine');
        expect((await store.getDoc('u2', 'tasks', 'same'))?.doc.title).toBe('theirs');
        expect((await store.pull('u1', 'tasks', 0, 10)).map((r) => r.doc.title)).toEqual(['mine']);
        expect((await store.pull('u2', 'tasks', 0, 10)).map((r) => r.doc.title)).toEqual(['theirs']);
        expect(await store.getDoc('u3', 'tasks', 'same')).toBeUndefined();
      });

      it('[R5] isolates collections: a task id is not a list id', async () => {
        await push('u1', 'tasks', taskDoc('same'));
        expect(await store.getDoc('u1', 'lists', 'same')).toBeUndefined();
        expect(await store.pull('u1', 'lists', 0, 10)).toEqual([]);
      });

      it('calls the merge function once per row with the stored master (undefined when new) and the row', async () => {
        const a = taskDoc('a');
        await push('u1', 'tasks', a);
        const calls: [SyncDoc<'tasks'> | undefined, PushRow<'tasks'>][] = [];
        const spy: MergeFn<'tasks'> = (master, row) => {
          calls.push([master, row]);
          return realMerge('tasks')(master, row);
        };
        const a2 = edited(a, { priority: 'high' });
        const b = taskDoc('b');
        const batch: PushRow<'tasks'>[] = [{ newDocumentState: a2, assumedMasterState: a }, { newDocumentState: b }];
        await store.applyPush('u1', 'tasks', batch, spy);
        expect(calls).toHaveLength(2);
        expect(calls[0]![0]).toEqual(a);
        expect(calls[0]![1]).toEqual(batch[0]);
        expect(calls[1]![0]).toBeUndefined();
        expect(calls[1]![1]).toEqual(batch[1]);
      });

      it('[R1] stores what the merge returns (per-field merge with the stored master)', async () => {
        const a = taskDoc('a');
        await push('u1', 'tasks', a);
        const fromA = edited(a, { title: 'title from A' });
        const fromB = edited(a, { status: 'done' });
        await store.applyPush('u1', 'tasks', [{ newDocumentState: fromA, assumedMasterState: a }], realMerge('tasks'));
        const outcome = await store.applyPush(
          'u1',
          'tasks',
          [{ newDocumentState: fromB, assumedMasterState: a }],
          realMerge('tasks'),
        );
        expect(outcome.stored[0]).toMatchObject({ title: 'title from A', status: 'done' });
        expect((await store.getDoc('u1', 'tasks', 'a'))?.doc).toEqual(outcome.stored[0]);
      });

      it('[R1][R2] a batch is atomic: when the merge throws mid-batch nothing is stored and no sequence is used', async () => {
        await push('u1', 'tasks', taskDoc('a'));
        let calls = 0;
        const failing: MergeFn<'tasks'> = (master, row) => {
          calls += 1;
          if (calls === 2) throw new Error('merge exploded');
          return realMerge('tasks')(master, row);
        };
        await expect(
          store.applyPush('u1', 'tasks', rows(taskDoc('b'), taskDoc('c'), taskDoc('d')), failing),
        ).rejects.toThrow('merge exploded');
        expect(await store.currentSeq('u1', 'tasks')).toBe(1);
        expect(await store.getDoc('u1', 'tasks', 'b')).toBeUndefined();
        expect((await store.pull('u1', 'tasks', 0, 10)).map((r) => r.doc.id)).toEqual(['a']);
        // The store is still usable afterwards.
        expect((await push('u1', 'tasks', taskDoc('e'))).toSeq).toBe(2);
      });

      it('[R2] concurrent pushes never produce duplicate or skipped sequence numbers', async () => {
        const batches = Array.from({ length: 40 }, (_, i) =>
          Array.from({ length: 1 + (i % 4) }, (_, j) => taskDoc(`doc-${i}-${j}`)),
        );
        // Some batches also rewrite a shared document, so pushes contend for the same rows.
        const shared = taskDoc('shared');
        await push('u1', 'tasks', shared);
        const outcomes = await Promise.all(
          batches.map((docs, i) =>
            store.applyPush(
              'u1',
              'tasks',
              [
                ...rows(...docs),
                ...(i % 5 === 0
                  ? [{ newDocumentState: edited(shared, { notes: `n${i}` }), assumedMasterState: shared }]
                  : []),
              ],
              realMerge('tasks'),
            ),
          ),
        );
        const seqs = outcomes.flatMap((o) => o.changed.map((c) => c.seq)).sort((x, y) => x - y);
        const total = seqs.length;
        expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 2));
        for (const outcome of outcomes) {
          expect(outcome.toSeq - outcome.fromSeq).toBe(outcome.changed.length);
          expect(outcome.changed.map((c) => c.seq)).toEqual(
            Array.from({ length: outcome.changed.length }, (_, i) => outcome.fromSeq + i + 1),
          );
        }
        expect(await store.currentSeq('u1', 'tasks')).toBe(total + 1);
        const pulled = await store.pull('u1', 'tasks', 0, 1000);
        const ids = pulled.map((r) => r.doc.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(batches.flat().length + 1);
        const pulledSeqs = pulled.map((r) => r.seq);
        expect(pulledSeqs).toEqual([...pulledSeqs].sort((x, y) => x - y));
      });

      it('[R2] a reader paging with its checkpoint while writers push sees every document exactly once', async () => {
        const seen = new Map<string, number>();
        let checkpoint = 0;
        const drain = async () => {
          for (;;) {
            const page = await store.pull('u1', 'tasks', checkpoint, 7);
            if (page.length === 0) return;
            for (const row of page) seen.set(row.doc.id, (seen.get(row.doc.id) ?? 0) + 1);
            checkpoint = page.at(-1)!.seq;
          }
        };
        let writing = true;
        const reader = (async () => {
          while (writing) {
            await drain();
            await new Promise((resolve) => setImmediate(resolve));
          }
          await drain();
        })();
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => push('u1', 'tasks', taskDoc(`w${i}a`), taskDoc(`w${i}b`))),
        );
        writing = false;
        await reader;
        expect(seen.size).toBe(60);
        expect([...seen.values()].every((n) => n === 1)).toBe(true);
        expect(checkpoint).toBe(60);
      });
    });

    describe('owners, counts and erase', () => {
      it('[R5] keeps the owner apart from the scope: a push may name another owner', async () => {
        await store.applyPush('list:shared', 'tasks', rows(taskDoc('s1'), taskDoc('s2')), realMerge('tasks'), {
          owner: 'u1',
        });
        expect(await store.currentSeq('list:shared', 'tasks')).toBe(2);
        expect(await store.currentSeq('u1', 'tasks')).toBe(0);
        expect(await store.countDocuments('tasks', 'u1')).toBe(2);
      });

      it('counts live documents per collection, for one owner or everyone; tombstones do not count', async () => {
        const a = taskDoc('a');
        await push('u1', 'tasks', a, taskDoc('b'));
        await push('u2', 'tasks', taskDoc('c'));
        await push('u1', 'lists', listDoc('l1'));
        await store.applyPush(
          'u1',
          'tasks',
          [{ newDocumentState: edited(a, { _deleted: true }), assumedMasterState: a }],
          realMerge('tasks'),
        );
        expect(await store.countDocuments('tasks')).toBe(2);
        expect(await store.countDocuments('tasks', 'u1')).toBe(1);
        expect(await store.countDocuments('tasks', 'u2')).toBe(1);
        expect(await store.countDocuments('lists', 'u1')).toBe(1);
        expect(await store.countDocuments('lists', 'nobody')).toBe(0);
      });

      it('erases everything of one owner (documents, tombstones, counters) and nothing of anyone else', async () => {
        const a = taskDoc('a');
        await push('u1', 'tasks', a, taskDoc('b'));
        await store.applyPush(
          'u1',
          'tasks',
          [{ newDocumentState: edited(a, { _deleted: true }), assumedMasterState: a }],
          realMerge('tasks'),
        );
        await push('u1', 'lists', listDoc('l1'));
        await push('u2', 'tasks', taskDoc('a'));
        expect(await store.eraseOwner('u1')).toEqual({ documents: 3 });
        expect(await store.pull('u1', 'tasks', 0, 100)).toEqual([]);
        expect(await store.pull('u1', 'lists', 0, 100)).toEqual([]);
        expect(await store.getDoc('u1', 'tasks', 'a')).toBeUndefined();
        expect(await store.currentSeq('u1', 'tasks')).toBe(0);
        expect(await store.countDocuments('tasks', 'u1')).toBe(0);
        expect((await store.pull('u2', 'tasks', 0, 100)).map((r) => r.doc.id)).toEqual(['a']);
        expect(await store.currentSeq('u2', 'tasks')).toBe(1);
        expect(await store.eraseOwner('u1')).toEqual({ documents: 0 });
      });

      it('does not let a caller change stored state by mutating what it was given or returned', async () => {
        const a = taskDoc('a');
        const outcome = await push('u1', 'tasks', a);
        outcome.changed[0]!.doc.title = 'mutated outcome';
        outcome.stored[0]!.title = 'mutated stored';
        a.title = 'mutated input';
        const pulled = await store.pull('u1', 'tasks', 0, 10);
        pulled[0]!.doc.title = 'mutated pull';
        expect((await store.getDoc('u1', 'tasks', 'a'))?.doc.title).toBe('Task a');
      });
    });
  });
}
