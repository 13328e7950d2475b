import type { CollectionName, MergeResult, PushRow, SyncDoc } from '@taskmaster/shared-schema';

/** A stored document with the sequence number of its latest change. */
export interface StoredDoc<C extends CollectionName = CollectionName> {
  seq: number;
  doc: SyncDoc<C>;
}

/** Called by the store inside the push transaction, once per row, with the current stored state. */
export type MergeFn<C extends CollectionName = CollectionName> = (
  master: SyncDoc<C> | undefined,
  row: PushRow<C>,
) => MergeResult<SyncDoc<C>>;

export interface PushOutcome<C extends CollectionName = CollectionName> {
  /** The scope's sequence for this collection before this push. */
  fromSeq: number;
  /** The sequence after it (equal to `fromSeq` when nothing changed). */
  toSeq: number;
  /** Documents whose stored state changed, in sequence order. */
  changed: StoredDoc<C>[];
  /** For every pushed row, in order: the stored state after the merge. */
  stored: SyncDoc<C>[];
}

export interface PushOptions {
  /**
   * The user who owns the documents written by this push. Defaults to the scope, which is the owner
   * today (one scope per user); a shared list will be a scope of its own with its owner's id here.
   * It is stored in every document and counter, as the future shard key.
   */
  owner?: string;
}

/**
 * The document port: scoped documents with per-scope sequence counters. Every method is async so a
 * networked database fits behind it; nothing above this interface knows which database is underneath.
 *
 * A *scope* is the unit of sequencing and replication: today a user's id, later also a shared list.
 * Documents and counters are keyed by (scope, collection); the owner is kept beside them.
 *
 * Rule R2: `applyPush` stores a whole batch in one atomic write that also assigns the sequence
 * numbers from the scope's counter, so sequence order equals commit order; `pull` returns
 * `seq > afterSeq` in sequence order.
 */
export interface DocumentStore {
  readonly kind: string;
  /** Resolves once the store is ready to serve (schema migrated, connection up). */
  ready(): Promise<void>;
  /** Cheap liveness probe for `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** The documents of a scope with `seq > afterSeq`, in sequence order, at most `limit` of them. */
  pull<C extends CollectionName>(
    scope: string,
    collection: C,
    afterSeq: number,
    limit: number,
  ): Promise<StoredDoc<C>[]>;
  /**
   * Merges `rows` into the scope in one transaction: for each row, `merge(stored, row)`; every
   * changed document takes the next sequence number. If anything throws, nothing is stored.
   */
  applyPush<C extends CollectionName>(
    scope: string,
    collection: C,
    rows: PushRow<C>[],
    merge: MergeFn<C>,
    options?: PushOptions,
  ): Promise<PushOutcome<C>>;
  getDoc<C extends CollectionName>(scope: string, collection: C, id: string): Promise<StoredDoc<C> | undefined>;
  /** Current sequence of a scope's collection (0 when empty). */
  currentSeq(scope: string, collection: CollectionName): Promise<number>;
  /** Live (not deleted) documents of a collection, of one owner or of everyone. */
  countDocuments(collection: CollectionName, owner?: string): Promise<number>;
  /**
   * Erases everything an owner has: documents, tombstones and counters of all their scopes (GDPR
   * erase). This is the only hard delete; the sync path never deletes.
   */
  eraseOwner(owner: string): Promise<{ documents: number }>;
}
