import type { ChangeEvent } from '@taskmaster/shared-schema';
import type { Server } from 'socket.io';

/** The Socket.IO room holding every connection of one user, on every instance. */
export const userRoom = (userId: string) => `user:${userId}`;

/**
 * The fan-out port: how a change accepted here reaches the user's devices on every instance.
 * Delivery is a hint (rule R3): at most once, possibly reordered; devices recover by pulling.
 */
export interface Fanout {
  readonly kind: 'local' | 'redis';
  /** Installs the cross-instance transport on the Socket.IO server, if any. */
  attach(io: Server): void;
  publish(userId: string, event: ChangeEvent): void;
  close(): Promise<void>;
}

/** In-process fan-out: Socket.IO's default in-memory adapter, for the single embedded instance. */
export function createLocalFanout(): Fanout {
  let io: Server | undefined;
  return {
    kind: 'local',
    attach(server) {
      io = server;
    },
    publish(userId, event) {
      io?.to(userRoom(userId)).emit('sync:changes', event);
    },
    async close() {},
  };
}
