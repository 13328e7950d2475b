import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@taskmaster/shared-schema';

/** Where the engine gets its access token (the REST `Session` is one). */
export interface TokenSource {
  /** A valid access token, refreshed first if it is about to expire; null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** Rotates the refresh token and returns a new access token; null when the session is gone. */
  refresh(): Promise<string | null>;
}

/** Request events: device to server, each answered by one acknowledgement. */
export type RequestEvent = keyof ClientToServerEvents;
export type RequestOf<E extends RequestEvent> = Parameters<ClientToServerEvents[E]>[0];
export type ResponseOf<E extends RequestEvent> =
  Parameters<Parameters<ClientToServerEvents[E]>[1]>[0] extends Ack<infer T> ? T : never;

/** A refused handshake: `reason` is the protocol's kebab-case reason (`unauthorized`, …). */
export interface ConnectRefusal {
  reason: string;
  message: string;
  data?: Record<string, unknown>;
}

/** What a transport reports to the engine. */
export type TransportEvents = {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (refusal: ConnectRefusal) => void;
} & { [E in keyof ServerToClientEvents]: ServerToClientEvents[E] };

/** A request could not be delivered or answered (offline, timeout): always safe to retry. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly reason: 'offline' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The engine's only view of the network: one connection to the sync server that can be opened and
 * closed, carries acknowledged requests, and reports server events. Adapters: Socket.IO
 * (`createSocketIoTransport`) and in-memory (`createMemoryTransport`, where a test owns every
 * delivery). Requests on one open connection are delivered in order; a connection that drops
 * loses whatever was in flight (the request then rejects with `TransportError`).
 */
export interface SyncTransport {
  readonly connected: boolean;
  /** An id of the current connection, for diagnostics. */
  readonly id: string | undefined;
  /** Opens the connection (handshake with a token from the TokenSource); idempotent. */
  connect(): void;
  /** Closes the connection; nothing reconnects until `connect()`. */
  disconnect(): void;
  /** Sends a request; resolves with the server's acknowledgement (which may be an error body). */
  request<E extends RequestEvent>(event: E, payload: RequestOf<E>, timeoutMs: number): Promise<Ack<ResponseOf<E>>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void;
}
