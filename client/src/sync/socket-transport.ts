import type {
  Ack,
  ClientToServerEvents,
  PullRequest,
  PullResponse,
  PushRequest,
  PushResponse,
  ServerToClientEvents,
} from '@taskmaster/shared-schema';
import { isErrorBody, PROTOCOL_LIMITS } from '@taskmaster/shared-schema';
import type { Socket } from 'socket.io-client';

export type SyncSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A sync request the server refused; `reason` is the protocol's kebab-case error reason. */
export class SyncRequestError extends Error {
  override readonly name = 'SyncRequestError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const ACK_TIMEOUT_MS = 15_000;
const encoder = new TextEncoder();

function unwrap<T>(response: Ack<T>): T {
  if (isErrorBody(response)) throw new SyncRequestError(response.error.reason, response.error.message);
  return response;
}

export async function requestPull(socket: SyncSocket, request: PullRequest): Promise<PullResponse> {
  if (!socket.connected) throw new SyncRequestError('offline', 'not connected');
  return unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('sync:pull', request));
}

/**
 * Splits a push into chunks under the protocol's message size limit and sends them in order.
 * Returns the server's merged states for rows it stored differently from what was sent.
 */
export async function requestPush(socket: SyncSocket, request: PushRequest): Promise<PushResponse> {
  const conflicts: PushResponse['conflicts'] = [];
  let seq = 0;
  let chunk: PushRequest['rows'] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    if (!socket.connected) throw new SyncRequestError('offline', 'not connected');
    const response = unwrap(
      await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('sync:push', { collection: request.collection, rows: chunk }),
    );
    conflicts.push(...response.conflicts);
    seq = Math.max(seq, response.seq);
    chunk = [];
    bytes = 0;
  };
  for (const row of request.rows) {
    const size = encoder.encode(JSON.stringify(row)).length;
    if (chunk.length > 0 && (bytes + size > PROTOCOL_LIMITS.maxPushChunkBytes || chunk.length >= PROTOCOL_LIMITS.maxPushRows)) {
      await flush();
    }
    chunk.push(row);
    bytes += size;
  }
  await flush();
  return { conflicts, seq };
}
