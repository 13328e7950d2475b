import { createServer as createHttpServer, type Server as HttpServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_LIMITS, TaskmasterError } from '@taskmaster/shared-schema';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Server } from 'socket.io';
import { createMemoryActivity, createMemoryCache, type ActivityCounter, type TtlCache } from '../admin/activity.js';
import { ADMIN_BASE_PATH, createAdminRouter } from '../admin/admin-router.js';
import { AdminService } from '../admin/admin-service.js';
import { createPresence } from '../admin/presence.js';
import { createAuthRouter, type AuthRateLimiter } from '../auth/auth-router.js';
import { AuthService } from '../auth/auth-service.js';
import type { ScryptParams } from '../auth/passwords.js';
import { SessionRevocations, type RevokedSessionStore } from '../auth/session-revocations.js';
import type { Config } from '../config/config.js';
import { disconnectSession } from '../fanout/cluster-ops.js';
import type { Fanout } from '../fanout/fanout.js';
import type { ErrorReporter } from '../observability/error-reporting.js';
import { httpMetrics, rememberRouteBase } from '../observability/http-metrics.js';
import { createHttpLogger, type Logger } from '../observability/logger.js';
import { createMetrics, metricsHandler, type Metrics } from '../observability/metrics.js';
import { attachSocketHandlers, type SyncServer } from '../replication/socket-handlers.js';
import { SyncService } from '../replication/sync-service.js';
import type { AccountStore } from '../store/account-store.js';
import type { DocumentStore } from '../store/document-store.js';
import { findJsonShapeProblem } from '../validation/json-shape.js';
import { restCors } from './cors.js';
import { connectSources } from './csp.js';
import { apiNotFound, createErrorHandler } from './errors.js';
import { createHealthRouter } from './health.js';
import { buildOpenApiDocument } from './openapi.js';
import { createOriginPolicy } from './origins.js';
import { serveClient } from './static.js';
import { timedCommits } from './timed-commits.js';
import { createVitalsRouter } from './vitals.js';

