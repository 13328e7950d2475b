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
 * Logs the first occurrence per connection and then one in `every`, with the number skipped, so
 * a flood of bad events cannot turn into a flood of log lines.
 */
function sampled(every: number) {
  let seen = 0;
  return (log: (skipped: number) => void) => {
    seen += 1;
    if (seen === 1 || seen % every === 0) log(seen === 1 ? 0 : every - 1);
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

  io.on('connection', (socket: SyncSocket) => {
    const { userId, sessionId } = socket.data;
    void socket.join(userRoom(userId));
    // First message on every connection: devices correct their clock by it before replicating (R8).
    socket.emit('sync:hello', {
      serverTime: now(),
      protocol: PROTOCOL_VERSION,
      minProtocol: MIN_PROTOCOL_VERSION,
      maxClockSkewMs: options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
    });
    const log = logger.child({ userId, socketId: socket.id });
    let eventCount = 0;
    const sampleNoAck = sampled(100);
    const sampleLimited = sampled(100);
    socket.on('disconnect', () => release(userId, socket.id));

    const endConnection = (reason: 'token-expired') => {
      socket.emit('auth:expired', { reason });
      socket.disconnect(true);
    };
    // The connection must not outlive its token: tell the device and close at expiry.
    const expiryTimer = setTimeout(() => endConnection('token-expired'), Math.max(0, socket.data.expiresAt - now()));
    expiryTimer.unref();
    socket.on('disconnect', () => clearTimeout(expiryTimer));

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
        endConnection('token-expired');
        return;
      }
      if (socket.data.expiresAt <= now()) {
        refuse(new TaskmasterError('token-expired', 'access token expired; refresh and reconnect', 401));
        endConnection('token-expired');
        return;
      }
      limiter.consume(socket.id).then(
        () => {
          if (!ack) {
            sampleNoAck((skipped) =>
              log.warn(
                { event: String(event).slice(0, 64), reqId, skipped },
                'socket event without acknowledgement ignored',
              ),
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
          log.debug({ event, reqId }, 'socket event');
          next();
        },
        () => {
          metrics?.rateLimited.inc({ scope: 'socket' });
          sampleLimited((skipped) => log.warn({ reqId, skipped }, 'socket events rate limited'));
          refuse(
            new TaskmasterError('rate-limited', `more than ${PROTOCOL_LIMITS.eventsPerSecond} events per second`, 429),
          );
        },
      );
    });

    const handle = <R>(name: 'pull' | 'push' | 'digest' | 'bucket', run: (payload: unknown) => Promise<R>) => {
      return async (payload: unknown, reply: (response: R | ErrorBody) => void) => {
        const tracked = name === 'push';
        if (tracked) inFlight += 1;
        const started = process.hrtime.bigint();
        let outcome = 'ok';
        try {
          if (options.isShuttingDown() && tracked) {
            throw new TaskmasterError('server-shutting-down', 'server is shutting down; reconnect and retry', 503);
          }
          reply(await run(payload));
          socket.data.lastSyncAt = now();
        } catch (error) {
          outcome = error instanceof TaskmasterError ? error.reason : 'internal';
          const reqId = (reply as { reqId?: string }).reqId;
          if (!(error instanceof TaskmasterError)) {
            log.error({ err: error, event: name, reqId }, 'sync event failed');
            options.onUnexpectedError?.(error, name);
          } else log.debug({ event: name, reqId, reason: error.reason }, 'sync event rejected');
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
    };

    socket.on(
      'sync:pull',
      handle('pull', async (payload) => {
        const response = await sync.pull(userId, payload);
        metrics?.pullDocs.inc(
          { collection: (payload as { collection: string }).collection },
          response.documents.length,
        );
        options.activity?.record('pull');
        return response;
      }),
    );
    socket.on(
      'sync:push',
      handle('push', async (payload) => {
        const response = await sync.push(userId, payload, socket.id);
        const collection = (payload as { collection: string }).collection;
        metrics?.pushDocs.inc({ collection }, (payload as { rows: unknown[] }).rows.length);
        options.activity?.record('push');
        if (response.conflicts.length > 0) {
          metrics?.conflicts.inc({ collection }, response.conflicts.length);
          options.activity?.record('conflict', response.conflicts.length);
        }
        return response;
      }),
    );
    // Divergence check and repair (rule R9): read-only, answered from the store.
    socket.on(
      'sync:digest',
      handle('digest', (payload) => sync.digest(userId, payload)),
    );
    socket.on(
      'sync:bucket',
      handle('bucket', (payload) => sync.bucket(userId, payload)),
    );
  });

  return {
    inFlight: () => inFlight,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}
