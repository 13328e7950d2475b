import {
  COLLECTIONS,
  computeDigest,
  mergeDocs,
  differingBuckets,
  documentDigestHash,
  isErrorBody,
  jsonEqual,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  PROTOCOL_LIMITS,
  restampAfter,
  type Ack,
  type ChangeEvent,
  type CollectionName,
  type HybridLogicalClock,
  type PushRequest,
  type PushResponse,
  type SyncCheckpoint,
  type SyncDoc,
} from '@taskmaster/shared-schema';
import { getAssumedMasterState, prepareQuery } from 'rxdb/plugins/core';
import type { RxCollection, RxReplicationPullStreamItem, WithDeleted } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { filter, firstValueFrom, merge, Subject } from 'rxjs';
import { requestPull, requestPush, SyncRequestError } from './requests.js';
import type { SyncTransport } from './transport.js';

/** Rejections of the pushed data itself: retrying the same rows cannot succeed. */
const PERMANENT_PUSH_ERRORS = new Set<string>([
  'invalid-payload',
  'schema-invalid',
  'unknown-collection',
  'batch-too-large',
  'payload-too-large',
  'duplicate-id',
  'forbidden',
]);

export interface CollectionReplicationOptions {
  collection: RxCollection;
  name: CollectionName;
  transport: SyncTransport;
  clock: HybridLogicalClock;
  /** Distinguishes checkpoints per server and user. */
  identifier: string;
  pullBatchSize?: number;
  pushBatchSize?: number;
  retryTimeMs?: number;
  /** Called with the documents the server acknowledged (durably stored). */
  onPushed?: (docs: { id: string; updatedAt: number }[]) => void;
  /** The server's bound on clock stamps, from `sync:hello` (rule R8). */
  maxClockSkewMs?: () => number;
  /**
   * The server no longer takes this schema version: the app must be updated. The push then waits
   * (its writes stay pending on the device) until the replication stops.
   */
  onUpgradeRequired?: (message: string) => void;
  /** Called when a verify found and repaired documents that differed from the server (rule R9). */
  onRepair?: (repair: { collection: CollectionName; buckets: number[]; documents: string[] }) => void;
}

/** What one verify (rule R9) did. */
export type VerifyOutcome = 'in-sync' | 'repaired' | 'not-comparable' | 'offline';

/** The last `echoId` given to a push (see `CollectionReplication.rememberSent`). */
let lastEchoId = 0;

const VERIFY_TIMEOUT_MS = 15_000;

function answer<T>(response: Ack<T>): T {
  if (isErrorBody(response)) throw new SyncRequestError(response.error.reason, response.error.message);
  return response;
}

/** A storage document without RxDB's bookkeeping fields, as the server stores it. */
function stripRxMeta(doc: SyncDoc): SyncDoc {
  // RxDB hands pushes over without them; the rest copy costs about 15 µs a document.
  if (!('_meta' in doc) && !('_rev' in doc) && !('_attachments' in doc)) return doc;
  const { _meta, _rev, _attachments, ...rest } = doc as SyncDoc & {
    _meta?: unknown;
    _rev?: unknown;
    _attachments?: unknown;
  };
  void _meta;
  void _rev;
  void _attachments;
  return rest as SyncDoc;
}

/**
 * RxDB's schema migration adds an empty `_attachments` to the replication's copies of master states;
 * the server accepts only schema fields (rule R5).
 */
function withoutAttachments(doc: WithDeleted<SyncDoc>): WithDeleted<SyncDoc> {
  if (!('_attachments' in doc)) return doc;
  const { _attachments: _, ...rest } = doc as WithDeleted<SyncDoc> & { _attachments: unknown };
  return rest as WithDeleted<SyncDoc>;
}

/**
 * One collection's RxDB replication over the socket. Checkpoints only advance through pulls, or
 * through live events that continue exactly where this device's checkpoint is (rule R3); any gap,
 * reordering or doubt turns into a pull from the checkpoint.
 */
