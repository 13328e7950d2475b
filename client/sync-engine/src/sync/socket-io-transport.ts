import type { ClientToServerEvents, ServerToClientEvents } from '@taskmaster/shared-schema';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { TransportError, type SyncTransport, type TokenSource, type TransportEvents } from './transport.js';

export type SyncSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketIoTransportOptions {
  /** Sync server origin, e.g. `http://127.0.0.1:3000`; '' or undefined for the page's own origin. */
  url?: string;
  tokens: TokenSource;
  /** Extra handshake fields sent beside the token (e.g. the protocol version). */
  handshake?: () => Record<string, unknown>;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

export interface SocketIoTransport extends SyncTransport {
  /** The underlying Socket.IO socket, for diagnostics and benches. */
  readonly socket: SyncSocket;
}

/** The Socket.IO adapter of `SyncTransport` (WebSocket only; reconnection handled by Socket.IO). */
export function createSocketIoTransport(options: SocketIoTransportOptions): SocketIoTransport {
  const socket: SyncSocket = io(options.url || undefined, {
    transports: ['websocket'],
    autoConnect: false,
    reconnectionDelay: 250,
    reconnectionDelayMax: 5000,
    ...options.socketOptions,
    auth: (callback) => {
      options.tokens.getAccessToken().then(
        (token) => callback({ ...options.handshake?.(), token: token ?? '' }),
        () => callback({ ...options.handshake?.(), token: '' }),
      );
    },
  });
  return {
    socket,
    get connected() {
      return socket.connected;
    },
    get id() {
      return socket.id;
    },
    connect: () => void socket.connect(),
    disconnect: () => void socket.disconnect(),
    async request(event, payload, timeoutMs) {
      if (!socket.connected) throw new TransportError('offline', 'not connected');
      try {
        // Socket.IO's typed emitWithAck cannot follow a generic event name.
        const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, p: unknown): Promise<never> };
        return await timed.emitWithAck(event, payload);
      } catch (error) {
        if (!socket.connected) throw new TransportError('offline', 'connection lost');
        throw new TransportError('timeout', (error as Error).message);
      }
    },
    on(event, listener) {
      if (event === 'connect_error') {
        const wrapped = (error: Error & { data?: { reason?: string; message?: string } }) => {
          const { reason, message, ...data } = error.data ?? {};
          (listener as TransportEvents['connect_error'])({
            reason: reason ?? error.message,
            message: message ?? error.message,
            data,
          });
        };
        socket.on('connect_error', wrapped);
        return () => void socket.off('connect_error', wrapped);
      }
      const untyped = socket as unknown as {
        on(e: string, l: (...args: never[]) => void): void;
        off(e: string, l: (...args: never[]) => void): void;
      };
      untyped.on(event, listener as (...args: never[]) => void);
      return () => untyped.off(event, listener as (...args: never[]) => void);
    },
  };
}

/** The Socket.IO socket behind a transport made by `createSocketIoTransport` (benches, diagnostics). */
export function socketOf(transport: SyncTransport): SyncSocket {
  const socket = (transport as Partial<SocketIoTransport>).socket;
  if (!socket) throw new Error('not a Socket.IO transport');
  return socket;
}
