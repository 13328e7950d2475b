import type { Ack } from '@taskmaster/shared-schema';
import {
  TransportError,
  type ConnectRefusal,
  type RequestEvent,
  type RequestOf,
  type ResponseOf,
  type SyncTransport,
  type TokenSource,
  type TransportEvents,
} from './transport.js';

/** The device's half of an in-memory connection, as the other end sees it. */
export interface MemoryClientEnd {
  /** Handshake fields: `{ token, ...extra }`. */
  readonly auth: Readonly<Record<string, unknown>>;
  /** The handshake succeeded. */
  accept(connectionId: string): void;
  /** The handshake was refused (like a Socket.IO middleware error: no automatic retry). */
  refuse(refusal: ConnectRefusal): void;
  /** A server event arrives. */
  deliver(event: string, payload: unknown): void;
  /** The server side closed the connection (the transport then reconnects by itself). */
  close(reason: string): void;
}

/** The server's half, as the device's transport sees it. */
export interface MemoryServerEnd {
  /** Delivers a request; resolves with its acknowledgement. Never called before `accept`. */
  request(event: string, payload: unknown): Promise<unknown>;
  /** The device closed the connection. */
  close(): void;
}

/** Whatever plays the server (a test harness or simulation network that decides every delivery). */
export interface MemoryEndpoint {
  open(client: MemoryClientEnd): MemoryServerEnd;
}

export interface MemoryTransportOptions {
  endpoint: MemoryEndpoint;
  tokens: TokenSource;
  handshake?: () => Record<string, unknown>;
  /** Delay before reconnecting after the server closed the connection (Socket.IO's default is ~1 s). */
  reconnectDelayMs?: number;
}

type Listener = (...args: never[]) => void;

/**
 * The in-memory adapter of `SyncTransport`. It never delivers anything by itself: the endpoint
 * decides when a handshake completes, when a request reaches the server and when its answer comes
 * back, so a seeded test owns every interleaving. Like Socket.IO, it reconnects after a
 * server-side close, but not after a refused handshake or a `disconnect()`.
 */
export function createMemoryTransport(options: MemoryTransportOptions): SyncTransport {
  const listeners = new Map<string, Set<Listener>>();
  const emit = <E extends keyof TransportEvents>(event: E, ...args: Parameters<TransportEvents[E]>) => {
    for (const listener of [...(listeners.get(event) ?? [])]) (listener as (...a: unknown[]) => void)(...args);
  };
  /** Bumped on every open and close, so callbacks from an old connection are ignored. */
  let generation = 0;
  let server: MemoryServerEnd | undefined;
  let state: 'closed' | 'opening' | 'open' = 'closed';
  let connectionId: string | undefined;
  let wanted = false;
  const pending = new Set<(error: TransportError) => void>();
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const failPending = (why: string) => {
    const rejects = [...pending];
    pending.clear();
    for (const reject of rejects) reject(new TransportError('offline', why));
  };

  const drop = (reason: string) => {
    const wasOpen = state === 'open';
    generation += 1;
    state = 'closed';
    server = undefined;
    connectionId = undefined;
    failPending(reason);
    if (wasOpen) emit('disconnect', reason);
  };

  const open = async () => {
    if (state !== 'closed' || !wanted) return;
    state = 'opening';
    const mine = ++generation;
    let token: string | null;
    try {
      token = await options.tokens.getAccessToken();
    } catch {
      token = null;
    }
    if (mine !== generation) return;
    const auth = { ...options.handshake?.(), token: token ?? '' };
    server = options.endpoint.open({
      auth,
      accept(id) {
        if (mine !== generation || state !== 'opening') return;
        state = 'open';
        connectionId = id;
        emit('connect');
      },
      refuse(refusal) {
        if (mine !== generation) return;
        generation += 1;
        state = 'closed';
        server = undefined;
        emit('connect_error', refusal);
      },
      deliver(event, payload) {
        if (mine !== generation || state !== 'open') return;
        emit(event as 'sync:changes', payload as never);
      },
      close(reason) {
        if (mine !== generation) return;
        drop(reason);
        if (wanted) {
          clearTimeout(reconnectTimer);
          reconnectTimer = setTimeout(() => void open(), options.reconnectDelayMs ?? 1000);
        }
      },
    });
  };

  return {
    get connected() {
      return state === 'open';
    },
    get id() {
      return connectionId;
    },
    connect() {
      wanted = true;
      clearTimeout(reconnectTimer);
      void open();
    },
    disconnect() {
      wanted = false;
      clearTimeout(reconnectTimer);
      const end = server;
      drop('io client disconnect');
      end?.close();
    },
    request<E extends RequestEvent>(event: E, payload: RequestOf<E>, timeoutMs: number): Promise<Ack<ResponseOf<E>>> {
      if (state !== 'open' || !server) return Promise.reject(new TransportError('offline', 'not connected'));
      const mine = generation;
      const end = server;
      return new Promise<Ack<ResponseOf<E>>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(fail);
          reject(new TransportError('timeout', `no acknowledgement within ${timeoutMs} ms`));
        }, timeoutMs);
        const fail = (error: TransportError) => {
          clearTimeout(timer);
          reject(error);
        };
        pending.add(fail);
        end.request(event, payload).then(
          (response) => {
            if (!pending.delete(fail) || mine !== generation) return;
            clearTimeout(timer);
            resolve(response as Ack<ResponseOf<E>>);
          },
          (error: unknown) => {
            if (!pending.delete(fail)) return;
            fail(new TransportError('offline', (error as Error).message));
          },
        );
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      return () => void set.delete(listener as Listener);
    },
  };
}