export class CollectionReplication {
  readonly state: RxReplicationState<SyncDoc, SyncCheckpoint>;
  private readonly stream$ = new Subject<RxReplicationPullStreamItem<SyncDoc, SyncCheckpoint>>();
  /** Last sequence handed to RxDB (from a pull or an applied live event); -1 before the first pull. */
  private knownSeq = -1;
  /**
   * Pull bookkeeping. RxDB queues live documents behind a pull that is running, and would then
   * write them over the newer states that pull returned. So live documents are applied directly
   * only when no pull is running or requested: every pull requested (tick) must have been followed
   * by a completed pull loop that started after it.
   */
  private tick = 0;
  private resyncRequestedAt = 0;
  private lastCompletedPullStartedAt = -1;
  private pullsInFlight = 0;

  readonly name: CollectionName;
  private readonly options: CollectionReplicationOptions;
  private readonly collection: RxCollection;
  private readonly transport: SyncTransport;
  private readonly onRepair: CollectionReplicationOptions['onRepair'];

  constructor(options: CollectionReplicationOptions) {
    this.name = options.name;
    this.options = options;
    this.collection = options.collection;
    this.transport = options.transport;
    this.onRepair = options.onRepair;
    const { transport, name } = options;
    this.state = replicateRxCollection<SyncDoc, SyncCheckpoint>({
      collection: options.collection as unknown as RxCollection<SyncDoc>,
      replicationIdentifier: options.identifier,
      live: true,
      autoStart: false,
      waitForLeadership: false,
      toggleOnDocumentVisible: false,
      retryTime: options.retryTimeMs ?? 1000,
      pull: {
        batchSize: options.pullBatchSize ?? PROTOCOL_LIMITS.defaultPullBatch,
        stream$: this.stream$.asObservable(),
        handler: async (checkpoint, batchSize) => {
          const startedAt = ++this.tick;
          this.pullsInFlight += 1;
          try {
            // A rewind (see `suspect`) pulls again from before a change RxDB may have skipped.
            const rewind = this.rewindTo;
            this.rewindTo = undefined;
            const from = rewind !== undefined && checkpoint ? { seq: Math.min(checkpoint.seq, rewind) } : checkpoint;
            const response = await requestPull(transport, {
              collection: name,
              checkpoint: from ?? null,
              batchSize,
            });
            this.noteDownstream(response.documents, from?.seq ?? 0);
            if (response.checkpoint) this.knownSeq = Math.max(this.knownSeq, response.checkpoint.seq);
            else this.knownSeq = Math.max(this.knownSeq, 0);
            // RxDB ends a pull loop on the first batch that is not full.
            if (response.documents.length < batchSize) this.lastCompletedPullStartedAt = startedAt;
            return { documents: response.documents, checkpoint: response.checkpoint ?? checkpoint ?? { seq: 0 } };
          } finally {
            this.pullsInFlight -= 1;
          }
        },
      },
      push: {
        batchSize: options.pushBatchSize ?? PROTOCOL_LIMITS.maxPushRows,
        handler: async (rows) => {
          const pushed = this.beginPush(rows.map((row) => row.newDocumentState));
          const echoId = this.rememberSent(rows.map((row) => row.newDocumentState));
          try {
            const { response, restamped } = await this.pushUntilAccepted(transport, {
              collection: name,
              // The documents' schema version; the server upgrades older ones (SPEC, "Versions").
              schemaVersion: options.collection.schema.version,
              echoId,
              rows: rows.map((row) => ({
                newDocumentState: row.newDocumentState,
                assumedMasterState: row.assumedMasterState ? withoutAttachments(row.assumedMasterState) : null,
              })),
            });
            options.onPushed?.(
              rows.map((row) => ({ id: row.newDocumentState.id, updatedAt: row.newDocumentState.updatedAt })),
            );
            // Re-stamped rows (rule R8) come back as conflicts, so RxDB writes the stamps the server
            // holds into the local copy; a merged state the server returned for the same row wins.
            // RxDB drops a push result that arrives while the replication is paused, without recording
            // the pushed state as the master's; a later checkpoint then strands the document as an
            // "unpushed" write whose incoming master states RxDB skips forever (fuzz seed 73: the
            // acknowledgement and the shutdown's sync:reconnect arrived together). So the result is
            // handed over only once the replication runs again.
            await this.untilRunning();
            const conflicts = response.conflicts as WithDeleted<SyncDoc>[];
            const merged = new Set(conflicts.map((doc) => doc.id));
            for (const doc of restamped) if (!merged.has(doc.id)) conflicts.push(doc as WithDeleted<SyncDoc>);
            return conflicts;
          } finally {
            this.endPush(pushed);
          }
        },
      },
    });
  }

