import type { ClientToServerEvents, ServerToClientEvents } from '@taskmaster/shared-schema';
import { io, type Socket } from 'socket.io-client';

export type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A bare Socket.IO client authenticated with `token`, for protocol-level tests. */
export async function connectRaw(url: string, token: string, extra: Record<string, unknown> = {}): Promise<RawSocket> {
  const socket: RawSocket = io(url, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
    ...extra,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Emits any event with any payload and waits for the acknowledgement. */
export function emitRaw(socket: RawSocket, event: string, payload: unknown): Promise<unknown> {
  return (socket as unknown as Socket).timeout(5000).emitWithAck(event, payload);
}
