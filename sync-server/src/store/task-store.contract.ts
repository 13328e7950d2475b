import {
  COLLECTIONS,
  encodeHlc,
  mergeDocs,
  TASK_MERGE_FIELDS,
  LIST_MERGE_FIELDS,
  type CollectionName,
  type PushRow,
  type SyncDoc,
} from '@taskmaster/shared-schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MergeFn, TaskStore } from './task-store.js';

/**
 * The TaskStore contract: what every adapter (SQLite, MongoDB, …) must do, run by each adapter's
 * test file against a fresh store per test. Tests are named after the SPEC rules they prove.
 */
export interface StoreFixture {
  store: TaskStore;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2025, 0, 1);
let clockCounter = 0;
/** A fresh, strictly increasing clock stamp for the test documents. */
function tick(node = 'contract'): string {
  clockCounter += 1;
  return encodeHlc({ ms: T0 + clockCounter, counter: 0 }, node);
}

export function taskDoc(id: string, patch: Partial<SyncDoc<'tasks'>> = {}): SyncDoc<'tasks'> {
  const clock = tick();
  return {
    id,
    title: `Task ${id}`,
    notes: '',
    status: 'todo',
    priority: 'none',
    dueDate: '',
    tags: [],
    listId: '',
    order: 1,
    completedAt: 0,
    createdAt: T0,
    updatedAt: T0,
    clocks: Object.fromEntries([...TASK_MERGE_FIELDS, 'deleted'].map((f) => [f, clock])),
    conflicts: [],
    _deleted: false,
    ...patch,
  };
}

export function listDoc(id: string, patch: Partial<SyncDoc<'lists'>> = {}): SyncDoc<'lists'> {
  const clock = tick();
  return {
    id,
    name: `List ${id}`,
    color: '#112233',
    order: 1,
    archived: false,
    createdAt: T0,
    updatedAt: T0,
    clocks: Object.fromEntries([...LIST_MERGE_FIELDS, 'deleted'].map((f) => [f, clock])),
    conflicts: [],
    _deleted: false,
    ...patch,
  };
}

/** The edit a device makes: new values with a fresh clock on exactly those fields. */
function edited(doc: SyncDoc<'tasks'>, patch: Partial<SyncDoc<'tasks'>>): SyncDoc<'tasks'> {
  const stamp = tick();
  const clocks = { ...doc.clocks };
  for (const key of Object.keys(patch)) clocks[(key === '_deleted' ? 'deleted' : key) as keyof typeof clocks] = stamp;
  return { ...doc, ...patch, clocks, updatedAt: doc.updatedAt + 1 };
}

/** The production merge (per-field LWW), as the sync service passes it. */
function realMerge<C extends CollectionName>(collection: C): MergeFn<C> {
  const merge: MergeFn = (master, row) =>
    mergeDocs(master, row.assumedMasterState ?? undefined, row.newDocumentState, COLLECTIONS[collection].mergeFields);
  return merge as unknown as MergeFn<C>;
}

const rows = <C extends CollectionName>(...docs: SyncDoc<C>[]): PushRow<C>[] =>
  docs.map((doc) => ({ newDocumentState: doc }));

