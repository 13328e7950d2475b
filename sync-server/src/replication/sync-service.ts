import {
  bucketRequestSchema,
  COLLECTIONS,
  computeDigest,
  digestBucketOf,
  digestRequestSchema,
  type BucketResponse,
  type DigestResponse,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  encodeHlc,
  jsonEqual,
  mergeDocs,
  PROTOCOL_LIMITS,
  pullRequestSchema,
  pushRequestSchema,
  TaskmasterError,
  type ChangeEvent,
  type CollectionName,
  type PullResponse,
  type PushResponse,
  type PushRow,
  restampAfter,
  type SyncDoc,
  upgradeDoc,
} from '@taskmaster/shared-schema';
import type { z } from 'zod';
import type { Fanout } from '../fanout/fanout.js';
import type { DocumentStore } from '../store/document-store.js';
import { validate } from '../validation/validate.js';
import { DocValidator } from './doc-validator.js';

export interface SyncServiceOptions {
  /** How far past `now()` a pushed clock stamp may be (rule R8); default 5 minutes. */
  maxClockSkewMs?: number;
  now?: () => number;
  /** Called when a device fetches buckets to repair a divergence (rule R9): count it, a repair means a bug. */
  onRepair?: (userId: string, collection: CollectionName, buckets: number) => void;
}

/**
 * The writer's own event for a push: in full, or (the push named an `echoId`) with only the documents
 * in `merged` and the rest by id.
 */
function writerEcho(full: ChangeEvent, merged: ReadonlySet<string>, echoId: number | undefined): ChangeEvent {
  if (echoId === undefined) return full;
  const documents: SyncDoc[] = [];
  const stored: string[] = [];
  for (const doc of full.documents ?? []) {
    if (merged.has(doc.id)) documents.push(doc);
    else stored.push(doc.id);
  }
  return { ...full, documents, echo: { id: echoId, stored } };
}

/**
 * Pull and push, independent of the transport. The owner of every document is the authenticated
 * user passed in by the caller, never a value from the payload (rule R5).
 */
export class SyncService {
  private readonly validator = new DocValidator();
  private readonly maxClockSkewMs: number;
  private readonly now: () => number;
  private readonly onRepair: SyncServiceOptions['onRepair'];
  private readonly digests = new Map<string, DigestResponse>();

  constructor(
    private readonly store: DocumentStore,
    private readonly fanout: Fanout,
    options: SyncServiceOptions = {},
  ) {
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    // Read at each call, so fake timers installed after construction (the simulation) are seen.
    this.now = options.now ?? (() => Date.now());
    this.onRepair = options.onRepair;
  }

  async pull(userId: string, payload: unknown): Promise<PullResponse> {
    if (payload && typeof payload === 'object' && (payload as { batchSize?: unknown }).batchSize !== undefined) {
      const size = (payload as { batchSize?: unknown }).batchSize;
      if (typeof size === 'number' && size > PROTOCOL_LIMITS.maxPullBatch) {
        throw new TaskmasterError(
          'batch-too-large',
          `batchSize ${size} exceeds the limit of ${PROTOCOL_LIMITS.maxPullBatch}`,
        );
      }
    }
    const request = validate(pullRequestSchema, payload, 'pull request');
    const after = request.checkpoint?.seq ?? 0;
    const rows = await this.store.pull(userId, request.collection, after, request.batchSize);
    const last = rows.at(-1);
    return {
      // Stored documents are upgraded on the way out; their version is not recorded, and the steps are idempotent.
      documents: rows.map((row) => upgradeDoc(request.collection, row.doc)),
      checkpoint: last ? { seq: last.seq } : request.checkpoint,
    };
  }

