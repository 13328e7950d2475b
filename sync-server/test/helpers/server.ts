import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLocalFanout, type Fanout } from '../../src/fanout/fanout.js';
import { createServer, type ServerDeps, type TaskmasterServer } from '../../src/http/create-server.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { TaskStore } from '../../src/store/task-store.js';

export interface TestServerOptions {
  /** Reuse a data directory (to restart a server on the same SQLite file). */
  dataDir?: string;
  env?: Record<string, string>;
  fanout?: Fanout;
  now?: () => number;
  deps?: Partial<ServerDeps>;
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  dbFile: string;
  config: Config;
  store: TaskStore;
  server: TaskmasterServer;
  /** Graceful stop of server and store (the data directory stays). */
  stop(): Promise<void>;
  /** Stop and delete the data directory. */
  dispose(): Promise<void>;
}

/** A real sync server on 127.0.0.1 and an ephemeral port, with its own SQLite file. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'taskmaster-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    SHUTDOWN_GRACE_MS: '5000',
    CLIENT_DIST_DIR: join(dataDir, 'no-client'),
    ...options.env,
  });
  const dbFile = join(dataDir, 'taskmaster.sqlite');
  const store = createSqliteStore({ file: dbFile });
  const fanout = options.fanout ?? createLocalFanout();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const server = createServer({
    config,
    store,
    fanout,
    logger,
    now: options.now,
    // Cheap hashing keeps sign-ins fast in tests; production uses the default cost.
    scryptParams: { N: 2 ** 10, r: 8, p: 1, keyLength: 32 },
    ...options.deps,
  });
  const port = await server.listen(0, '127.0.0.1');
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
    await fanout.close();
    await store.close();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    dbFile,
    config,
    store,
    server,
    stop,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
