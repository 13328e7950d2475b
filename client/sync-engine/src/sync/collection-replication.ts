import {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  PROTOCOL_LIMITS,
  restampAfter,
  type ChangeEvent,
  type CollectionName,
  type HybridLogicalClock,
  type PushRequest,
  type PushResponse,
  type SyncCheckpoint,
  type SyncDoc,
} from '@taskmaster/shared-schema';
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

  constructor(options: CollectionReplicationOptions) {
    this.name = options.name;
    this.options = options;
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
        await new Promise((resolve) => setTimeout(resolve, transport.connected ? 250 : 0));
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
    const pullIdle = this.pullsInFlight === 0 && this.lastCompletedPullStartedAt > this.resyncRequestedAt;
    if (event.documents && pullIdle && this.knownSeq >= 0 && event.fromSeq === this.knownSeq) {
      this.knownSeq = event.toSeq;
      this.stream$.next({ documents: event.documents, checkpoint: { seq: event.toSeq } });
    } else {
      this.resync();
    }
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
