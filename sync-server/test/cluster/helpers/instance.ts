import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnChild, waitForLine, type Child, type Exit } from './processes.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const DIST_MAIN = join(REPO, 'sync-server/dist/main.js');

let built: Promise<void> | undefined;

/** Newest modification time of the files under `dir` whose names pass `keep`. */
function newest(dir: string, keep: (name: string) => boolean): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !keep(entry.name)) continue;
    max = Math.max(max, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return max;
}

function distIsFresh(): boolean {
  if (!existsSync(DIST_MAIN)) return false;
  const source = (name: string) => name.endsWith('.ts') && !name.endsWith('.test.ts');
  const sources = Math.max(
    newest(join(REPO, 'sync-server/src'), source),
    newest(join(REPO, 'shared-schema/src'), source),
  );
  return newest(join(REPO, 'sync-server/dist'), (name) => name.endsWith('.js')) >= sources;
}

/**
 * The cluster tests run the compiled server (`sync-server/dist/main.js`) as real processes. `npm
 * test` in CI runs after `npm run build`; locally, when a source file is newer than the dist, this
 * runs `tsc -b sync-server` first, serialized across test files by a lock directory. If that build
 * fails but an older dist exists, the old dist is used with a warning; with no dist at all the test
 * fails and says why.
 */
export function ensureBuilt(): Promise<void> {
  built ??= (async () => {
    const lock = join(tmpdir(), 'taskmaster-cluster-build.lock');
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    try {
      if (distIsFresh()) return;
      execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'sync-server'], {
        cwd: REPO,
        stdio: 'pipe',
      });
    } catch (error) {
      const output = String((error as { stdout?: Buffer }).stdout ?? error);
      if (!existsSync(DIST_MAIN)) {
        throw new Error(
          `cluster tests need the compiled server (${DIST_MAIN}); \`tsc -b sync-server\` failed:\n${output}`,
          { cause: error },
        );
      }
      console.warn(
        `[cluster] tsc -b sync-server failed; running the existing, possibly stale, dist:\n${output.slice(0, 2000)}`,
      );
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  })();
  return built;
}

export interface InstanceOptions {
  name: string;
  dataDir: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

export interface Instance {
  name: string;
  url: string;
  port: number;
  address: string;
  child: Child;
  /** Sends a signal to this process (by PID) and waits for its exit. */
  signal(signal: NodeJS.Signals): Promise<Exit>;
  logs(): string[];
}

export const TEST_JWT_SECRET = 'cluster-test-secret-0123456789abcdef0123456789';
/** `/metrics` is off the app port unless a bearer token is configured; the tests scrape with this one. */
export const TEST_METRICS_TOKEN = 'cluster-test-metrics-token-0123456789';

/** One sync-server process on 127.0.0.1 and an ephemeral port (read from its "listening" log line). */
export async function startInstance(options: InstanceOptions): Promise<Instance> {
  await ensureBuilt();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: options.dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    SHUTDOWN_GRACE_MS: '5000',
    TRUST_PROXY: 'loopback',
    CLIENT_DIST_DIR: join(options.dataDir, 'no-client'),
    // Several instances on one machine: no fixed metrics port; scraped on the app port with a token.
    METRICS_PORT: 'off',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  };
  const child = spawnChild(process.execPath, [DIST_MAIN], { env, cwd: REPO, keepLines: 2000 });
  const line = await waitForLine(child, (l) => l.includes('TaskMaster listening'), 20_000, `${options.name} to listen`);
  const port = (JSON.parse(line) as { port: number }).port;
  return {
    name: options.name,
    url: `http://127.0.0.1:${port}`,
    port,
    address: `127.0.0.1:${port}`,
    child,
    signal: (signal) => child.stop(signal, 15_000),
    logs: () => child.output,
  };
}
