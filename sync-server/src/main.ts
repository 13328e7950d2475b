import { join } from 'node:path';
import { loadConfig, describeConfig, ConfigError } from './config/config.js';
import { createLocalFanout } from './fanout/fanout.js';
import { createServer } from './http/create-server.js';
import { createLogger } from './observability/logger.js';
import { createSqliteStore } from './store/sqlite-store.js';

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
  if (config.mongodbUri || config.redisUrl) {
    logger.warn('MONGODB_URI / REDIS_URL are set but this build only has the embedded SQLite store and in-process fan-out');
  }
  const store = createSqliteStore({ file: join(config.dataDir, 'taskmaster.sqlite') });
  await store.ready();
  const fanout = createLocalFanout();
  const server = createServer({ config, store, fanout, logger });
  const port = await server.listen(config.port, config.host);
  logger.info({ port, host: config.host, store: store.kind, fanout: fanout.kind }, `TaskMaster listening on http://localhost:${port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    server
      .close()
      .then(() => fanout.close())
      .then(() => store.close())
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