/** Server-to-server event (adapter `serverSideEmit`): "this session id is revoked, remember it". */
export const SESSION_REVOKED_EVENT = 'taskmaster:session-revoked';

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
  /** Per-IP limiter of `POST /api/vitals` (Redis-backed when scaled). */
  vitalsRateLimiter?: AuthRateLimiter;
  /** Revoked session ids shared by every instance (Redis when scaled); memory and the store otherwise. */
  revokedSessions?: RevokedSessionStore;
  /** With `revokedSessions`: how often live connections are checked against it (default 10 s). */
  revocationSweepMs?: number;
  /** Sync activity for the admin stats (Redis when scaled, so it is cluster-wide). */
  activity?: ActivityCounter;
  /** Cache of the admin stats (Redis when scaled). */
  cache?: TtlCache;
  /** Unexpected errors (5xx, failed sync events) besides the log; off unless SENTRY_DSN is set. */
  errorReporter?: ErrorReporter;
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
  admin: AdminService;
  revocations: SessionRevocations;
  metrics: Metrics;
  /**
   * Serves `GET /metrics` only. The composition root listens with it on `METRICS_HOST:METRICS_PORT`
   * (loopback by default), never on the public port.
   */
  metricsListener: RequestListener;
  /** The REST routers and where they are mounted (the OpenAPI completeness test walks them). */
  apiRouters: { prefix: string; router: express.Router }[];
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

  const revocations = new SessionRevocations({
    // Remembered as long as an access token carrying the id can verify (TTL plus clock tolerance).
    ttlMs: (config.accessTokenTtlSeconds + 10) * 1000,
    shared: deps.revokedSessions,
    lookup: (sessionId) => accounts.isSessionRevoked(sessionId),
    now: deps.now,
    onError: (err, where) => logger.warn({ err }, `${where} failed`),
  });
  // Assigned below once the Socket.IO server exists; revocations only happen on later requests.
  let closeSession: (session: { userId: string; sessionId: string }) => Promise<void> = async () => undefined;
  const auth = new AuthService({
    store: accounts,
    config,
    logger,
    metrics,
    now: deps.now,
    scryptParams: deps.scryptParams,
    revocations,
    onSessionRevoked: (session) => closeSession(session),
  });
  const activity = deps.activity ?? createMemoryActivity(deps.now);
  const sync = new SyncService(timedCommits(documents, metrics), fanout, {
    maxClockSkewMs: config.maxClockSkewMs,
    now: deps.now,
    // A device fetched buckets because its digest differed from the server's (rule R9): a bug somewhere.
    onRepair: (userId, collection, buckets) => {
      metrics.repairs.inc({ cause: 'digest-mismatch' });
      logger.warn({ userId, collection, buckets }, 'device repairs a divergence from the server digest');
    },
  });
  const originAllowed = createOriginPolicy(config.corsOrigins);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(createHttpLogger(logger));
  app.use(httpMetrics(metrics));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The app's own origin and the configured ones; never any ws:/wss: host.
          'connect-src': [connectSources(config.corsOrigins)],
          'img-src': ["'self'", 'data:'],
          'worker-src': ["'self'"],
          // TLS is terminated in front of the server when there is any; forcing https on a plain-http
          // LAN address (a phone on http://192.168.x.x:3000) would break every asset.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use('/api', restCors(originAllowed), express.json({ limit: '16kb' }), (req, _res, next) => {
    // Before any schema sees the body: nesting that would overflow a recursive validator, `__proto__` keys.
    const problem = req.body === undefined ? undefined : findJsonShapeProblem(req.body);
    next(problem ? new TaskmasterError('invalid-payload', `Request body has ${problem}`, 400) : undefined);
  });
  const store = {
    async ping() {
      await Promise.all([documents.ping(), accounts.ping()]);
    },
  };
  app.use('/', createHealthRouter({ store, isShuttingDown, logger }));
  // Public port: only with a bearer token (METRICS_TOKEN); otherwise /metrics is not served here at all.
  if (config.metricsToken) app.get('/metrics', metricsHandler(metrics.registry, config.metricsToken));

  const io: SyncServer = new Server({
    maxHttpBufferSize: PROTOCOL_LIMITS.maxMessageBytes,
    // The client only speaks WebSocket; refusing long-polling removes a second transport to attack.
    transports: ['websocket'],
    // The Origin check must also cover the WebSocket upgrade, which `cors` does not.
    allowRequest: (req, callback) => {
      const ok = originAllowed(req.headers.origin, req.headers.host);
      callback(ok ? null : 'origin not allowed', ok);
    },
    cors: { origin: (origin, callback) => callback(null, originAllowed(origin, undefined)), credentials: false },
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });
  const admin = new AdminService({
    accounts,
    documents,
    presence: createPresence(io),
    activity,
    cache: deps.cache ?? createMemoryCache(deps.now),
    sessionEnded: (userId, sessionId) => auth.sessionEnded(userId, sessionId),
    storeKind: documents.kind,
    fanoutKind: fanout.kind,
    metrics,
    now: deps.now,
  });
  const openApi = buildOpenApiDocument();
  const apiRouters = [
    {
      prefix: '/api/auth',
      router: createAuthRouter(auth, {
        rateLimiter: deps.authRateLimiter,
        pointsPerMinute: config.authRateLimitPerMinute,
        onLimited: () => metrics.rateLimited.inc({ scope: 'auth' }),
        eraseAccount: (userId) => admin.eraseOwnAccount(userId),
      }),
    },
    { prefix: '/api', router: createVitalsRouter({ metrics, rateLimiter: deps.vitalsRateLimiter }) },
    { prefix: ADMIN_BASE_PATH, router: createAdminRouter({ admin, verifier: auth, accounts }) },
  ];
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  for (const { prefix, router } of apiRouters) app.use(prefix, rememberRouteBase, router);
  app.use('/api', apiNotFound);
  serveClient(app, config.clientDistDir, logger);
  app.use(createErrorHandler(logger, deps.errorReporter));

  const httpServer = createHttpServer(app);
  io.attach(httpServer);
  fanout.attach(io);
  const fanoutFailures = (fanout as Partial<{ droppedPublishes(): number }>).droppedPublishes;
  if (fanoutFailures) metrics.setFanoutFailureSource(() => fanoutFailures.call(fanout));
  // Redis pub/sub is at most once: a revocation broadcast can be lost. A periodic sweep of this
  // instance's live sessions against the shared store bounds how long such a socket survives.
  let sweepTimer: NodeJS.Timeout | undefined;
  if (deps.revokedSessions) {
    sweepTimer = setInterval(() => {
      const live = [...io.of('/').sockets.values()];
      const sids = [...new Set(live.flatMap((s) => (s.data.sessionId ? [s.data.sessionId] : [])))];
      void revocations.sweep(sids).then((revoked) => {
        if (revoked.length === 0) return;
        const ended = new Set(revoked);
        for (const socket of live) {
          if (!socket.data.sessionId || !ended.has(socket.data.sessionId) || !socket.connected) continue;
          socket.emit('auth:expired', { reason: 'token-expired' });
          socket.disconnect(true);
        }
        logger.info({ sessions: revoked.length }, 'revoked sessions found by the sweep disconnected');
      });
    }, deps.revocationSweepMs ?? 10_000);
    sweepTimer.unref();
  }
  // Revocations made on another instance: remembered here too, for the per-event check.
  (io.of('/') as unknown as { on(event: string, listener: (sid: unknown) => void): void }).on(
    SESSION_REVOKED_EVENT,
    (sid) => {
      if (typeof sid === 'string') revocations.remember(sid);
    },
  );
  // A revoked session: other instances remember its id, and its sockets close wherever they are.
  closeSession = async ({ userId, sessionId }) => {
    if (fanout.kind === 'redis') io.serverSideEmit(SESSION_REVOKED_EVENT as never, sessionId as never);
    try {
      const closed = await disconnectSession(io, userId, sessionId);
      logger.info({ userId, sessionId, closed }, 'revoked session disconnected');
    } catch (error) {
      // The id is revoked already, so every event of a socket missed here is refused anyway.
      logger.error({ err: error, userId }, 'could not disconnect a revoked session on every instance');
    }
  };
  const sockets = attachSocketHandlers({
    io,
    auth,
    sync,
    logger,
    rateLimiter: deps.socketRateLimiter,
    revocations,
    maxSocketsPerUser: config.maxSocketsPerUser,
    activity,
    onUnexpectedError: deps.errorReporter && ((error, event) => deps.errorReporter?.capture(error, { event })),
    isShuttingDown,
    now: deps.now,
    maxClockSkewMs: config.maxClockSkewMs,
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
    admin,
    revocations,
    metrics,
    metricsListener: metricsApp(metrics),
    apiRouters,
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
        clearInterval(sweepTimer);
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
        await activity.close();
        logger.info('shut down');
      })();
      return closing;
    },
  };
}

/** The metrics listener: `GET /metrics` and nothing else. */
function metricsApp(metrics: Metrics): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler(metrics.registry));
  app.use((_req, res) => {
    res.status(404).json({ error: { reason: 'not-found', message: 'only /metrics is served here' } });
  });
  return app;
}
