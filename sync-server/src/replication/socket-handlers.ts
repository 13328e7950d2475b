import {
  COLLECTION_NAMES,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_LIMITS,
  PROTOCOL_VERSION,
  readProtocolVersion,
  TaskmasterError,
  type ClientToServerEvents,
  type ErrorBody,
  type ServerToClientEvents,
} from '@taskmaster/shared-schema';
import type { Logger } from 'pino';
import { BurstyRateLimiter, RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Server, Socket } from 'socket.io';
import { userRoom } from '../fanout/fanout.js';
import type { Metrics } from '../observability/metrics.js';
import { findJsonShapeProblem } from '../validation/json-shape.js';
import type { SyncService } from './sync-service.js';

export interface SocketAuth {
  userId: string;
  role: 'user' | 'admin';
  /** Epoch ms at which the access token used for this connection expires. */
  expiresAt: number;
  /** The device's sign-in (refresh-token family), to close its connections when it is revoked. */
  sessionId?: string;
  /** When this connection last completed a pull or push (admin API: a session's last sync). */
  lastSyncAt?: number;
}

/** What the socket layer needs from authentication (including the revoked-session check). */
export interface AccessTokenVerifier {
  verifyAccessToken(token: string): Promise<SocketAuth>;
}

/** The per-event, in-memory revoked-session check (`SessionRevocations.isRevokedNow`). */
export interface RevokedSessionCheck {
  isRevokedNow(sessionId: string | undefined): boolean;
}

export type SyncServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketAuth>;
type SyncSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketAuth>;

export interface SocketHandlerOptions {
  io: SyncServer;
  auth: AccessTokenVerifier;
  sync: SyncService;
  logger: Logger;
  /** Per-connection event limiter; pass a Redis-backed one when scaled. */
  rateLimiter?: RateLimiterAbstract;
  revocations?: RevokedSessionCheck;
  /** Unexpected failures of sync events (the error reporter). */
  onUnexpectedError?: (error: unknown, event: string) => void;
  /** Sync activity for the admin stats (pushes, pulls, conflicts per minute). */
  activity?: { record(kind: 'push' | 'pull' | 'conflict', count?: number): void };
  /** Open connections allowed per user on this instance (default 20). */
  maxSocketsPerUser?: number;
  isShuttingDown: () => boolean;
  now?: () => number;
  /** Sent in `sync:hello`: how far ahead of `now()` the server accepts clock stamps (rule R8). */
  maxClockSkewMs?: number;
  metrics?: Pick<
    Metrics,
    'pushDocs' | 'pullDocs' | 'pushDuration' | 'pullDuration' | 'conflicts' | 'rateLimited' | 'syncEvents'
  >;
}

const SYNC_EVENTS = new Set<string>(['sync:pull', 'sync:push', 'sync:digest', 'sync:bucket']);
const KNOWN_COLLECTIONS = new Set<string>(COLLECTION_NAMES);

function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof TaskmasterError) return error.toBody();
  return { error: { reason: 'internal', message: 'internal error' } };
}

function handshakeError(error: TaskmasterError): Error {
  return Object.assign(new Error(error.reason), { data: error.toBody().error });
}

/** Default event limiter: a steady rate with a short burst allowance (rule R6). */
export function createEventRateLimiter(): RateLimiterAbstract {
  return new BurstyRateLimiter(
    new RateLimiterMemory({ points: PROTOCOL_LIMITS.eventsPerSecond, duration: 1 }),
    new RateLimiterMemory({ keyPrefix: 'burst', points: PROTOCOL_LIMITS.eventBurst, duration: 10 }),
  ) as unknown as RateLimiterAbstract;
}

/**
 * A flood of bad events must not turn into a flood of log lines: per connection, the first
 * occurrence is logged and then one in 100, with the number skipped.
 */
const sampled = (seen: number) => seen === 1 || seen % 100 === 0;
const skippedOf = (seen: number) => (seen === 1 ? 0 : 99);

