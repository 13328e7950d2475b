import { TaskmasterError } from '@taskmaster/shared-schema';
import type { Server } from 'socket.io';
import { userRoom } from '../fanout/fanout.js';

/** One live connection as the admin API sees it, wherever in the cluster it is held. */
export interface LiveConnection {
  socketId: string;
  userId: string;
  sessionId: string | undefined;
  lastSyncAt: number | null;
}

/**
 * Cluster-wide presence and messages to a user's devices, through the Socket.IO adapter (Redis when
 * scaled, in-process otherwise). Nothing is kept in this process's memory; when other instances
 * cannot be asked, the answer is 503 rather than a partial count.
 */
export interface Presence {
  connections(userId?: string): Promise<LiveConnection[]>;
  /** Sends one event to every device of the user, on every instance. */
  emitToUser(userId: string, event: string, payload: unknown): void;
  /** Tells the user's devices why (`event`), then closes their connections everywhere; resolves with how many. */
  disconnectUser(userId: string, event: string, payload: unknown): Promise<number>;
}

export function createPresence(io: Server): Presence {
  const fetch = async (userId?: string) => {
    try {
      return await (userId === undefined ? io.fetchSockets() : io.in(userRoom(userId)).fetchSockets());
    } catch (error) {
      throw new TaskmasterError('internal', `cluster presence unavailable: ${(error as Error).message}`, 503);
    }
  };
  return {
    async connections(userId) {
      return (await fetch(userId)).flatMap((socket) => {
        const data = socket.data as { userId?: unknown; sessionId?: unknown; lastSyncAt?: unknown } | undefined;
        if (typeof data?.userId !== 'string') return [];
        return [
          {
            socketId: socket.id,
            userId: data.userId,
            sessionId: typeof data.sessionId === 'string' ? data.sessionId : undefined,
            lastSyncAt: typeof data.lastSyncAt === 'number' ? data.lastSyncAt : null,
          },
        ];
      });
    },
    emitToUser(userId, event, payload) {
      io.to(userRoom(userId)).emit(event, payload);
    },
    async disconnectUser(userId, event, payload) {
      const count = (await fetch(userId)).length;
      io.to(userRoom(userId)).emit(event, payload);
      io.in(userRoom(userId)).disconnectSockets(true);
      return count;
    },
  };
}
