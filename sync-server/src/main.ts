import { loadConfig, describeConfig, ConfigError } from './config/config.js';
import { Redis } from 'ioredis';
import { createLocalFanout, type Fanout } from './fanout/fanout.js';
import { createRedisFanout, redisConnectionOptions } from './fanout/redis-fanout.js';
import { createServer } from './http/create-server.js';
import { createLogger } from './observability/logger.js';
import { createRedisAuthRateLimiter, createRedisEventRateLimiter } from './replication/rate-limiters.js';
import { openSqliteStores } from './store/open-stores.js';

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
  const stores = openSqliteStores({ dataDir: config.dataDir });
  await Promise.all([stores.documents.ready(), stores.accounts.ready()]);
  const { documents, accounts } = stores;

  // Scaled mode: fan-out, rate-limit counters and presence go through Redis (clients built here only).
  let fanout: Fanout = createLocalFanout();
  let redisDeps: Pick<Parameters<typeof createServer>[0], 'socketRateLimiter' | 'authRateLimiter'> = {};
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
    };
  }
  const server = createServer({ config, documents, accounts, fanout, logger, ...redisDeps });
  const port = await server.listen(config.port, config.host);
  logger.info(
    { port, host: config.host, store: stores.kind, fanout: fanout.kind },
    `TaskMaster listening on http://localhost:${port}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
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

void main();
