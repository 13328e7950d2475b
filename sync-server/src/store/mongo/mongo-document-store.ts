import { TaskmasterError, type CollectionName, type PushRow, type SyncDoc } from '@taskmaster/shared-schema';
import { ReadPreference, type AnyBulkWriteOperation, type Db } from 'mongodb';
import type { DocumentStore, MergeFn, PushOutcome, StoredDoc } from '../document-store.js';
import type { TransactionRunner } from './mongo-connection.js';
import { counterFilters, docFilters, docKey } from './mongo-filters.js';
import { COLLECTION_NAMES, type CounterRow, type DocRow } from './mongo-rows.js';

export interface MongoDocumentStoreDeps {
  db: Db;
  runTransaction: TransactionRunner;
  /** Resolves once migrations ran (indexes exist). */
  ready: Promise<void>;
}

const DOC_COLLECTIONS: readonly CollectionName[] = ['tasks', 'lists'];

/**
 * Reads for devices come from the primary and only see majority-committed writes: a change a device
 * has pulled (and moved its checkpoint past) can then never be rolled back by a failover, which
 * would let its sequence number be given to another change the device would never pull (R2).
 */
const MAJORITY_ON_PRIMARY = {
  readPreference: ReadPreference.primary,
  readConcern: { level: 'majority' as const },
};

/**
 * The DocumentStore on a MongoDB replica set. Rows live in one collection per synced collection
 * (`tasks`, `lists`), keyed by scope and id, with the owner in every row; each scope's sequence is a
 * counter document in `counters`. A push is one transaction (snapshot reads, majority commit) that
 * first bumps the scope's counter, so concurrent pushes to one scope conflict at once and are
 * retried, then merges the rows and writes them with the next sequence numbers (R2).
 */
export function createMongoDocumentStore(deps: MongoDocumentStoreDeps): DocumentStore {
  const { db, runTransaction } = deps;
  const counters = db.collection<CounterRow>(COLLECTION_NAMES.counters);
  const rowsOf = (collection: CollectionName) => {
    if (!DOC_COLLECTIONS.includes(collection))
      throw new TaskmasterError('unknown-collection', `no collection ${collection}`);
    return db.collection<DocRow>(collection);
  };
  // Pushes to one scope from this instance go one at a time: they would only conflict with each
  // other in the database and retry. Conflicts with other instances remain, and are retried.
  const queues = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return run;
  };
  let closed = false;
  const open = async () => {
    if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
    await deps.ready;
  };

  return {
    kind: 'mongodb',
    ready: () => deps.ready,
    async ping() {
      if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
      await db.command({ ping: 1 });
    },
    async close() {
      closed = true;
    },

    async pull<C extends CollectionName>(scope: string, collection: C, afterSeq: number, limit: number) {
      await open();
      const rows = await rowsOf(collection)
        .find(docFilters.pullPage(scope, afterSeq), MAJORITY_ON_PRIMARY)
        .sort({ seq: 1 })
        .limit(Math.max(1, Math.floor(limit)))
        .toArray();
      return rows.map((row): StoredDoc<C> => ({ seq: row.seq, doc: row.doc as unknown as SyncDoc<C> }));
    },

    async applyPush<C extends CollectionName>(
      scope: string,
      collection: C,
      rows: PushRow<C>[],
      merge: MergeFn<C>,
      options?: { owner?: string },
    ): Promise<PushOutcome<C>> {
      await open();
      const owner = options?.owner ?? scope;
      const docs = rowsOf(collection);
      return serialized(`${collection}\u0000${scope}`, () =>
        runTransaction(`push ${collection}`, async (session) => {
          // First write of the transaction: any concurrent push to this scope now conflicts (and retries).
          const counter = await counters.findOneAndUpdate(
            counterFilters.byId(scope, collection),
            { $inc: { writes: 1 }, $setOnInsert: { scope, owner, collection, seq: 0 } },
            { upsert: true, returnDocument: 'after', session },
          );
          const fromSeq = counter?.seq ?? 0;
          const ids = [...new Set(rows.map((row) => row.newDocumentState.id))];
          const existing = await docs.find(docFilters.byIds(scope, ids), { session }).toArray();
          const current = new Map(existing.map((row) => [row.docId, row.doc as unknown as SyncDoc<C>]));
          let seq = fromSeq;
          const changed: StoredDoc<C>[] = [];
          const stored: SyncDoc<C>[] = [];
          const writes = new Map<string, DocRow>();
          for (const row of rows) {
            const id = row.newDocumentState.id;
            const result = merge(current.get(id), row);
            stored.push(result.doc);
            if (!result.changed) continue;
            seq += 1;
            current.set(id, result.doc);
            changed.push({ seq, doc: structuredClone(result.doc) });
            writes.set(id, {
              _id: docKey(scope, id),
              scope,
              owner,
              docId: id,
              seq,
              deleted: result.doc._deleted === true,
              doc: result.doc as SyncDoc,
            });
          }
          if (writes.size > 0) {
            const operations: AnyBulkWriteOperation<DocRow>[] = [...writes.values()].map((row) => ({
              replaceOne: { filter: docFilters.byId(scope, row.docId), replacement: row, upsert: true },
            }));
            await docs.bulkWrite(operations, { session, ordered: true });
            await counters.updateOne(counterFilters.byId(scope, collection), { $set: { seq } }, { session });
          }
          return { fromSeq, toSeq: seq, changed, stored };
        }),
      );
    },

    async getDoc<C extends CollectionName>(scope: string, collection: C, id: string) {
      await open();
      const row = await rowsOf(collection).findOne(docFilters.byId(scope, id), MAJORITY_ON_PRIMARY);
      return row ? { seq: row.seq, doc: row.doc as unknown as SyncDoc<C> } : undefined;
    },

    async currentSeq(scope, collection) {
      await open();
      const counter = await counters.findOne(counterFilters.byId(scope, collection), MAJORITY_ON_PRIMARY);
      return counter?.seq ?? 0;
    },

    async countDocuments(collection, owner) {
      await open();
      return rowsOf(collection).countDocuments(docFilters.live(owner));
    },

    async eraseOwner(owner) {
      await open();
      return runTransaction('erase owner', async (session) => {
        let documents = 0;
        for (const collection of DOC_COLLECTIONS) {
          documents += (await rowsOf(collection).deleteMany(docFilters.ofOwner(owner), { session })).deletedCount;
        }
        await counters.deleteMany(counterFilters.ofOwner(owner), { session });
        return { documents };
      });
    },
  };
}
