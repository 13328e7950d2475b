import {
  PROTOCOL_LIMITS,
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
import type { SyncService } from './sync-service.js';

export interface SocketAuth {
  userId: string;
  role: 'user' | 'admin';
  /** Epoch ms at which the access token used for this connection expires. */
  expiresAt: number;
  /** The device's sign-in (refresh-token family), to close its connections when it is revoked. */
  sessionId?: string;
}

/** What the socket layer needs from authentication. */
export interface AccessTokenVerifier {
  verifyAccessToken(token: string): Promise<SocketAuth>;
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
  isShuttingDown: () => boolean;
  now?: () => number;
  metrics?: Pick<Metrics, 'pushDocs' | 'pullDocs' | 'pushDuration'>;
}

function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof TaskmasterError) return error.toBody();
  return { error: { reason: 'internal', message: 'internal error' } };
}

/** Default event limiter: a steady rate with a short burst allowance (rule R6). */
export function createEventRateLimiter(): RateLimiterAbstract {
  return new BurstyRateLimiter(
    new RateLimiterMemory({ points: PROTOCOL_LIMITS.eventsPerSecond, duration: 1 }),
    new RateLimiterMemory({ keyPrefix: 'burst', points: PROTOCOL_LIMITS.eventBurst, duration: 10 }),
  ) as unknown as RateLimiterAbstract;
}

/**
 * Authenticates the handshake and wires pull/push on every connection. Every event is checked for
 * token expiry and rate, and every failure is answered in the ack, never thrown (rule R6).
 */
export function attachSocketHandlers(options: SocketHandlerOptions): {
  inFlight: () => number;
  idle: () => Promise<void>;
} {
  const { io, auth, sync, logger } = options;
  const now = options.now ?? Date.now;
  const limiter = options.rateLimiter ?? createEventRateLimiter();
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  io.use((socket, next) => {
    if (options.isShuttingDown()) {
      next(Object.assign(new Error('server-shutting-down'), { data: { reason: 'server-shutting-down' } }));
      return;
    }
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      next(
        Object.assign(new Error('unauthorized'), { data: { reason: 'unauthorized', message: 'missing access token' } }),
      );
      return;
    }
    auth.verifyAccessToken(token).then(
      (identity) => {
        socket.data = identity;
        next();
      },
      (error: unknown) => {
        const body = toErrorBody(error);
        next(Object.assign(new Error(body.error.reason), { data: body.error }));
      },
    );
  });

  io.on('connection', (socket: SyncSocket) => {
    const { userId } = socket.data;
    void socket.join(userRoom(userId));
    // The connection must not outlive its token: tell the device and close at expiry.
    const expiryTimer = setTimeout(
      () => {
        socket.emit('auth:expired', { reason: 'token-expired' });
        socket.disconnect(true);
      },
      Math.max(0, socket.data.expiresAt - now()),
    );
    expiryTimer.unref();
    socket.on('disconnect', () => clearTimeout(expiryTimer));

    const handle = (name: 'pull' | 'push', run: (payload: unknown) => Promise<unknown>) => {
      return async (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') {
          logger.warn({ userId, event: name }, 'socket event without acknowledgement callback ignored');
          return;
        }
        const reply = ack as (response: unknown) => void;
        const tracked = name === 'push';
        if (tracked) inFlight += 1;
        try {
          if (options.isShuttingDown() && tracked) {
            throw new TaskmasterError('server-shutting-down', 'server is shutting down; reconnect and retry', 503);
          }
          if (socket.data.expiresAt <= now()) {
            socket.emit('auth:expired', { reason: 'token-expired' });
            throw new TaskmasterError('token-expired', 'access token expired; refresh and reconnect', 401);
          }
          try {
            await limiter.consume(socket.id);
          } catch {
            throw new TaskmasterError(
              'rate-limited',
              `more than ${PROTOCOL_LIMITS.eventsPerSecond} events per second`,
              429,
            );
          }
          reply(await run(payload));
        } catch (error) {
          if (!(error instanceof TaskmasterError))
            logger.error({ err: error, userId, event: name }, 'sync event failed');
          else logger.debug({ userId, event: name, reason: error.reason }, 'sync event rejected');
          reply(toErrorBody(error));
        } finally {
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

    const metrics = options.metrics;
    socket.on(
      'sync:pull',
      handle('pull', async (payload) => {
        const response = await sync.pull(userId, payload);
        metrics?.pullDocs.inc(
          { collection: (payload as { collection: string }).collection },
          response.documents.length,
        );
        return response;
      }),
    );
    socket.on(
      'sync:push',
      handle('push', async (payload) => {
        const started = process.hrtime.bigint();
        const response = await sync.push(userId, payload);
        const collection = (payload as { collection: string }).collection;
        metrics?.pushDocs.inc({ collection }, (payload as { rows: unknown[] }).rows.length);
        metrics?.pushDuration.observe({ collection }, Number(process.hrtime.bigint() - started) / 1e9);
        return response;
      }),
    );
  });

  return {
    inFlight: () => inFlight,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}
