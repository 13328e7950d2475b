/**
 * Diagnostic, not a figure: what one idle connection costs the server, measured as V8 heap (after a
 * full GC, so far less noisy than RSS) and RSS. Starts the built server (`BENCH_MAIN_JS` to compare
 * builds), opens `CONNECTIONS` (2,000) Socket.IO connections of one user that each pull both
 * collections, as the peer bench's idle devices do, and reads the server's memory before and after.
 *
 *   node --import tsx sync-server/bench/conn-heap.ts
 *
 * `SNAP_DIR=/tmp/snaps` also writes a heap snapshot before (1) and after (2), to diff by constructor.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTION_NAMES } from '@taskmaster/shared-schema';
import { io, type Socket } from 'socket.io-client';
import { registerAccount } from '../test/helpers/device.js';
import { startServerProcess } from './server-process.js';

const COUNT = Number(process.env.CONNECTIONS ?? 2000);
const report = join(tmpdir(), `conn-heap-${process.pid}.json`);
const hook = join(tmpdir(), `conn-heap-hook-${process.pid}.mjs`);

interface Memory {
  heapUsed: number;
  rss: number;
}

async function main(): Promise<void> {
  // Loaded into the server process: on SIGUSR2, a full GC and its memory into the report file.
  writeFileSync(
    hook,
    `import { writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
let snaps = 0;
process.on('SIGUSR2', () => {
  globalThis.gc(); globalThis.gc();
  if (${JSON.stringify(process.env.SNAP_DIR ?? '')}) writeHeapSnapshot(${JSON.stringify(process.env.SNAP_DIR ?? '')} + '/' + ++snaps + '.heapsnapshot');
  writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.memoryUsage()));
});\n`,
  );
  const server = await startServerProcess({}, ['--expose-gc', '--import', hook]);
  const memory = async (): Promise<Memory> => {
    rmSync(report, { force: true });
    server.child.kill('SIGUSR2');
    for (let i = 0; i < 2400; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      try {
        return JSON.parse(readFileSync(report, 'utf8')) as Memory;
      } catch {
        // not written yet
      }
    }
    throw new Error('the server did not report its memory');
  };
  const sockets: Socket[] = [];
  try {
    const account = await registerAccount(server.url);
    // One connection first, so what every server keeps once (compiled schemas, pools) is paid.
    const open = async () => {
      const socket = io(server.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token: account.tokens.accessToken },
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      await Promise.all(
        COLLECTION_NAMES.map((collection) =>
          socket.timeout(30_000).emitWithAck('sync:pull', { collection, checkpoint: null, batchSize: 100 }),
        ),
      );
    };
    await open();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = await memory();
    for (let i = 1; i < COUNT; i += 100) await Promise.all(Array.from({ length: Math.min(100, COUNT - i) }, open));
    // Past the rate limiter's windows (1 s and 10 s would both be idle by then in a real device's life).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await memory();
    const n = COUNT - 1;
    process.stdout.write(
      `${n} idle connections: heap ${((after.heapUsed - before.heapUsed) / 1024 / n).toFixed(2)} KiB each, ` +
        `RSS ${((after.rss - before.rss) / 1024 / n).toFixed(2)} KiB each\n`,
    );
  } finally {
    sockets.forEach((s) => s.close());
    await server.stop();
    rmSync(hook, { force: true });
    rmSync(report, { force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
