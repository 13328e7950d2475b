import { TaskmasterError, type CollectionName, type PushRow, type SyncDoc } from '@taskmaster/shared-schema';
import type { DocumentStore, MergeFn, PushOutcome, StoredDoc } from '../document-store.js';

interface Row {
  seq: number;
  owner: string;
  doc: SyncDoc;
}

interface Bucket {
  owner: string;
  seq: number;
  /** Documents by id. */
  docs: Map<string, Row>;
  /** Document ids by sequence; sequences of superseded versions are removed. */
  bySeq: Map<number, string>;
}

const cloneAs = <C extends CollectionName>(doc: SyncDoc): SyncDoc<C> => structuredClone(doc) as unknown as SyncDoc<C>;

/**
 * The in-memory DocumentStore. Every method does its work synchronously and then resolves, with no
 * timers and no I/O, so a deterministic simulation decides every interleaving; a push is atomic
 * because nothing awaits between its reads and its writes. Documents are cloned on the way in and
 * out, so callers can never change stored state by mutating what they hold.
 */
export function createMemoryDocumentStore(): DocumentStore {
  const buckets = new Map<string, Bucket>();
  const key = (scope: string, collection: CollectionName) => `${collection}\u0000${scope}`;
  let closed = false;
  const open = () => {
    if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
  };

  return {
    kind: 'memory',
    async ready() {},
    async ping() {
      open();
    },
    async close() {
      closed = true;
    },

    async pull<C extends CollectionName>(scope: string, collection: C, afterSeq: number, limit: number) {
      open();
      const bucket = buckets.get(key(scope, collection));
      if (!bucket) return [];
      const out: StoredDoc<C>[] = [];
      // Sequences are dense up to `bucket.seq`; walking them is O(changes since the checkpoint).
      for (let seq = Math.max(0, Math.floor(afterSeq)) + 1; seq <= bucket.seq && out.length < limit; seq++) {
        const id = bucket.bySeq.get(seq);
        if (id === undefined) continue;
        out.push({ seq, doc: cloneAs<C>(bucket.docs.get(id)!.doc) });
      }
      return out;
    },

    async applyPush<C extends CollectionName>(
      scope: string,
      collection: C,
      rows: PushRow<C>[],
      merge: MergeFn<C>,
      options?: { owner?: string },
    ): Promise<PushOutcome<C>> {
      open();
      const owner = options?.owner ?? scope;
      const bucket = buckets.get(key(scope, collection));
      const fromSeq = bucket?.seq ?? 0;
      // Merge everything first; only a batch that merged completely is written (R1, R2).
      const staged = new Map<string, SyncDoc<C>>();
      const changed: StoredDoc<C>[] = [];
      const stored: SyncDoc<C>[] = [];
      let seq = fromSeq;
      for (const row of rows) {
        const id = row.newDocumentState.id;
        const current = staged.get(id) ?? (bucket?.docs.get(id)?.doc as SyncDoc<C> | undefined);
        const result = merge(current === undefined ? undefined : structuredClone(current), structuredClone(row));
        const doc = structuredClone(result.doc);
        stored.push(structuredClone(doc));
        if (!result.changed) continue;
        seq += 1;
        staged.set(id, doc);
        changed.push({ seq, doc: structuredClone(doc) });
      }
      if (changed.length > 0) {
        const target = bucket ?? { owner, seq: 0, docs: new Map(), bySeq: new Map() };
        for (const { seq: next, doc } of changed) {
          const previous = target.docs.get(doc.id);
          if (previous) target.bySeq.delete(previous.seq);
          target.docs.set(doc.id, { seq: next, owner, doc: staged.get(doc.id)! });
          target.bySeq.set(next, doc.id);
        }
        target.seq = seq;
        buckets.set(key(scope, collection), target);
      }
      return { fromSeq, toSeq: seq, changed, stored };
    },

    async getDoc<C extends CollectionName>(scope: string, collection: C, id: string) {
      open();
      const row = buckets.get(key(scope, collection))?.docs.get(id);
      return row ? { seq: row.seq, doc: cloneAs<C>(row.doc) } : undefined;
    },

    async currentSeq(scope, collection) {
      open();
      return buckets.get(key(scope, collection))?.seq ?? 0;
    },

    async countDocuments(collection, owner) {
      open();
      let count = 0;
      for (const [bucketKey, bucket] of buckets) {
        if (!bucketKey.startsWith(`${collection}\u0000`)) continue;
        for (const row of bucket.docs.values()) {
          if ((owner === undefined || row.owner === owner) && !row.doc._deleted) count += 1;
        }
      }
      return count;
    },

    async eraseOwner(owner) {
      open();
      let documents = 0;
      for (const [bucketKey, bucket] of buckets) {
        for (const [id, row] of bucket.docs) {
          if (row.owner !== owner) continue;
          bucket.docs.delete(id);
          bucket.bySeq.delete(row.seq);
          documents += 1;
        }
        if (bucket.owner === owner && bucket.docs.size === 0) buckets.delete(bucketKey);
      }
      return { documents };
    },
  };
}
