import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../../..');
const DIST_MAIN = join(REPO, 'sync-server/dist/main.js');
const built = existsSync(DIST_MAIN);
if (!built) console.warn('\n[SKIP] SIGTERM test needs the compiled server: run `npx tsc -b` first\n');

/** Starts the compiled server with its stdout on a pipe, waits until it listens, then hangs up the pipe's reader. */
async function runAndHangUp(): Promise<{ exited: boolean; code: number | null }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskmaster-sigterm-'));
  const child = spawn(process.execPath, [DIST_MAIN], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      SHUTDOWN_GRACE_MS: '200',
      CLIENT_DIST_DIR: join(dataDir, 'none'),
    },
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) if (line.includes('listening')) break;
  // The reader goes away (a log shipper died, `| head` finished): every later write gets EPIPE.
  child.stdout!.destroy();
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    exit.then((code) => ({ exited: true, code })),
    new Promise<{ exited: false; code: null }>((resolve) => {
      timer = setTimeout(() => resolve({ exited: false, code: null }), 15_000);
    }),
  ]);
  clearTimeout(timer);
  if (!result.exited) {
    child.kill('SIGKILL');
    await exit;
  }
  rmSync(dataDir, { recursive: true, force: true });
  return result;
}

describe.skipIf(!built)('[S8] shutdown always ends', () => {
  it('[S8] SIGTERM exits even when the reader of stdout is gone (pino final flush meets EPIPE)', async () => {
    // The hang was timing-dependent (2 of 4 runs): several runs at once make a pass meaningful.
    const runs = await Promise.all(Array.from({ length: 4 }, () => runAndHangUp()));
    expect(runs.map((r) => r.exited)).toEqual([true, true, true, true]);
  }, 60_000);
});
