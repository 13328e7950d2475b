import { createAdapter } from '@socket.io/redis-adapter';
import { COLLECTION_NAMES, type ChangeEvent, type CollectionName } from '@taskmaster/shared-schema';
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import { emitChange, type Fanout } from './fanout.js';

/** Server-to-server event (adapter `serverSideEmit`): "fan-out was interrupted, tell your devices to pull". */
export const FANOUT_RECOVERED_EVENT = 'taskmaster:fanout-recovered';

export interface RedisFanoutOptions {
  /** Publishing client (also usable for plain commands, e.g. rate limiters). Passed in, not created here. */
  pub: Redis;
  /** Subscribing client; it enters subscriber mode and must not be used for anything else. */
  sub: Redis;
  /**
   * The user's current sequence per collection (`store.currentSeq`). After Redis comes back, every
   * local device gets a hint carrying it, so devices that missed fan-out messages pull (rule R3).
   */
  currentSeq: (userId: string, collection: CollectionName) => Promise<number>;
  logger?: Logger;
  /** Channel prefix, so several deployments can share one Redis. Default `taskmaster`. */
  key?: string;
  /** How long cluster-wide requests (`fetchSockets`, `serverSideEmit` acks) wait for other instances. */
  requestsTimeoutMs?: number;
}

export interface RedisFanout extends Fanout {
  readonly kind: 'redis';
  /** Fan-out messages that could not be published (Redis unreachable); each one triggers a catch-up later. */
  droppedPublishes(): number;
  /** Sends every device connected to this instance a pull hint; returns how many sockets were hinted. */
  hintLocalDevices(): Promise<number>;
}

/**
 * ioredis options for a URL accepted by the config (`redis://`, `rediss://`, `unix:///path`, `/path`).
 * Fan-out is a hint (rule R3), so commands are not queued while Redis is unreachable: a publish then
 * fails at once (and is counted) instead of piling up and being delivered stale.
 */
export function redisConnectionOptions(url: string, role: 'pub' | 'sub'): RedisOptions & { path?: string } {
  const common: RedisOptions = {
    // Reconnect quickly and forever; instances keep serving their own devices meanwhile.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    maxRetriesPerRequest: role === 'sub' ? null : 1,
    // The subscriber must queue its (p)subscribe commands until connected; the publisher must not queue.
    enableOfflineQueue: role === 'sub',
    connectionName: `taskmaster-${role}`,
  };
  if (url.startsWith('unix://')) return { ...common, path: url.slice('unix://'.length) };
  if (url.startsWith('/')) return { ...common, path: url };
  const parsed = new URL(url);
  return {
    ...common,
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * The adapter calls `pubClient.publish()` without handling a rejection; with the offline queue off
 * that rejection would be unhandled and crash the process while Redis is down. This view of the
 * client catches it, counts it and reports it; every other property is the client's own.
 */
function guardPublisher(pub: Redis, onDropped: (error: unknown) => void): Redis {
  return new Proxy(pub, {
    get(target, prop) {
      if (prop === 'publish') {
        return (...args: Parameters<Redis['publish']>) =>
          target.publish(...args).catch((error: unknown) => {
            onDropped(error);
            return 0;
          });
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' && prop !== 'constructor'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/**
 * Fan-out across instances through Socket.IO's Redis adapter (pub/sub over ioredis). `publish` is
 * the same `io.to(userRoom).emit` as the local fan-out; the adapter delivers it to local sockets at
 * once and to every other instance through Redis.
 *
 * Redis pub/sub is at most once, so a connection loss silently drops messages. Recovery: when the
 * subscriber is back (and resubscribed), this instance hints its own devices to pull; when the
 * publisher is back, it asks every other instance (`serverSideEmit`) to do the same, because some
 * of its messages never left. Devices pull from their checkpoints, so nothing is lost or skipped.
 */
export function createRedisFanout(options: RedisFanoutOptions): RedisFanout {
  const { pub, sub, logger } = options;
  let io: Server | undefined;
  let dropped = 0;
  let subWasDown = false;
  let pubWasDown = false;
  let closed = false;
  const guardedPub = guardPublisher(pub, (error) => {
    dropped += 1;
    pubWasDown = true;
    // One line per outage would be nicer, but dropped messages are rare and worth seeing.
    logger?.warn(
      { err: error, dropped },
      'fan-out message not published (Redis unreachable); devices will catch up by pull',
    );
  });

  async function hintLocalDevices(): Promise<number> {
    if (!io) return 0;
    const sockets = [...io.of('/').sockets.values()];
    const seqs = new Map<string, Promise<number[]>>();
    let hinted = 0;
    for (const socket of sockets) {
      const userId = (socket.data as { userId?: unknown } | undefined)?.userId;
      if (typeof userId !== 'string') continue;
      if (!seqs.has(userId)) seqs.set(userId, Promise.all(COLLECTION_NAMES.map((c) => options.currentSeq(userId, c))));
      const current = await seqs.get(userId)!;
      if (!socket.connected) continue;
      COLLECTION_NAMES.forEach((collection, i) => {
        // No documents: a device whose checkpoint is behind `toSeq` pulls; one that is level ignores it.
        const event: ChangeEvent = { collection, fromSeq: current[i]!, toSeq: current[i]! };
        socket.emit('sync:changes', event);
      });
      hinted += 1;
    }
    return hinted;
  }

  const recover = (why: string) => {
    hintLocalDevices().then(
      (hinted) => logger?.info({ hinted, why }, 'fan-out recovered: local devices told to pull'),
      (error: unknown) => logger?.error({ err: error, why }, 'fan-out recovery hint failed'),
    );
  };

  const onSubClose = () => {
    if (!closed) subWasDown = true;
  };
  const onSubReady = () => {
    if (!subWasDown || closed) return;
    subWasDown = false;
    // ioredis reports `ready` before its resubscribe commands are answered; a PING after them is
    // answered only once Redis has processed them, so no message can fall between hint and subscription.
    sub.ping().then(
      () => recover('subscriber reconnected'),
      () => recover('subscriber reconnected (ping failed)'),
    );
  };
  const onPubClose = () => {
    if (!closed) pubWasDown = true;
  };
  const onPubReady = () => {
    if (!pubWasDown || closed || !io) return;
    pubWasDown = false;
    io.serverSideEmit(FANOUT_RECOVERED_EVENT);
  };
  const onError = (error: unknown) => logger?.warn({ err: error }, 'redis connection error');

  return {
    kind: 'redis',
    attach(server) {
      io = server;
      server.adapter(
        createAdapter(guardedPub, sub, {
          key: options.key ?? 'taskmaster',
          requestsTimeout: options.requestsTimeoutMs ?? 3000,
          publishOnSpecificResponseChannel: true,
        }),
      );
      // Another instance could not publish for a while: our devices may have missed its messages.
      (server.of('/') as unknown as { on(event: string, listener: () => void): void }).on(FANOUT_RECOVERED_EVENT, () =>
        recover('another instance reconnected'),
      );
      sub.on('close', onSubClose);
      sub.on('ready', onSubReady);
      pub.on('close', onPubClose);
      pub.on('ready', onPubReady);
      pub.on('error', onError);
      sub.on('error', onError);
    },
    publish(userId, event, origin) {
      if (io) emitChange(io, userId, event, origin);
    },
    droppedPublishes: () => dropped,
    hintLocalDevices,
    async close() {
      if (closed) return;
      closed = true;
      sub.off('close', onSubClose);
      sub.off('ready', onSubReady);
      pub.off('close', onPubClose);
      pub.off('ready', onPubReady);
      // The clients belong to the composition root, which quits them after the server is closed.
    },
  };
}
