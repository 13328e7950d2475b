import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTION_NAMES } from '@taskmaster/shared-schema';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { startRedis } from '../test/cluster/helpers/redis.js';
import { registerAccount } from '../test/helpers/device.js';
import { measurePropagation } from './core.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { round } from './stats.js';

/**
 * Issue 4 figures: cross-instance propagation through Redis, and idle live connections per instance.
 * Both start their own processes (redis-server on a unix socket, built sync-servers on 127.0.0.1)
 * and stop them, by PID, afterwards.
 */

/**
 * Device A on instance 1, device B on instance 2 (same SQLite file, same redis-server): a write on A
 * until it is in B's local RxDB. Spaced single-document writes, `samples` after 10 warm-ups.
 */
export async function measureCrossInstancePropagation(samples = 200): Promise<{ p50: number; p99: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'taskmaster-bench-cluster-'));
  const redis = await startRedis(dir);
  const servers: ServerProcess[] = [];
  try {
    const env = { DATA_DIR: join(dir, 'data'), REDIS_URL: redis.url };
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
    const [one, two] = servers as [ServerProcess, ServerProcess];
    return await measurePropagation(one.url, samples, two.url);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The soft open-files limit of this process (each client socket is one descriptor here). */
function openFilesLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

/**
 * Idle live connections one instance holds, up to `maxConnections` (bounded by the open-files limit
 * and by `timeBudgetMs`), and the server memory each costs. Every connection is a raw socket.io
 * client that does what a real device does on connect: authenticates in the handshake (a real
 * access token), joins its user's room (server side), and pulls each collection from its checkpoint.
 */
export async function measureConnections(
  maxConnections = 10_000,
  timeBudgetMs = 60_000,
): Promise<{ connections: number; rssPerConnectionKb: number; serverRssMb: number }> {
  const limit = Math.min(maxConnections, openFilesLimit() - 512);
  const server = await startServerProcess({ AUTH_RATE_LIMIT_PER_MINUTE: '0' }, ['--expose-gc']);
  const sockets: Socket[] = [];
  try {
    // A handful of accounts, like many users each with a few devices.
    const accounts = await Promise.all(Array.from({ length: 20 }, () => registerAccount(server.url)));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baseKb = server.rssMb() * 1024;
    const deadline = Date.now() + timeBudgetMs;
    const connectOne = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const account = accounts[i % accounts.length]!;
        const socket = connectSocket(server.url, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { token: account.tokens.accessToken },
        });
        sockets.push(socket);
        socket.once('connect_error', reject);
        socket.once('connect', () => {
          Promise.all(
            COLLECTION_NAMES.map((collection) =>
              socket.timeout(30_000).emitWithAck('sync:pull', { collection, checkpoint: null, batchSize: 100 }),
            ),
          ).then(() => resolve(), reject);
        });
      });
    let connected = 0;
    const batch = 250;
    while (connected < limit && Date.now() < deadline) {
      const size = Math.min(batch, limit - connected);
      const results = await Promise.allSettled(Array.from({ length: size }, (_, k) => connectOne(connected + k)));
      const failed = results.filter((r) => r.status === 'rejected');
      connected += size - failed.length;
      if (failed.length > 0) {
        process.stderr.write(
          `  connections: ${failed.length} failed at ${connected}: ${String((failed[0] as PromiseRejectedResult).reason)}\n`,
        );
        break;
      }
    }
    // Idle for a moment, so per-connection buffers settle; then read the server's resident memory.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const live = sockets.filter((s) => s.connected).length;
    const rssKb = server.rssMb() * 1024;
    return {
      connections: live,
      rssPerConnectionKb: live > 0 ? round((rssKb - baseKb) / live, 1) : NaN,
      serverRssMb: round(rssKb / 1024, 1),
    };
  } finally {
    sockets.forEach((s) => s.close());
    await server.stop();
  }
}
