import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLocalFanout, type Fanout } from '../../src/fanout/fanout.js';
import { createServer, type ServerDeps, type TaskmasterServer } from '../../src/http/create-server.js';
import type { AccountStore } from '../../src/store/account-store.js';
import type { DocumentStore } from '../../src/store/document-store.js';
import { openSqliteStores, type Stores } from '../../src/store/open-stores.js';

export interface TestServerOptions {
  /** Reuse a data directory (to restart a server on the same SQLite file). */
  dataDir?: string;
  env?: Record<string, string>;
  fanout?: Fanout;
  /** Other stores (memory, MongoDB) instead of the SQLite file in the data directory; closed on stop. */
  stores?: Stores | { documents: DocumentStore; accounts: AccountStore; close(): Promise<void> };
  now?: () => number;
  deps?: Partial<ServerDeps>;
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  dbFile: string;
  config: Config;
  /** The document store (kept under this name for the many tests that read documents through it). */
  store: DocumentStore;
  accounts: AccountStore;
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
  const stores = options.stores ?? openSqliteStores({ dataDir });
  const store = stores.documents;
  const accounts = stores.accounts;
  await Promise.all([store.ready(), accounts.ready()]);
  const fanout = options.fanout ?? createLocalFanout();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const server = createServer({
    config,
    documents: store,
    accounts,
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
    await stores.close();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    dbFile,
    config,
    store,
    accounts,
    server,
    stop,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