  /**
   * `origin` is the pushing connection (opaque here): it hears its own change last (see
   * `Fanout.publish`), so that RxDB's queue on the device gets the pushed states after any older
   * ones it may hold (SPEC R3). A push that names an `echoId` (protocol 3) is echoed with only the
   * documents the merge made different, and the ids of those stored as sent; any other push is
   * echoed in full.
   */
  async push(userId: string, payload: unknown, origin?: string): Promise<PushResponse> {
    const rowCount = (payload as { rows?: unknown })?.rows;
    if (Array.isArray(rowCount) && rowCount.length > PROTOCOL_LIMITS.maxPushRows) {
      throw new TaskmasterError(
        'batch-too-large',
        `${rowCount.length} rows exceed the limit of ${PROTOCOL_LIMITS.maxPushRows} per push`,
      );
    }
    const request = validate(pushRequestSchema, payload, 'push request');
    const collection = request.collection;
    const schemaVersion = this.validator.checkSchemaVersion(collection, request.schemaVersion ?? 0);
    const rows = this.validateRows(collection, request.rows, schemaVersion);
    const mergeFields = COLLECTIONS[collection].mergeFields;
    const outcome = await this.store.applyPush(userId, collection, rows, (master, row) =>
      mergeDocs(
        master && this.unpinned(upgradeDoc(collection, master)),
        row.assumedMasterState ?? undefined,
        row.newDocumentState,
        mergeFields,
      ),
    );
    // Rows whose stored state is not what the device sent (merged with another device's change)
    // come back as RxDB conflicts; the client adopts the server's merged state.
    const conflicts: SyncDoc[] = [];
    // For the writer's echo: the documents stored other than exactly as the device sent them (merged,
    // or upgraded from an older schema on the way in).
    const merged = new Set<string>();
    outcome.stored.forEach((doc, i) => {
      if (!jsonEqual(doc, rows[i]!.newDocumentState)) {
        conflicts.push(doc);
        merged.add(doc.id);
      } else {
        const sent: unknown = request.rows[i]!.newDocumentState;
        if (rows[i]!.newDocumentState !== sent && !jsonEqual(doc, sent)) merged.add(doc.id);
      }
    });
    if (outcome.changed.length > 0) {
      const hint: ChangeEvent = { collection, fromSeq: outcome.fromSeq, toSeq: outcome.toSeq };
      const full: ChangeEvent = { ...hint, documents: outcome.changed.map((c) => c.doc) };
      const event = outcome.changed.length <= PROTOCOL_LIMITS.maxStreamDocs ? full : hint;
      this.fanout.publish(
        userId,
        event,
        origin === undefined ? undefined : { connection: origin, event: writerEcho(full, merged, request.echoId) },
      );
    }
    return { conflicts, seq: outcome.toSeq };
  }

  /**
   * The collection's digest (rule R9) at its current sequence. Computed from a full read of the
   * scope and cached per sequence, so a burst of verifying devices costs one read per change.
   */
  async digest(userId: string, payload: unknown): Promise<DigestResponse> {
    const request = validate(digestRequestSchema, payload, 'digest request');
    const key = `${request.collection}\u0000${userId}`;
    const cached = this.digests.get(key);
    if (cached && cached.seq === (await this.store.currentSeq(userId, request.collection))) return cached;
    const { seq, docs } = await this.readScope(userId, request.collection);
    const digest = { seq, buckets: computeDigest(docs) };
    this.digests.set(key, digest);
    // Bounded: the cache only spares repeated reads of busy scopes.
    if (this.digests.size > 1000) this.digests.delete(this.digests.keys().next().value!);
    return digest;
  }

  /** Every stored document in the named buckets, tombstones included (the repair of rule R9). */
  async bucket(userId: string, payload: unknown): Promise<BucketResponse> {
    const request = validate(bucketRequestSchema, payload, 'bucket request');
    const wanted = new Set(request.buckets);
    const { seq, docs } = await this.readScope(userId, request.collection);
    this.onRepair?.(userId, request.collection, request.buckets.length);
    return { seq, documents: docs.filter((doc) => wanted.has(digestBucketOf(doc.id))) };
  }

  private async readScope(userId: string, collection: CollectionName) {
    const rows = await this.store.pull(userId, collection, 0, Number.MAX_SAFE_INTEGER);
    return { seq: rows.at(-1)?.seq ?? 0, docs: rows.map((row) => row.doc) };
  }

  /**
   * Rule R8 for documents stored before stamps were bounded: a stored stamp past the bound is taken
   * as made `maxClockSkewMs` before now, so any honest edit of its field wins from now on, while
   * edits older than that still lose to it.
   */
  private unpinned<D extends SyncDoc>(doc: D): D {
    const now = this.now();
    const clocks = restampAfter(doc.clocks, now + this.maxClockSkewMs, () =>
      encodeHlc({ ms: now - this.maxClockSkewMs, counter: 0 }, 'server'),
    );
    return clocks === doc.clocks ? doc : { ...doc, clocks };
  }

  private validateRows(
    collection: CollectionName,
    rows: z.infer<typeof pushRequestSchema>['rows'],
    schemaVersion: number,
  ): PushRow[] {
    const seen = new Set<string>();
    const serverTime = this.now();
    return rows.map((row, index) => {
      const what = `rows[${index}].newDocumentState`;
      const doc = this.validator.check(collection, row.newDocumentState, what, schemaVersion);
      this.validator.checkClocks(doc, serverTime, this.maxClockSkewMs, what);
      if (seen.has(doc.id))
        throw new TaskmasterError('duplicate-id', `rows[${index}]: document ${doc.id} appears twice in one push`);
      seen.add(doc.id);
      // The device's copy of the master may predate its own schema upgrade (RxDB keeps it as it was).
      const assumed = row.assumedMasterState
        ? this.validator.check(collection, row.assumedMasterState, `rows[${index}].assumedMasterState`, 0)
        : undefined;
      if (assumed && assumed.id !== doc.id) {
        throw new TaskmasterError('invalid-payload', `rows[${index}]: assumedMasterState is for another document`);
      }
      return { newDocumentState: doc, assumedMasterState: assumed };
    });
  }
}
