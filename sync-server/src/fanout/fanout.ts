import type { ChangeEvent } from '@taskmaster/shared-schema';
import type { Server } from 'socket.io';

/** The Socket.IO room holding every connection of one user, on every instance. */
export const userRoom = (userId: string) => `user:${userId}`;

/**
 * The connection a change came from, and what it hears of it: the pushing device's echo carries
 * every changed document (at most one push's rows), so it never pulls back what it just sent.
 */
export interface FanoutOrigin {
  /** The pushing connection's id (a Socket.IO socket id); it is connected to this instance. */
  connection: string;
  event: ChangeEvent;
}

/**
 * The fan-out port: how a change accepted here reaches the user's devices on every instance.
 * Delivery is a hint (rule R3): at most once, possibly reordered; devices recover by pulling.
 */
export interface Fanout {
  readonly kind: 'local' | 'redis';
  /** Installs the cross-instance transport on the Socket.IO server, if any. */
  attach(io: Server): void;
  /**
   * Sends `event` to every connection of the user on every instance. With `origin`, that connection
   * gets `origin.event` instead, after all the others: a device waiting for another device's change
   * is not queued behind the writer's own echo.
   */
  publish(userId: string, event: ChangeEvent, origin?: FanoutOrigin): void;
  close(): Promise<void>;
}

/**
 * `publish` over the Socket.IO server's adapter (in memory, or Redis across instances): the others
 * first, then the origin, which is local to this instance and needs no cross-instance message.
 */
export function emitChange(io: Server, userId: string, event: ChangeEvent, origin?: FanoutOrigin): void {
  if (!origin) {
    io.to(userRoom(userId)).emit('sync:changes', event);
    return;
  }
  io.to(userRoom(userId)).except(origin.connection).emit('sync:changes', event);
  io.of('/').sockets.get(origin.connection)?.emit('sync:changes', origin.event);
}

/** In-process fan-out: Socket.IO's default in-memory adapter, for the single embedded instance. */
export function createLocalFanout(): Fanout {
  let io: Server | undefined;
  return {
    kind: 'local',
    attach(server) {
      io = server;
    },
    publish(userId, event, origin) {
      if (io) emitChange(io, userId, event, origin);
    },
    async close() {},
  };
}