  /**
   * Sends a push, waiting out transient failures (offline, a draining server, rate limits, timeouts)
   * here instead of failing to RxDB. RxDB treats a push that failed while the replication was paused
   * as done, and a later empty batch then stores the upstream checkpoint past those documents, so
   * they would never be pushed (rule R1). Only a permanent rejection of the data, or the replication
   * being stopped, ends this with an error.
   */
  private async pushUntilAccepted(
    transport: SyncTransport,
    request: PushRequest,
  ): Promise<{ response: PushResponse; restamped: SyncDoc[] }> {
    const restamped = new Map<string, SyncDoc>();
    for (;;) {
      if (this.state.isStopped()) throw new Error('replication stopped');
      if (!transport.connected) {
        await this.nextConnect(transport);
        continue;
      }
      try {
        return { response: await requestPush(transport, request), restamped: [...restamped.values()] };
      } catch (error) {
        if (error instanceof SyncRequestError && PERMANENT_PUSH_ERRORS.has(error.reason)) throw error;
        if (error instanceof SyncRequestError && error.reason === 'clock-skew' && error.serverTime !== undefined) {
          request = this.restamp(request, error.serverTime, restamped);
          continue;
        }
        if (error instanceof SyncRequestError && error.reason === 'upgrade-required') {
          this.options.onUpgradeRequired?.(error.message);
          await this.stopped();
          continue;
        }
        // `server-outdated`: this instance predates the device's schema (rolling deploy); wait longer.
        const wait = error instanceof SyncRequestError && error.reason === 'server-outdated' ? 5000 : 250;
        await new Promise((resolve) => setTimeout(resolve, transport.connected ? wait : 0));
      }
    }
  }

  /**
   * Rule R8: the server refused stamps too far past its clock (this device's clock was ahead when
   * they were made, e.g. offline before any correction). The clock is corrected by the server's time,
   * and exactly the stamps the server refuses are replaced by fresh ones: the values stay, only the
   * time they claim moves to now, so no write is lost and none pins its field in the future.
   */
  private restamp(request: PushRequest, serverTime: number, restamped: Map<string, SyncDoc>): PushRequest {
    const maxSkew = this.options.maxClockSkewMs?.() ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    this.options.clock.syncTo(serverTime, maxSkew);
    const limit = serverTime + maxSkew;
    const rows = request.rows.map((row) => {
      const doc = row.newDocumentState;
      const clocks = restampAfter(doc.clocks, limit, () => this.options.clock.now());
      if (clocks === doc.clocks) return row;
      const next = { ...doc, clocks } as SyncDoc;
      restamped.set(next.id, next);
      if (request.echoId !== undefined) this.sent.get(request.echoId)?.set(next.id, next);
      return { ...row, newDocumentState: next };
    });
    return { ...request, rows } as PushRequest;
  }

  /** Resolves when the replication is stopped (cancelled). */
  private stopped(): Promise<void> {
    return new Promise((resolve) => {
      const subscription = this.state.canceled$.pipe(filter(Boolean)).subscribe(() => {
        resolve();
        queueMicrotask(() => subscription.unsubscribe());
      });
    });
  }

  /** Resolves once the replication is neither paused nor starting (or is stopped). */
  private async untilRunning(): Promise<void> {
    for (;;) {
      const internal = this.state.internalReplicationState;
      if (this.state.isStopped() || !internal || !internal.events.paused.getValue()) return;
      await firstValueFrom(
        merge(internal.events.paused.pipe(filter((paused) => !paused)), this.state.canceled$.pipe(filter(Boolean))),
      );
    }
  }