/**
 * Deadlines shared by many items, swept once a second: one timer for all of them instead of one per
 * item. `add` takes a delay in ms on the process clock; `onDue` never runs early, and at most two
 * sweeps late.
 */
export function createExpirySweep<T>(onDue: (item: T) => void, sweepMs = 1000) {
  const buckets = new Map<number, Set<T>>();
  const bucketOf = new Map<T, number>();
  let timer: NodeJS.Timeout | undefined;
  const sweep = () => {
    const due = Math.floor(Date.now() / sweepMs);
    for (const [bucket, items] of buckets) {
      if (bucket > due) continue;
      buckets.delete(bucket);
      for (const item of items) {
        bucketOf.delete(item);
        onDue(item);
      }
    }
    if (buckets.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    add(item: T, delayMs: number) {
      const bucket = Math.ceil((Date.now() + Math.max(0, delayMs)) / sweepMs);
      let items = buckets.get(bucket);
      if (!items) buckets.set(bucket, (items = new Set()));
      items.add(item);
      bucketOf.set(item, bucket);
      if (!timer) {
        timer = setInterval(sweep, sweepMs);
        timer.unref();
      }
    },
    remove(item: T) {
      const bucket = bucketOf.get(item);
      if (bucket === undefined) return;
      bucketOf.delete(item);
      const items = buckets.get(bucket);
      items?.delete(item);
      if (items?.size === 0) buckets.delete(bucket);
    },
    size: () => bucketOf.size,
  };
}

/**
 * Authenticates the handshake and wires pull/push on every connection. Every incoming event, with
 * or without an acknowledgement callback and whatever its name, passes one gate first: revoked
 * session, token expiry, rate limit, then payload shape. Every failure is answered in the ack
 * (when there is one), never thrown (rule R6).
 */
export function attachSocketHandlers(options: SocketHandlerOptions): {
  inFlight: () => number;
  idle: () => Promise<void>;
} {
  const { io, auth, sync, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const limiter = options.rateLimiter ?? createEventRateLimiter();
  const maxSockets = options.maxSocketsPerUser ?? 20;
  // Sockets per user on this instance, reserved at the handshake so parallel handshakes all count.
  const socketsByUser = new Map<string, Set<string>>();
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  const release = (userId: string, socketId: string) => {
    const set = socketsByUser.get(userId);
    if (!set) return;
    set.delete(socketId);
    if (set.size === 0) socketsByUser.delete(userId);
  };

  io.use((socket, next) => {
    if (options.isShuttingDown()) {
      next(handshakeError(new TaskmasterError('server-shutting-down', 'server is shutting down', 503)));
      return;
    }
    // Before the token: a device too old to speak to this server must hear so, whatever its token.
    const protocol = readProtocolVersion((socket.handshake.auth as { protocol?: unknown } | undefined)?.protocol);
    if (protocol === undefined || protocol < MIN_PROTOCOL_VERSION) {
      next(
        handshakeError(
          new TaskmasterError(
            'upgrade-required',
            `this server serves sync protocol ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}; update the app`,
            426,
            { minProtocol: MIN_PROTOCOL_VERSION },
          ),
        ),
      );
      return;
    }
    if (protocol > PROTOCOL_VERSION) {
      // A build newer than this instance (mid rolling deploy): retryable, another instance may be newer.
      next(
        handshakeError(
          new TaskmasterError('server-outdated', `this server speaks sync protocol up to ${PROTOCOL_VERSION}`, 503),
        ),
      );
      return;
    }
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      next(handshakeError(new TaskmasterError('unauthorized', 'missing access token', 401)));
      return;
    }
    auth.verifyAccessToken(token).then(
      (identity) => {
        const set = socketsByUser.get(identity.userId) ?? new Set<string>();
        if (set.size >= maxSockets) {
          logger.warn({ userId: identity.userId, open: set.size }, 'socket refused: per-user connection limit');
          next(
            handshakeError(
              new TaskmasterError(
                'too-many-connections',
                `at most ${maxSockets} open connections per account; close another device or tab`,
                429,
              ),
            ),
          );
          return;
        }
        set.add(socket.id);
        socketsByUser.set(identity.userId, set);
        // Released when the transport closes, also if the client left before the connection completed.
        socket.conn.once('close', () => release(identity.userId, socket.id));
        socket.data = identity;
        next();
      },
      (error: unknown) =>
        next(
          handshakeError(
            error instanceof TaskmasterError ? error : new TaskmasterError('internal', 'internal error', 500),
          ),
        ),
    );
  });

  // Memory per idle connection is a figure we hold ourselves to (issue 11), so a connection keeps
  // little of its own: the handlers below are shared (Socket.IO calls them with `this` = the socket),
  // log lines name the socket in their fields instead of a child logger per socket, token expiry is
  // one shared sweep instead of a timer per socket, and the one closure per socket is the gate.
  const endConnection = (socket: SyncSocket, reason: 'token-expired') => {
    socket.emit('auth:expired', { reason });
    socket.disconnect(true);
  };
  // The connection must not outlive its token: tell the device and close at expiry. Deadlines are
  // on the process's own clock, as a timer per socket would be, and at most 2 s late; every event
  // checks expiry itself before anything is served (the gate below).
  const expiry = createExpirySweep<SyncSocket>((socket) => endConnection(socket, 'token-expired'));

  function onDisconnect(this: SyncSocket) {
    release(this.data.userId, this.id);
    expiry.remove(this);
  }

  const handle = <R>(
    name: 'pull' | 'push' | 'digest' | 'bucket',
    run: (socket: SyncSocket, payload: unknown) => Promise<R>,
  ) => {
    const serve = async (socket: SyncSocket, payload: unknown, reply: (response: R | ErrorBody) => void) => {
      const tracked = name === 'push';
      if (tracked) inFlight += 1;
      const started = process.hrtime.bigint();
      let outcome = 'ok';
      try {
        if (options.isShuttingDown() && tracked) {
          throw new TaskmasterError('server-shutting-down', 'server is shutting down; reconnect and retry', 503);
        }
        reply(await run(socket, payload));
        socket.data.lastSyncAt = now();
      } catch (error) {
        outcome = error instanceof TaskmasterError ? error.reason : 'internal';
        const reqId = (reply as { reqId?: string }).reqId;
        const where = { userId: socket.data.userId, socketId: socket.id, event: name, reqId };
        if (!(error instanceof TaskmasterError)) {
          logger.error({ ...where, err: error }, 'sync event failed');
          options.onUnexpectedError?.(error, name);
        } else logger.debug({ ...where, reason: error.reason }, 'sync event rejected');
        reply(toErrorBody(error));
      } finally {
        metrics?.syncEvents.inc({ event: name, outcome });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (outcome === 'ok' && (name === 'pull' || name === 'push')) {
          const collection = (payload as { collection: string }).collection;
          (tracked ? metrics?.pushDuration : metrics?.pullDuration)?.observe({ collection }, seconds);
        }
        if (tracked) {
          inFlight -= 1;
          if (inFlight === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            waiters.forEach((resolve) => resolve());
          }
        }
      }
    };
    return function (this: SyncSocket, payload: unknown, reply: (response: R | ErrorBody) => void) {
      void serve(this, payload, reply);
    };
  };

  const onPull = handle('pull', async (socket, payload) => {
    const response = await sync.pull(socket.data.userId, payload);
    metrics?.pullDocs.inc({ collection: (payload as { collection: string }).collection }, response.documents.length);
    options.activity?.record('pull');
    return response;
  });
  const onPush = handle('push', async (socket, payload) => {
    const response = await sync.push(socket.data.userId, payload, socket.id);
    const collection = (payload as { collection: string }).collection;
    metrics?.pushDocs.inc({ collection }, (payload as { rows: unknown[] }).rows.length);
    options.activity?.record('push');
    if (response.conflicts.length > 0) {
      metrics?.conflicts.inc({ collection }, response.conflicts.length);
      options.activity?.record('conflict', response.conflicts.length);
    }
    return response;
  });
  // Divergence check and repair (rule R9): read-only, answered from the store.
  const onDigest = handle('digest', (socket, payload) => sync.digest(socket.data.userId, payload));
  const onBucket = handle('bucket', (socket, payload) => sync.bucket(socket.data.userId, payload));

  io.on('connection', (socket: SyncSocket) => {
    const { userId, sessionId, expiresAt } = socket.data;
    void socket.join(userRoom(userId));
    // First message on every connection: devices correct their clock by it before replicating (R8).
    socket.emit('sync:hello', {
      serverTime: now(),
      protocol: PROTOCOL_VERSION,
      minProtocol: MIN_PROTOCOL_VERSION,
      maxClockSkewMs: options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
    });
    // Nothing reads the upgrade request or the token once the handshake is done: don't keep them.
    (socket.conn as unknown as { request: unknown }).request = null;
    socket.handshake.auth = {};
    socket.on('disconnect', onDisconnect);
    expiry.add(socket, expiresAt - now());

    let eventCount = 0;
    // Warnings about this connection's events are sampled (see `sampled`).
    let noAckSeen = 0;
    let limitedSeen = 0;

    // The one gate every incoming event passes, acknowledged or not, known or not.
    socket.use((packet, next) => {
      const [event, ...args] = packet as [string, ...unknown[]];
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (response: unknown) => void) : undefined;
      const reqId = `${socket.id}:${++eventCount}`;
      const refuse = (error: TaskmasterError) => {
        if (ack) ack(error.toBody());
      };

      if (options.revocations?.isRevokedNow(sessionId)) {
        refuse(new TaskmasterError('token-revoked', 'this session was signed out; sign in again', 401));
        endConnection(socket, 'token-expired');
        return;
      }
      if (socket.data.expiresAt <= now()) {
        refuse(new TaskmasterError('token-expired', 'access token expired; refresh and reconnect', 401));
        endConnection(socket, 'token-expired');
        return;
      }
      limiter.consume(socket.id).then(
        () => {
          if (!ack) {
            if (sampled(++noAckSeen))
              logger.warn(
                {
                  userId,
                  socketId: socket.id,
                  event: String(event).slice(0, 64),
                  reqId,
                  skipped: skippedOf(noAckSeen),
                },
                'socket event without acknowledgement ignored',
              );
            return;
          }
          if (!SYNC_EVENTS.has(event)) {
            ack(new TaskmasterError('invalid-payload', `unknown event ${String(event).slice(0, 64)}`).toBody());
            return;
          }
          const payload = args[0];
          const problem = findJsonShapeProblem(payload);
          if (problem) {
            ack(new TaskmasterError('invalid-payload', `${event} payload has ${problem}`).toBody());
            return;
          }
          const collection = (payload as { collection?: unknown } | null)?.collection;
          if (typeof collection === 'string' && !KNOWN_COLLECTIONS.has(collection)) {
            ack(
              new TaskmasterError(
                'unknown-collection',
                `unknown collection ${JSON.stringify(collection.slice(0, 64))}; expected one of ${COLLECTION_NAMES.join(', ')}`,
              ).toBody(),
            );
            return;
          }
          // The handler's log lines carry this event's id: it travels on the acknowledgement function.
          (packet as unknown[])[packet.length - 1] = Object.assign((response: unknown) => ack(response), { reqId });
          logger.debug({ userId, socketId: socket.id, event, reqId }, 'socket event');
          next();
        },
        () => {
          metrics?.rateLimited.inc({ scope: 'socket' });
          if (sampled(++limitedSeen))
            logger.warn(
              { userId, socketId: socket.id, reqId, skipped: skippedOf(limitedSeen) },
              'socket events rate limited',
            );
          refuse(
            new TaskmasterError('rate-limited', `more than ${PROTOCOL_LIMITS.eventsPerSecond} events per second`, 429),
          );
        },
      );
    });

    socket.on('sync:pull', onPull);
    socket.on('sync:push', onPush);
    socket.on('sync:digest', onDigest);
    socket.on('sync:bucket', onBucket);
  });

  return {
    inFlight: () => inFlight,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}
