import { TaskmasterError, type CollectionName, type PushRow, type SyncDoc } from '@taskmaster/shared-schema';
import type { DocumentStore, MergeFn, PushOutcome, StoredDoc } from '../document-store.js';
import type { Migratable } from '../migrations/migrator.js';
import { openSqlite, sqliteMigratable, type SqliteOptions } from './sqlite-database.js';
import { SQLITE_DOCUMENT_MIGRATIONS } from './sqlite-migrations.js';

interface DocRow {
  seq: number;
  data: string;
}

export type SqliteDocumentStore = DocumentStore & Migratable;

/** The real `setImmediate`, also where a test installs fake timers later: a commit never waits for a fake clock. */
const afterThisPhase = globalThis.setImmediate;

/**
 * The embedded DocumentStore on better-sqlite3. better-sqlite3 is synchronous; the async methods
 * keep the port shaped for networked stores. Pushes run in `BEGIN IMMEDIATE` transactions that read
 * the scope's counter, merge each row against the stored document and write it with the next
 * sequence number (R2). Tombstones stay.
 */
export function createSqliteDocumentStore(options: SqliteOptions): SqliteDocumentStore {
  const db = openSqlite(options);
  const migratable = sqliteMigratable(db, 'documents', SQLITE_DOCUMENT_MIGRATIONS);
  let closed = false;
  const open = () => {
    if (closed) throw new TaskmasterError('internal', 'store is closed', 503);
  };

  // Statements are prepared on first use: the tables exist only once the migrations have run.
  const prepared = () => ({
    getSeq: db.prepare<[string, string], { seq: number }>(
      'SELECT seq FROM sequences WHERE scope = ? AND collection = ?',
    ),
    setSeq: db.prepare(
      `INSERT INTO sequences (scope, collection, owner, seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (scope, collection) DO UPDATE SET seq = excluded.seq`,
    ),
    getDoc: db.prepare<[string, string, string], DocRow>(
      'SELECT seq, data FROM documents WHERE scope = ? AND collection = ? AND id = ?',
    ),
    upsertDoc: db.prepare(
      `INSERT INTO documents (scope, collection, id, owner, seq, deleted, data) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, collection, id) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, data = excluded.data`,
    ),
    pull: db.prepare<[string, string, number, number], DocRow>(
      'SELECT seq, data FROM documents WHERE scope = ? AND collection = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    countAll: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM documents WHERE collection = ? AND deleted = 0',
    ),
    countOwner: db.prepare<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM documents WHERE owner = ? AND collection = ? AND deleted = 0',
    ),
    eraseDocs: db.prepare('DELETE FROM documents WHERE owner = ?'),
    eraseSeqs: db.prepare('DELETE FROM sequences WHERE owner = ?'),
  });
  let statements: ReturnType<typeof prepared> | undefined;
  const q = () => {
    open();
    statements ??= prepared();
    return statements;
  };

  const push = db.transaction(
    (scope: string, owner: string, collection: CollectionName, rows: PushRow[], merge: MergeFn): PushOutcome => {
      const s = q();
      const fromSeq = s.getSeq.get(scope, collection)?.seq ?? 0;
      let seq = fromSeq;
      const changed: StoredDoc[] = [];
      const stored: SyncDoc[] = [];
      for (const row of rows) {
        const existing = s.getDoc.get(scope, collection, row.newDocumentState.id);
        const master = existing ? (JSON.parse(existing.data) as SyncDoc) : undefined;
        const result = merge(master, row);
        stored.push(result.doc);
        if (!result.changed) continue;
        seq += 1;
        s.upsertDoc.run(
          scope,
          collection,
          result.doc.id,
          owner,
          seq,
          result.doc._deleted ? 1 : 0,
          JSON.stringify(result.doc),
        );
        // The merge's own object, not a re-parsed copy: every merge reads its master from the table,
        // so nothing a caller does with the outcome can reach a later merge or the stored row.
        changed.push({ seq, doc: result.doc });
      }
      if (seq !== fromSeq) s.setSeq.run(scope, collection, owner, seq);
      return { fromSeq, toSeq: seq, changed, stored };
    },
  );
  /**
   * Group commit. A durable commit is an fsync (R1), and it blocks the event loop, so pushes from
   * many devices would each wait for every commit before theirs. Instead, pushes that reach the
   * store in the same turn of the event loop (everything read from the network in one poll phase)
   * are queued and stored by one transaction with one fsync, at `setImmediate`, right after that
   * phase; a lone push waits for nothing but the end of the phase it arrived in. Each push is its
   * own savepoint inside the group: one that throws rolls back alone (a push is all or nothing,
   * R6) and the others commit. Sequence numbers are assigned push by push in queue order inside
   * the one transaction, so sequence order is still commit order (R2); every acknowledgement waits
   * for the group's commit.
   */
  interface Queued {
    args: Parameters<typeof push>;
    resolve: (outcome: PushOutcome) => void;
    reject: (error: unknown) => void;
  }
  let queue: Queued[] = [];
  const group = db.transaction((batch: Queued[]) =>
    batch.map((item): { ok: PushOutcome } | { error: unknown } => {
      try {
        // Nested in `group`, so better-sqlite3 runs it as a savepoint.
        return { ok: push(...item.args) };
      } catch (error) {
        return { error };
      }
    }),
  );
  const flush = () => {
    const batch = queue;
    queue = [];
    let results: ({ ok: PushOutcome } | { error: unknown })[];
    try {
      // IMMEDIATE takes the write lock up front, so two processes sharing the file serialize here
      // instead of failing on lock upgrade; the sequence reads and writes are inside that lock.
      results = group.immediate(batch);
    } catch (error) {
      // The commit itself failed (disk full, lock timeout, closed): nothing of the group is stored.
      for (const item of batch) item.reject(error);
      return;
    }
    results.forEach((result, i) => {
      if ('ok' in result) batch[i]!.resolve(result.ok);
      else batch[i]!.reject(result.error);
    });
  };
  const enqueue = (...args: Parameters<typeof push>) =>
    new Promise<PushOutcome>((resolve, reject) => {
      if (queue.length === 0) afterThisPhase(flush);
      queue.push({ args, resolve, reject });
    });

  const erase = db.transaction((owner: string) => {
    const s = q();
    const documents = s.eraseDocs.run(owner).changes;
    s.eraseSeqs.run(owner);
    return { documents };
  });

  const ready = options.migrate === false ? Promise.resolve() : migratable.migrateUp().then(() => undefined);
  // A failed migration is reported by `ready()`; keep it from being an unhandled rejection meanwhile.
  ready.catch(() => undefined);

  return {
    kind: 'sqlite',
    ...migratable,
    ready: () => ready,
    async ping() {
      open();
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      // Pushes already queued came before the close: store them now (their scheduled flush then
      // finds the queue empty). Once closed, no push is queued any more.
      if (queue.length > 0) flush();
      closed = true;
      await ready.catch(() => undefined);
      db.close();
    },

    async pull<C extends CollectionName>(scope: string, collection: C, afterSeq: number, limit: number) {
      await ready;
      return q()
        .pull.all(scope, collection, afterSeq, limit)
        .map((row) => ({ seq: row.seq, doc: JSON.parse(row.data) as SyncDoc<C> }));
    },
    async applyPush<C extends CollectionName>(
      scope: string,
      collection: C,
      rows: PushRow<C>[],
      merge: MergeFn<C>,
      pushOptions?: { owner?: string },
    ) {
      await ready;
      open();
      return (await enqueue(
        scope,
        pushOptions?.owner ?? scope,
        collection,
        rows as PushRow[],
        merge as unknown as MergeFn,
      )) as unknown as PushOutcome<C>;
    },
    async getDoc<C extends CollectionName>(scope: string, collection: C, id: string) {
      await ready;
      const row = q().getDoc.get(scope, collection, id);
      return row ? { seq: row.seq, doc: JSON.parse(row.data) as SyncDoc<C> } : undefined;
    },
    async currentSeq(scope, collection) {
      await ready;
      return q().getSeq.get(scope, collection)?.seq ?? 0;
    },
    async countDocuments(collection, owner) {
      await ready;
      const s = q();
      return (owner === undefined ? s.countAll.get(collection) : s.countOwner.get(owner, collection))?.n ?? 0;
    },
    async eraseOwner(owner) {
      await ready;
      return erase.immediate(owner);
    },
  };
}