  /** Resolves on the socket's next connect, or when the replication is stopped. */
  private nextConnect(transport: SyncTransport): Promise<void> {
    if (this.state.isStopped()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        off();
        stopped.unsubscribe();
        resolve();
      };
      const off = transport.on('connect', done);
      // Not stopped yet, so the current value (false) emitted on subscribe does not call `done`.
      const stopped = this.state.canceled$.pipe(filter(Boolean)).subscribe(done);
    });
  }

  /**
   * Feeds a live change hint into the replication (rule R3). A device's own pushes come back too and
   * are applied like any other: RxDB holds live documents back while it pushes, so an older change
   * from another device can land after this device's push and must be followed by the newer state.
   */
  onChange(event: ChangeEvent): void {
    if (event.toSeq <= this.knownSeq) return;
    const documents = event.echo ? this.fillEcho(event.documents, event.echo) : event.documents;
    if (documents && this.pullIdle() && this.knownSeq >= 0 && event.fromSeq === this.knownSeq) {
      this.knownSeq = event.toSeq;
      this.noteDownstream(documents, event.fromSeq);
      this.stream$.next({ documents, checkpoint: { seq: event.toSeq } });
    } else {
      this.resync();
    }
  }

  /**
   * Ids of the documents this replication has handed RxDB a master state of (pulls, live events,
   * echoes). Only for these can RxDB's downstream still hold an older state queued when a push of
   * them is acknowledged, so only these must come back in the writer's echo (see `onChange`).
   */
  private readonly received = new Set<string>();
  /** The documents of the latest pushes as sent, by `echoId`, to fill their echoes (protocol 3). */
  private readonly sent = new Map<number, Map<string, SyncDoc>>();
  private static readonly SENT_KEPT = 16;

  private rememberSent(docs: SyncDoc[]): number {
    // Unique across replications in this page, so an echo can never name another one's push.
    const echoId = ++lastEchoId;
    this.sent.set(echoId, new Map(docs.map((doc) => [doc.id, doc])));
    for (const id of this.sent.keys()) {
      if (this.sent.size <= CollectionReplication.SENT_KEPT) break;
      this.sent.delete(id);
    }
    return echoId;
  }

  /**
   * The writer's echo of its own push (protocol 3) carries only the documents the merge changed and
   * names the others, stored as sent. Those of them RxDB has ever had a master state for are added
   * back from the push as sent: RxDB may hold an older master state of one queued, and would write it
   * over the push once acknowledged, unless the newer state follows it in that queue (fuzz seed 3269).
   * Undefined when the push is no longer known here: then the event is not applied and the
   * collection pulls instead.
   */
  private fillEcho(documents: SyncDoc[] | undefined, echo: NonNullable<ChangeEvent['echo']>): SyncDoc[] | undefined {
    if (!documents) return undefined;
    const needed = echo.stored.filter((id) => this.received.has(id));
    if (needed.length === 0) return documents;
    const sent = this.sent.get(echo.id);
    if (!sent) return undefined;
    const filled = [...documents];
    for (const id of needed) {
      const doc = sent.get(id);
      if (!doc) return undefined;
      filled.push(doc);
    }
    return filled;
  }

  /**
   * Documents this device is pushing right now (id -> the pushed state, and how many pushes hold
   * it). RxDB's downstream skips a master state for a document with an unpushed local write,
   * trusting the push to come back with a conflict. But this server merges instead of refusing, so
   * a push that committed *before* another device's change reports no conflict, and the skipped
   * newer state would be lost behind the checkpoint (fuzz seed 73, rule R3). So a master state that
   * arrives for a document while it is being pushed, and differs from what is pushed, is
   * remembered, and once the push has settled the collection pulls again from before it.
   *
   * "Differs" means any difference in the document, not only in its clocks: a merge can change a
   * document without changing a clock (it appends a conflict record when a concurrent push of the
   * same field loses, or drops dismissed ones). Fuzz seed 6743: d2 pushed t9 (seq 15), d1's
   * concurrent push of an older `tags` lost and only logged a conflict (seq 17), and that state
   * reached d2 while its own push was in flight. Compared by the R9 digest hash (then clocks
   * only), it looked like d2's pushed state, so RxDB's skip went unnoticed and d2 never got the
   * record. A digest is for finding divergence, not for deciding equality here.
   */
  private readonly pushing = new Map<string, { doc: SyncDoc; count: number }>();
  private suspectFrom: number | undefined;
  private rewindTo: number | undefined;

  private beginPush(docs: SyncDoc[]): string[] {
    for (const doc of docs) {
      const entry = this.pushing.get(doc.id);
      this.pushing.set(doc.id, { doc: stripRxMeta(doc), count: (entry?.count ?? 0) + 1 });
    }
    return docs.map((doc) => doc.id);
  }

  private endPush(ids: string[]): void {
    // RxDB records the pushed state as the master state only after this handler returns; until
    // then its downstream can still skip. So the ids stay marked until the upstream has settled.
    void this.state
      .awaitInSync()
      .catch(() => undefined)
      .then(() => {
        for (const id of ids) {
          const entry = this.pushing.get(id);
          if (!entry) continue;
          if (entry.count <= 1) this.pushing.delete(id);
          else entry.count -= 1;
        }
        if (this.suspectFrom !== undefined && this.pushing.size === 0) {
          this.rewindTo = Math.min(this.rewindTo ?? Infinity, this.suspectFrom);
          this.suspectFrom = undefined;
          this.resync();
        }
      });
  }

  /**
   * Notes master states handed to RxDB from sequence `fromSeq` on (see `pushing` and `received`),
   * and folds their stamps into the clock: later local edits must sort after everything seen from
   * others (one decode per batch instead of one per document, as a pull modifier did).
   */
  private noteDownstream(docs: SyncDoc[], fromSeq: number): void {
    this.options.clock.receiveClocks(docs.map((doc) => doc.clocks));
    for (const doc of docs) this.received.add(doc.id);
    if (this.pushing.size === 0) return;
    for (const doc of docs) {
      const entry = this.pushing.get(doc.id);
      // The whole document: equal clocks do not mean an equal conflict log (see `pushing`).
      if (entry && !jsonEqual(entry.doc, stripRxMeta(doc))) {
        this.suspectFrom = Math.min(this.suspectFrom ?? Infinity, Math.max(0, fromSeq));
      }
    }
  }

  /**
   * Diagnostics: the local copy and what RxDB assumes the server holds for one document. When they
   * differ, RxDB treats the local copy as an unpushed write (and skips incoming master states).
   */
  async inspect(id: string): Promise<{ fork: unknown; assumedMaster: unknown }> {
    const [fork] = await this.collection.storageInstance.findDocumentsById([id], true);
    const internal = this.state.internalReplicationState;
    const assumed = internal ? (await getAssumedMasterState(internal, [id]))[id]?.docData : undefined;
    return { fork, assumedMaster: assumed };
  }

  private pullIdle(): boolean {
    return this.pullsInFlight === 0 && this.lastCompletedPullStartedAt > this.resyncRequestedAt;
  }

  /**
   * Nothing can still change the local copy on its own: no pull running or requested, and no push
   * whose settling may yet pull again (a master state RxDB skipped during it, see `pushing`). A
   * verify compares only then: fuzz seed 7226 had d1's verify run between the end of its push of t8
   * and the pull that the push's skipped tombstone had asked for, so the verify "repaired" t8.
   */
  private settledForVerify(): boolean {
    return this.pullIdle() && this.pushing.size === 0 && this.suspectFrom === undefined;
  }

  /**
   * Every local document, tombstones included, as the digest sees it: one storage query without a
   * limit (a storage query does not leave out deleted documents), which the browser build reads
   * with one `getAll` (vite-plugins/dexie-bulk-read.ts). Paging by RxDB's changes checkpoint instead
   * re-walked the index from the start of each page's `_meta.lwt` (all documents of one pull batch
   * share one), about 1.3 s of main-thread cursor work per verify at 10,000 tasks in Chromium.
   */
  private async localDigestDocs(): Promise<SyncDoc[]> {
    const storage = this.collection.storageInstance;
    const query = prepareQuery(storage.schema, {
      selector: {},
      sort: [{ [this.collection.schema.primaryPath]: 'asc' }],
      skip: 0,
    } as never);
    return (await storage.query(query)).documents as unknown as SyncDoc[];
  }

  /**
   * Divergence check and self-repair (rule R9). Once this collection is in sync (nothing to push, no
   * pull running, checkpoint at the server's sequence), compares the server's digest with the local
   * one; the buckets that differ are fetched in full and their server states handed to RxDB as
   * master states, as a pull would. The checkpoint does not move. Anything not comparable (changes
   * still arriving) turns into a pull, and the next verify tries again.
   */
  async verify(): Promise<VerifyOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const outcome = await this.verifyOnce();
      if (outcome !== 'not-comparable') return outcome;
    }
    return 'not-comparable';
  }

  /** Waits (bounded) until RxDB is in sync and no pull is running or requested. */
  private async settle(): Promise<boolean> {
    for (let i = 0; i < 200; i++) {
      if (!this.transport.connected || this.state.isStopped()) return false;
      await this.state.awaitInSync();
      if (this.settledForVerify()) return true;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return false;
  }

  private async verifyOnce(): Promise<VerifyOutcome> {
    if (!(await this.settle())) return this.transport.connected ? 'not-comparable' : 'offline';
    // A write to the local copy while this verify runs (an edit, or a state from the server) makes
    // the comparison meaningless, and a repair merged from the earlier read would write over it: an
    // edit made while the bucket request was in flight was lost that way, and an edit made before
    // the local read was counted as a repair. Then nothing is repaired and the verify runs again.
    let localWrites = 0;
    const watching = this.collection.$.subscribe(() => (localWrites += 1));
    try {
      return await this.compareAndRepair(() => localWrites > 0);
    } finally {
      watching.unsubscribe();
    }
  }

  private async compareAndRepair(writtenSince: () => boolean): Promise<VerifyOutcome> {
    const remote = answer(await this.transport.request('sync:digest', { collection: this.name }, VERIFY_TIMEOUT_MS));
    if (remote.seq !== this.knownSeq || !this.settledForVerify()) {
      this.resync();
      return 'not-comparable';
    }
    const localDocs = await this.localDigestDocs();
    const buckets = differingBuckets(computeDigest(localDocs), remote.buckets);
    if (buckets.length === 0) return 'in-sync';
    const fetched = answer(
      await this.transport.request('sync:bucket', { collection: this.name, buckets }, VERIFY_TIMEOUT_MS),
    );
    // Only while no pull runs: RxDB would queue these behind it and then write them over newer states.
    if (!this.settledForVerify() || fetched.seq !== this.knownSeq) {
      this.resync();
      return 'not-comparable';
    }
    if (writtenSince()) return 'not-comparable';
    const mine = new Map(localDocs.map((doc) => [doc.id, documentDigestHash(doc)]));
    const differing = fetched.documents.filter((doc) => mine.get(doc.id) !== documentDigestHash(doc));
    if (differing.length > 0) await this.repairWith(differing, localDocs);
    this.onRepair?.({ collection: this.name, buckets, documents: differing.map((doc) => doc.id) });
    return 'repaired';
  }

  /**
   * Writes the server's states into the local copies, merged per field with them (rule R4), so a
   * newer local edit survives. Written as a local change on purpose: RxDB skips incoming master
   * states for a document it believes has an unpushed write, which is how a device gets stuck; a
   * local write is pushed instead, the server merges it as a no-op for every field it already
   * holds, and RxDB's view of the master is right again.
   */
  private async repairWith(serverDocs: SyncDoc[], localDocs: SyncDoc[]): Promise<void> {
    const local = new Map(localDocs.map((doc) => [doc.id, doc]));
    const fields = COLLECTIONS[this.name].mergeFields;
    this.options.clock.receiveClocks(serverDocs.map((doc) => doc.clocks));
    const writes = serverDocs.map((doc) => {
      const mine = local.get(doc.id);
      // `assumed` = the local copy itself: nothing here is a concurrent edit, so nothing is logged.
      const merged = mine ? mergeDocs(doc, stripRxMeta(mine), stripRxMeta(mine), fields).doc : doc;
      return merged;
    });
    await this.collection.bulkUpsert(writes as never[]);
  }

  /** Records that RxDB will pull (it does on every start), so live documents wait for that pull. */
  markResync(): void {
    this.resyncRequestedAt = ++this.tick;
  }

  resync(): void {
    this.markResync();
    this.stream$.next('RESYNC');
  }
}
