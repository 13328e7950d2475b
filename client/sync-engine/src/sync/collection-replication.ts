import {
  computeDigest,
  differingBuckets,
  documentDigestHash,
  isErrorBody,
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
import { getChangedDocumentsSince } from 'rxdb/plugins/core';
import type { RxCollection, RxReplicationPullStreamItem, WithDeleted } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { filter, Subject } from 'rxjs';
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

const VERIFY_TIMEOUT_MS = 15_000;

function answer<T>(response: Ack<T>): T {
  if (isErrorBody(response)) throw new SyncRequestError(response.error.reason, response.error.message);
  return response;
}

function maxClock(doc: SyncDoc): string | undefined {
  let max: string | undefined;
  for (const value of Object.values(doc.clocks)) if (value && (!max || value > max)) max = value;
  return max;
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
    const { transport, name, clock } = options;
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
            const response = await requestPull(transport, {
              collection: name,
              checkpoint: checkpoint ?? null,
              batchSize,
            });
            if (response.checkpoint) this.knownSeq = Math.max(this.knownSeq, response.checkpoint.seq);
            else this.knownSeq = Math.max(this.knownSeq, 0);
            // RxDB ends a pull loop on the first batch that is not full.
            if (response.documents.length < batchSize) this.lastCompletedPullStartedAt = startedAt;
            return { documents: response.documents, checkpoint: response.checkpoint ?? checkpoint ?? { seq: 0 } };
          } finally {
            this.pullsInFlight -= 1;
          }
        },
        modifier: (doc) => {
          // Hybrid logical clock: later local edits must sort after everything seen from others.
          clock.receive(maxClock(doc));
          return doc;
        },
      },
      push: {
        batchSize: options.pushBatchSize ?? PROTOCOL_LIMITS.maxPushRows,
        handler: async (rows) => {
          const { response, restamped } = await this.pushUntilAccepted(transport, {
            collection: name,
            // The documents' schema version; the server upgrades older ones (SPEC, "Versions").
            schemaVersion: options.collection.schema.version,
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
          const conflicts = response.conflicts as WithDeleted<SyncDoc>[];
          const merged = new Set(conflicts.map((doc) => doc.id));
          for (const doc of restamped) if (!merged.has(doc.id)) conflicts.push(doc as WithDeleted<SyncDoc>);
          return conflicts;
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
    if (event.documents && this.pullIdle() && this.knownSeq >= 0 && event.fromSeq === this.knownSeq) {
      this.knownSeq = event.toSeq;
      this.stream$.next({ documents: event.documents, checkpoint: { seq: event.toSeq } });
    } else {
      this.resync();
    }
  }

  private pullIdle(): boolean {
    return this.pullsInFlight === 0 && this.lastCompletedPullStartedAt > this.resyncRequestedAt;
  }

  /** Every local document, tombstones included, as the digest sees it. */
  private async localDigestDocs(): Promise<SyncDoc[]> {
    const out: SyncDoc[] = [];
    let checkpoint: unknown;
    for (;;) {
      const page = await getChangedDocumentsSince(this.collection.storageInstance, 1000, checkpoint as never);
      out.push(...(page.documents as unknown as SyncDoc[]));
      if (page.documents.length < 1000) return out;
      checkpoint = page.checkpoint;
    }
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
      if (this.pullIdle()) return true;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return false;
  }

  private async verifyOnce(): Promise<VerifyOutcome> {
    if (!(await this.settle())) return this.transport.connected ? 'not-comparable' : 'offline';
    const remote = answer(await this.transport.request('sync:digest', { collection: this.name }, VERIFY_TIMEOUT_MS));
    if (remote.seq !== this.knownSeq || !this.pullIdle()) {
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
    if (!this.pullIdle() || fetched.seq !== this.knownSeq) {
      this.resync();
      return 'not-comparable';
    }
    const mine = new Map(localDocs.map((doc) => [doc.id, documentDigestHash(doc)]));
    const differing = fetched.documents.filter((doc) => mine.get(doc.id) !== documentDigestHash(doc));
    // The pull modifier folds their clocks into the device clock, as for any pulled document.
    if (differing.length > 0) this.stream$.next({ documents: differing, checkpoint: { seq: this.knownSeq } });
    this.onRepair?.({ collection: this.name, buckets, documents: differing.map((doc) => doc.id) });
    return 'repaired';
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
