import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENT_DIR = fileURLToPath(new URL('../../..', import.meta.url));
export const CLIENT_DIST = join(CLIENT_DIR, 'dist');
const lockDir = join(dirname(CLIENT_DIR), 'node_modules', '.cache', 'taskmaster-client-build.lock');

/** Newest modification time under the client's sources, so a stale build is rebuilt. */
function newestSourceMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestSourceMtime(join(path, entry))), 0);
}

function isFresh(): boolean {
  const index = join(CLIENT_DIST, 'index.html');
  if (!existsSync(index) || !existsSync(join(CLIENT_DIST, 'sw.js'))) return false;
  // The build also bundles the engine's mango-matcher from source (vite-plugins/lean-dependencies.ts).
  const inputs = [
    'src',
    'public',
    'index.html',
    'vite.config.ts',
    'vite-plugins',
    'sync-engine/src/db/mango-matcher.ts',
  ];
  const sources = inputs.map((p) => newestSourceMtime(join(CLIENT_DIR, p)));
  return statSync(index).mtimeMs >= Math.max(...sources);
}

function sleep(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the production client when the build is missing or older than its sources (the e2e tests
 * run what `npm start` serves). `force` rebuilds anyway; a lock directory keeps parallel test files from building over each other.
 */
export function buildClient({ force = false }: { force?: boolean } = {}): string {
  if (!force && isFresh()) return CLIENT_DIST;
  mkdirSync(dirname(lockDir), { recursive: true });
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (waited > 180_000) throw new Error(`client build lock held too long: ${lockDir}`);
      sleep(250);
    }
  }
  try {
    if (force || !isFresh()) {
      execFileSync(
        process.execPath,
        [join(dirname(CLIENT_DIR), 'node_modules', 'vite', 'bin', 'vite.js'), 'build', CLIENT_DIR],
        {
          stdio: 'pipe',
          timeout: 180_000,
          // vitest sets NODE_ENV=test, which would make Vite build a development bundle (dev-mode, ajv).
          env: { ...process.env, NODE_ENV: 'production' },
        },
      );
    }
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
  return CLIENT_DIST;
}
