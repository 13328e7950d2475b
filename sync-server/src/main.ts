import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, describeConfig, ConfigError, type Config } from './config/config.js';
import { Redis } from 'ioredis';
import { createRedisActivity, createRedisCache } from './admin/activity.js';
import { createRedisRevokedSessionStore } from './auth/session-revocations.js';
import { createLocalFanout, type Fanout } from './fanout/fanout.js';
import { createRedisFanout, redisConnectionOptions } from './fanout/redis-fanout.js';
import { createServer } from './http/create-server.js';
import { createErrorReporter } from './observability/error-reporting.js';
import { createLogger } from './observability/logger.js';
import { createRedisAuthRateLimiter, createRedisEventRateLimiter } from './replication/rate-limiters.js';
import { createMetrics } from './observability/metrics.js';
import { MongoReplicaSetRequiredError } from './store/store-errors.js';
import { openStores } from './store/open-stores.js';

/** The composition root: read config, build store, fan-out and logger, then serve. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  logger.info({ config: describeConfig(config) }, 'configuration');
  warnIfExposed(config);
  // Created here so the store can count its transaction retries in the server's registry.
  const metrics = createMetrics();
  let stores;
  try {
    stores = await openStores(config, { registry: metrics.registry });
    await Promise.all([stores.documents.ready(), stores.accounts.ready()]);
  } catch (error) {
    if (error instanceof MongoReplicaSetRequiredError) {
      logger.fatal(error.message);
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { documents, accounts } = stores;

  // Scaled mode: fan-out, rate-limit counters and presence go through Redis (clients built here only).
  let fanout: Fanout = createLocalFanout();
  let redisDeps: Pick<
    Parameters<typeof createServer>[0],
    'socketRateLimiter' | 'authRateLimiter' | 'vitalsRateLimiter' | 'revokedSessions' | 'activity' | 'cache'
  > = {};
  const redisClients: Redis[] = [];
  if (config.redisUrl) {
    const pub = new Redis(redisConnectionOptions(config.redisUrl, 'pub'));
    const sub = new Redis(redisConnectionOptions(config.redisUrl, 'sub'));
    redisClients.push(pub, sub);
    fanout = createRedisFanout({
      pub,
      sub,
      logger,
      currentSeq: (userId, collection) => documents.currentSeq(userId, collection),
    });
    redisDeps = {
      socketRateLimiter: createRedisEventRateLimiter(pub),
      authRateLimiter:
        config.authRateLimitPerMinute > 0 ? createRedisAuthRateLimiter(pub, config.authRateLimitPerMinute) : undefined,
      vitalsRateLimiter: createRedisAuthRateLimiter(pub, 30, 'taskmaster:vitals'),
      revokedSessions: createRedisRevokedSessionStore(pub),
      activity: createRedisActivity(pub),
      cache: createRedisCache(pub),
    };
  }
  const errorReporter = await createErrorReporter(config.errorReportingDsn, logger);
  const server = createServer({ config, documents, accounts, fanout, logger, metrics, errorReporter, ...redisDeps });
  const port = await server.listen(config.port, config.host);
  logger.info(
    { port, host: config.host, store: stores.kind, fanout: fanout.kind },
    `TaskMaster listening on http://localhost:${port}`,
  );
  // Metrics live on their own listener, loopback by default: never on the port nginx exposes.
  let metricsServer: HttpServer | undefined;
  if (config.metricsPort !== undefined) {
    metricsServer = createHttpServer(server.metricsListener);
    const metricsPort = await listenOn(metricsServer, config.metricsPort, config.metricsHost);
    logger.info({ port: metricsPort, host: config.metricsHost }, 'metrics listening');
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    // Whatever hangs (a store that never answers, a peer that never closes), the process ends.
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 5000).unref();
    metricsServer?.close();
    server
      .close()
      .then(() => fanout.close())
      .then(() => Promise.all(redisClients.map((client) => client.quit().catch(() => client.disconnect()))))
      .then(() => stores.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function listenOn(httpServer: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
      resolve((httpServer.address() as AddressInfo).port);
    });
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** A development server with the built-in JWT secret reachable from other machines is a risk worth a loud line. */
function warnIfExposed(config: Config): void {
  if (config.isProduction || !config.usingDevJwtSecret || LOOPBACK.test(config.host)) return;
  process.stderr.write(
    `\nWARNING: listening on ${config.host} with the development JWT secret. Anyone who can reach this ` +
      'port can forge sign-ins. Set JWT_SECRET, or HOST=127.0.0.1 to stay on this machine.\n\n',
  );
}

void main();
