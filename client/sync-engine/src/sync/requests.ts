import type {
  Ack,
  ErrorDetails,
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
} from '@taskmaster/shared-schema';
import { isErrorBody, PROTOCOL_LIMITS } from '@taskmaster/shared-schema';
import { TransportError, type SyncTransport } from './transport.js';

/** A sync request the server refused; `reason` is the protocol's kebab-case error reason. */
export class SyncRequestError extends Error {
  override readonly name = 'SyncRequestError';
  /** `clock-skew`: the server's clock when it refused (rule R8). */
  readonly serverTime?: number;
  constructor(
    readonly reason: string,
    message: string,
    details: ErrorDetails = {},
  ) {
    super(message);
    if (typeof details.serverTime === 'number') this.serverTime = details.serverTime;
  }
}

const ACK_TIMEOUT_MS = 15_000;
const encoder = new TextEncoder();

function unwrap<T>(response: Ack<T>): T {
  if (isErrorBody(response)) throw new SyncRequestError(response.error.reason, response.error.message, response.error);
  return response;
}

export async function requestPull(transport: SyncTransport, request: PullRequest): Promise<PullResponse> {
  return unwrap(await transport.request('sync:pull', request, ACK_TIMEOUT_MS).catch(asRequestError));
}

/** Transport failures surface as retryable `SyncRequestError`s (`offline`, `timeout`). */
function asRequestError(error: unknown): never {
  if (error instanceof TransportError) throw new SyncRequestError(error.reason, error.message);
  throw error;
}

/**
 * Splits a push into chunks under the protocol's message size limit and sends them in order,
 * without waiting for one chunk's acknowledgement before sending the next, so the server commits
 * chunk n while this side encodes chunk n + 1. Each chunk is its own atomic write; if any fails the
 * whole push rejects and is retried (rows already stored merge as no-ops, rule R4).
 * Returns the server's merged states for rows it stored differently from what was sent.
 */
export async function requestPush(transport: SyncTransport, request: PushRequest): Promise<PushResponse> {
  const acks: Promise<PushResponse>[] = [];
  let chunk: PushRequest['rows'] = [];
  let bytes = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    if (!transport.connected) throw new SyncRequestError('offline', 'not connected');
    const rows = chunk;
    acks.push(
      transport
        .request(
          'sync:push',
          { collection: request.collection, rows, schemaVersion: request.schemaVersion, echoId: request.echoId },
          ACK_TIMEOUT_MS,
        )
        .then((response) => unwrap(response), asRequestError),
    );
    chunk = [];
    bytes = 0;
  };
  try {
    for (const row of request.rows) {
      const size = encoder.encode(JSON.stringify(row)).length;
      if (
        chunk.length > 0 &&
        (bytes + size > PROTOCOL_LIMITS.maxPushChunkBytes || chunk.length >= PROTOCOL_LIMITS.maxPushRows)
      ) {
        flush();
      }
      chunk.push(row);
      bytes += size;
    }
    flush();
  } finally {
    // Chunks already sent must not reject unobserved when a later one could not be sent.
    if (acks.length > 0) void Promise.allSettled(acks);
  }
  const conflicts: PushResponse['conflicts'] = [];
  let seq = 0;
  for (const response of await Promise.all(acks)) {
    conflicts.push(...response.conflicts);
    seq = Math.max(seq, response.seq);
  }
  return { conflicts, seq };
}