export function runTaskStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`TaskStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: TaskStore;
    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
      await store.ready();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const push = <C extends CollectionName>(userId: string, collection: C, ...docs: SyncDoc<C>[]) =>
      store.applyPush(userId, collection, rows(...docs), realMerge(collection));

    describe('lifecycle', () => {
      it('is ready and answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        expect(typeof store.kind).toBe('string');
      });
    });

    describe('users', () => {
      it('creates a user with an id, and finds it by email and by id', async () => {
        const user = await store.createUser({ email: 'ann@example.com', passwordHash: 'hash', role: 'user' });
        expect(user).toMatchObject({ email: 'ann@example.com', passwordHash: 'hash', role: 'user', disabled: false });
        expect(user.id).toEqual(expect.any(String));
        expect(user.createdAt).toBeGreaterThan(0);
        expect(await store.findUserByEmail('ann@example.com')).toEqual(user);
        expect(await store.findUserById(user.id)).toEqual(user);
      });

      it('returns undefined for unknown users', async () => {
        expect(await store.findUserByEmail('nobody@example.com')).toBeUndefined();
        expect(await store.findUserById('no-such-id')).toBeUndefined();
      });

      it('refuses a second account with the same email (email-taken)', async () => {
        await store.createUser({ email: 'ann@example.com', passwordHash: 'a', role: 'user' });
        await expect(
          store.createUser({ email: 'ann@example.com', passwordHash: 'b', role: 'admin' }),
        ).rejects.toMatchObject({
          reason: 'email-taken',
        });
        expect((await store.findUserByEmail('ann@example.com'))?.passwordHash).toBe('a');
      });

      it('keeps admin and user roles', async () => {
        const admin = await store.createUser({ email: 'root@example.com', passwordHash: 'h', role: 'admin' });
        expect((await store.findUserById(admin.id))?.role).toBe('admin');
      });
    });

    describe('refresh tokens', () => {
      const NOW = T0 + 1_000_000;
      let userId: string;
      beforeEach(async () => {
        userId = (await store.createUser({ email: 'tok@example.com', passwordHash: 'h', role: 'user' })).id;
      });
      const insert = (tokenHash: string, familyId = 'fam1', expiresAt = NOW + 60_000) =>
        store.insertRefreshToken({ tokenHash, userId, familyId, expiresAt });

      it('rotates a valid token into the same family and user', async () => {
        await insert('h1');
        const outcome = await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 120_000 }, NOW);
        expect(outcome.status).toBe('rotated');
        if (outcome.status !== 'rotated') return;
        expect(outcome.token).toMatchObject({
          tokenHash: 'h2',
          userId,
          familyId: 'fam1',
          expiresAt: NOW + 120_000,
          usedAt: null,
          revokedAt: null,
        });
        const next = await store.rotateRefreshToken('h2', { tokenHash: 'h3', expiresAt: NOW + 180_000 }, NOW + 1);
        expect(next.status).toBe('rotated');
      });

      it('reports reuse of a rotated token with its family and user', async () => {
        await insert('h1');
        await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 60_000 }, NOW);
        const reused = await store.rotateRefreshToken('h1', { tokenHash: 'h2b', expiresAt: NOW + 60_000 }, NOW + 5);
        expect(reused).toEqual({ status: 'reused', familyId: 'fam1', userId });
      });

      it('lets exactly one of two concurrent rotations of one token win; the other is reuse', async () => {
        await insert('h1');
        const outcomes = await Promise.all([
          store.rotateRefreshToken('h1', { tokenHash: 'a2', expiresAt: NOW + 60_000 }, NOW),
          store.rotateRefreshToken('h1', { tokenHash: 'b2', expiresAt: NOW + 60_000 }, NOW),
        ]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['reused', 'rotated']);
      });

      it('reports not-found for an unknown token', async () => {
        expect(await store.rotateRefreshToken('nope', { tokenHash: 'x', expiresAt: NOW + 1 }, NOW)).toEqual({
          status: 'not-found',
        });
      });

      it('reports expired for a token past its expiry, and does not rotate it', async () => {
        await insert('h1', 'fam1', NOW);
        expect(await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 60_000 }, NOW)).toEqual({
          status: 'expired',
        });
        expect(await store.rotateRefreshToken('h2', { tokenHash: 'h3', expiresAt: NOW + 60_000 }, NOW)).toEqual({
          status: 'not-found',
        });
      });

      it('reports revoked for a revoked token', async () => {
        await insert('h1');
        await store.revokeRefreshToken('h1', NOW);
        expect(await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 60_000 }, NOW + 1)).toEqual({
          status: 'revoked',
        });
      });

      it('revokes a whole family (after reuse) and leaves other families alone', async () => {
        await insert('h1', 'fam1');
        await insert('other1', 'fam2');
        await store.rotateRefreshToken('h1', { tokenHash: 'h2', expiresAt: NOW + 60_000 }, NOW);
        await store.revokeTokenFamily('fam1', NOW + 1);
        expect(
          (await store.rotateRefreshToken('h2', { tokenHash: 'h3', expiresAt: NOW + 60_000 }, NOW + 2)).status,
        ).toBe('revoked');
        expect(
          (await store.rotateRefreshToken('other1', { tokenHash: 'other2', expiresAt: NOW + 60_000 }, NOW + 2)).status,
        ).toBe('rotated');
      });

      it("revokes every token of a user and no other user's", async () => {
        const other = (await store.createUser({ email: 'other@example.com', passwordHash: 'h', role: 'user' })).id;
        await insert('h1', 'fam1');
        await insert('h2', 'fam2');
        await store.insertRefreshToken({ tokenHash: 'o1', userId: other, familyId: 'fam3', expiresAt: NOW + 60_000 });
        await store.revokeUserTokens(userId, NOW);
        expect(
          (await store.rotateRefreshToken('h1', { tokenHash: 'x1', expiresAt: NOW + 60_000 }, NOW + 1)).status,
        ).toBe('revoked');
        expect(
          (await store.rotateRefreshToken('h2', { tokenHash: 'x2', expiresAt: NOW + 60_000 }, NOW + 1)).status,
        ).toBe('revoked');
        expect(
          (await store.rotateRefreshToken('o1', { tokenHash: 'x3', expiresAt: NOW + 60_000 }, NOW + 1)).status,
        ).toBe('rotated');
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
  });
}
