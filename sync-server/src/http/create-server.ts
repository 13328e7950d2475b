import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_LIMITS } from '@taskmaster/shared-schema';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Server } from 'socket.io';
import { createAuthRouter, type AuthRateLimiter } from '../auth/auth-router.js';
import { AuthService } from '../auth/auth-service.js';
import type { ScryptParams } from '../auth/passwords.js';
import type { Config } from '../config/config.js';
import { disconnectSession } from '../fanout/cluster-ops.js';
import type { Fanout } from '../fanout/fanout.js';
import { createHttpLogger, type Logger } from '../observability/logger.js';
import { createMetrics, metricsHandler, type Metrics } from '../observability/metrics.js';
import { attachSocketHandlers, type SyncServer } from '../replication/socket-handlers.js';
import { SyncService } from '../replication/sync-service.js';
import type { AccountStore } from '../store/account-store.js';
import type { DocumentStore } from '../store/document-store.js';
import { apiNotFound, createErrorHandler } from './errors.js';
import { createHealthRouter } from './health.js';
import { createOriginPolicy } from './origins.js';
import { serveClient } from './static.js';

export interface ServerDeps {
  config: Config;
  /** Scoped documents and sequences (SyncService). */
  documents: DocumentStore;
  /** Users, sessions, tokens and the audit log (AuthService, admin). */
  accounts: AccountStore;
  fanout: Fanout;
  logger: Logger;
  metrics?: Metrics;
  /** Per-connection socket event limiter (Redis-backed when scaled). */
  socketRateLimiter?: RateLimiterAbstract;
  authRateLimiter?: AuthRateLimiter;
  now?: () => number;
  /** Password hashing cost; lowered only by tests. */
  scryptParams?: ScryptParams;
}

export interface TaskmasterServer {
  app: Express;
  httpServer: HttpServer;
  io: SyncServer;
  sync: SyncService;
  auth: AuthService;
  metrics: Metrics;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  isShuttingDown(): boolean;
  /**
   * Graceful shutdown: refuse new connections and pushes, let in-flight pushes finish (up to the
   * grace period), tell connected devices to reconnect elsewhere, then close. Does not close the
   * store or fan-out; the composition root owns those.
   */
  close(): Promise<void>;
}

/** Builds the HTTP app and the Socket.IO server from their dependencies. Never listens by itself. */
export function createServer(deps: ServerDeps): TaskmasterServer {
  const { config, documents, accounts, fanout, logger } = deps;
  const metrics = deps.metrics ?? createMetrics();
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;

  // Assigned below once the Socket.IO server exists; revocations only happen on later requests.
  let closeSession: (session: { userId: string; sessionId: string }) => void = () => undefined;
  const auth = new AuthService({
    store: accounts,
    config,
    logger,
    metrics,
    now: deps.now,
    scryptParams: deps.scryptParams,
    onSessionRevoked: (session) => closeSession(session),
  });
  const sync = new SyncService(documents, fanout);
  const originAllowed = createOriginPolicy(config.corsOrigins);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(createHttpLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:'],
          'worker-src': ["'self'"],
          // TLS is terminated in front of the server when there is any; forcing https on a plain-http
          // LAN address (a phone on http://192.168.x.x:3000) would break every asset.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use('/api', express.json({ limit: '16kb' }));
  const store = {
    async ping() {
      await Promise.all([documents.ping(), accounts.ping()]);
    },
  };
  app.use('/', createHealthRouter({ store, isShuttingDown, logger }));
  app.get('/metrics', metricsHandler(metrics.registry));
  app.use(
    '/api/auth',
    createAuthRouter(auth, { rateLimiter: deps.authRateLimiter, pointsPerMinute: config.authRateLimitPerMinute }),
  );
  app.use('/api', apiNotFound);
  serveClient(app, config.clientDistDir, logger);
  app.use(createErrorHandler(logger));

  const httpServer = createHttpServer(app);
  const io: SyncServer = new Server(httpServer, {
    maxHttpBufferSize: PROTOCOL_LIMITS.maxMessageBytes,
    // The Origin check must also cover the WebSocket upgrade, which `cors` does not.
    allowRequest: (req, callback) => {
      const ok = originAllowed(req.headers.origin, req.headers.host);
      callback(ok ? null : 'origin not allowed', ok);
    },
    cors: { origin: (origin, callback) => callback(null, originAllowed(origin, undefined)), credentials: false },
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });
  fanout.attach(io);
  closeSession = ({ userId, sessionId }) => {
    disconnectSession(io, userId, sessionId).then(
      (closed) => logger.warn({ userId, sessionId, closed }, 'revoked session disconnected'),
      (error: unknown) => logger.error({ err: error, userId }, 'could not disconnect a revoked session'),
    );
  };
  const sockets = attachSocketHandlers({
    io,
    auth,
    sync,
    logger,
    rateLimiter: deps.socketRateLimiter,
    isShuttingDown,
    now: deps.now,
    metrics,
  });
  io.on('connection', (socket) => {
    metrics.connectedSockets.inc();
    socket.on('disconnect', () => metrics.connectedSockets.dec());
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    httpServer,
    io,
    sync,
    auth,
    metrics,
    isShuttingDown,
    listen(port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        logger.info({ inFlight: sockets.inFlight() }, 'shutting down: draining in-flight pushes');
        const grace = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref());
        await Promise.race([sockets.idle(), grace]);
        io.local.emit('sync:reconnect', { reason: 'server-shutdown' });
        // Devices disconnect themselves on `sync:reconnect`; give them (and the acks still in the
        // socket buffers) a moment before closing whatever is left.
        const deadline = Date.now() + 1000;
        while (io.of('/').sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        io.local.disconnectSockets(true);
        const closed = new Promise<void>((resolve) => io.close(() => resolve()));
        // Pushes are drained and devices told to leave: connections still open now (a proxy's
        // keep-alive, a handshake being refused) must not keep the process from exiting.
        httpServer.closeAllConnections();
        await closed;
        logger.info('shut down');
      })();
      return closing;
    },
  };
}
