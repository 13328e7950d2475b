import { z } from 'zod';
import type { CollectionName, SyncDoc } from '../collections/index.js';
import { COLLECTION_NAMES } from '../collections/index.js';
import type { BucketRequest, BucketResponse, DigestRequest, DigestResponse } from './digest.js';
import type { ErrorBody } from './errors.js';
import { PROTOCOL_LIMITS } from './limits.js';
import type { HelloEvent } from './version.js';

/**
 * A pull position: the per-user, per-collection sequence number of the last change received
 * (rule R2). Never a wall-clock time.
 */
export interface SyncCheckpoint {
  seq: number;
}

export const checkpointSchema = z.object({ seq: z.number().int().nonnegative() }).strict();
const collectionSchema = z.enum(COLLECTION_NAMES as [CollectionName, ...CollectionName[]]);

/** `pull` request: the next changes after `checkpoint`, in sequence order. */
export const pullRequestSchema = z
  .object({
    collection: collectionSchema,
    checkpoint: checkpointSchema.nullable(),
    batchSize: z.number().int().min(1).max(PROTOCOL_LIMITS.maxPullBatch),
  })
  .strict();
export type PullRequest = z.infer<typeof pullRequestSchema>;

/**
 * A JSON object, checked without copying it (`z.record` rebuilt every document key by key, a few
 * percent of a push's server CPU): the server validates each document against its collection's
 * schema right after.
 */
const jsonObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'expected an object',
);

/**
 * `push` request envelope. Documents themselves are checked against the collection's JSON schema
 * after the envelope, so this only requires them to be objects.
 */
export const pushRequestSchema = z
  .object({
    collection: collectionSchema,
    rows: z
      .array(
        z
          .object({
            assumedMasterState: jsonObject.nullable().optional(),
            newDocumentState: jsonObject,
          })
          .strict(),
      )
      .min(1),
    /** The schema version of the pushed documents (absent: 0, a device built before versioning). */
    schemaVersion: z.number().int().nonnegative().max(1e6).optional(),
    /** Protocol 3: names this push in the writer's echo, which then lists its stored documents by id. */
    echoId: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();
export interface PushRow<C extends CollectionName = CollectionName> {
  assumedMasterState?: SyncDoc<C> | null;
  newDocumentState: SyncDoc<C>;
}
export interface PushRequest<C extends CollectionName = CollectionName> {
  collection: C;
  rows: PushRow<C>[];
  /** The device's schema version of `collection`; the server upgrades older documents (SPEC, "Versions"). */
  schemaVersion?: number;
  /** Protocol 3: the writer's echo of this push names it and lists by id what was stored as sent. */
  echoId?: number;
}

export interface PullResponse<C extends CollectionName = CollectionName> {
  documents: SyncDoc<C>[];
  checkpoint: SyncCheckpoint | null;
}

/**
 * Push acknowledgement. The server merges per field (rule R4) instead of bouncing conflicts, so
 * `conflicts` lists only documents whose stored state differs from what was pushed; the merged
 * state also arrives on the live stream.
 */
export interface PushResponse<C extends CollectionName = CollectionName> {
  conflicts: SyncDoc<C>[];
  /** Highest sequence number this push was stored under, for diagnostics. */
  seq: number;
}

/**
 * Live change hint (rule R3). `fromSeq` is the sequence the collection was at before these changes,
 * so a device whose checkpoint equals `fromSeq` may apply `documents` directly; any other device
 * pulls from its own checkpoint instead. `documents` is omitted for large batches.
 */
export interface ChangeEvent<C extends CollectionName = CollectionName> {
  collection: C;
  fromSeq: number;
  toSeq: number;
  documents?: SyncDoc<C>[];
  /**
   * Only in the writer's own echo of a push that named an `echoId` (protocol 3): the documents of
   * that push stored exactly as sent, by id, instead of in `documents` (which then holds only the
   * ones the merge made different). The device holds those states already.
   */
  echo?: { id: number; stored: string[] };
}

export type Ack<T> = T | ErrorBody;

/** Socket.IO event names and payloads, client to server. */
export interface ClientToServerEvents {
  'sync:pull': (request: PullRequest, ack: (response: Ack<PullResponse>) => void) => void;
  'sync:push': (request: PushRequest, ack: (response: Ack<PushResponse>) => void) => void;
  /** Divergence check (R9): the server's digest of one collection. */
  'sync:digest': (request: DigestRequest, ack: (response: Ack<DigestResponse>) => void) => void;
  /** Divergence repair (R9): every document in the named buckets. */
  'sync:bucket': (request: BucketRequest, ack: (response: Ack<BucketResponse>) => void) => void;
}

/** Socket.IO event names and payloads, server to client. */
export interface ServerToClientEvents {
  /** Sent once, right after the handshake is accepted: the server's time and protocol window (R8). */
  'sync:hello': (hello: HelloEvent) => void;
  'sync:changes': (event: ChangeEvent) => void;
  /** The account was erased (GDPR): its data is gone from the server; wipe the local copy. */
  'account:erased': (info: { reason: 'account-erased' }) => void;
  /** Verify against the digest and re-pull (an operator asked for it, or the server restored data). */
  'sync:resync': (info: { reason: string }) => void;
  /** The server is going away (graceful shutdown); reconnect, possibly to another instance. */
  'sync:reconnect': (info: { reason: 'server-shutdown' }) => void;
  /** The access token expired on an open connection; refresh it and reconnect. */
  'auth:expired': (info: { reason: 'token-expired' }) => void;
}

/** The `auth` object a device sends in the Socket.IO handshake. */
export interface HandshakeAuth {
  token: string;
  /** The device's `PROTOCOL_VERSION`; absent means 1 (devices built before versioning). */
  protocol?: number;
}
