import { TaskmasterError } from '@taskmaster/shared-schema';
import type { Server } from 'socket.io';
import { userRoom } from './fanout.js';

/** One live device connection, wherever in the cluster it is held. */
export interface ConnectedDevice {
  socketId: string;
  userId: string;
}

/**
 * Presence is not kept in any process's memory: these ask every instance through the adapter
 * (`fetchSockets` / `disconnectSockets`, over Redis when scaled, in-process otherwise). When the
 * other instances cannot be asked (Redis unreachable, or one does not answer in time), they fail
 * with 503 rather than answer with a partial count.
 */
async function fetchAll(io: Server, userId?: string) {
  try {
    return await (userId === undefined ? io.fetchSockets() : io.in(userRoom(userId)).fetchSockets());
  } catch (error) {
    throw new TaskmasterError('internal', `cluster presence unavailable: ${(error as Error).message}`, 503);
  }
}

/** Live device connections of one user, or of everyone, across all instances. */
export async function listDevices(io: Server, userId?: string): Promise<ConnectedDevice[]> {
  const sockets = await fetchAll(io, userId);
  return sockets.flatMap((socket) => {
    const owner = (socket.data as { userId?: unknown } | undefined)?.userId;
    return typeof owner === 'string' ? [{ socketId: socket.id, userId: owner }] : [];
  });
}

/** How many devices are connected (of one user, or in total) across all instances. */
export async function countDevices(io: Server, userId?: string): Promise<number> {
  return (await listDevices(io, userId)).length;
}

/**
 * Disconnects every device of `userId` on every instance and resolves with how many there were.
 * A device disconnected by the server does not reconnect by itself; pair this with revoking the
 * user's refresh tokens (they live in the shared store) so it cannot sign back in.
 */
export async function disconnectUser(io: Server, userId: string): Promise<number> {
  const count = (await fetchAll(io, userId)).length;
  io.in(userRoom(userId)).disconnectSockets(true);
  return count;
}

/**
 * Closes the live connections of one device's sign-in (`sessionId`, the refresh-token family) on
 * every instance, telling them why first, and resolves with how many there were. Used when that
 * family is revoked, so a connection cannot outlive the revocation until its token expires.
 */
export async function disconnectSession(io: Server, userId: string, sessionId: string): Promise<number> {
  const sockets = (await fetchAll(io, userId)).filter(
    (socket) => (socket.data as { sessionId?: unknown } | undefined)?.sessionId === sessionId,
  );
  for (const socket of sockets) {
    socket.emit('auth:expired', { reason: 'token-expired' });
    socket.disconnect(true);
  }
  return sockets.length;
}
