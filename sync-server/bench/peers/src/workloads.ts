/**
 * The four workloads, the same for every system. Each starts a fresh server process and fresh client
 * processes, and stops them (by PID) afterwards; every loop is bounded in count and time.
 */
import { execFileSync } from 'node:child_process';
import { percentile, round, type Account } from '@taskmaster/sync-server/bench';
import { cpuMs } from './docs.js';
import { startChild, type Child, type Json } from './ipc.js';
import {
  CLIENT_SCRIPT,
  startSystem,
  TASKMASTER_SOCKETS_PER_USER,
  type SystemName,
  type SystemServer,
} from './systems.js';

/** A fan-out slower than this counts as not done (NaN), and the stage's figure is missing. */
const FANOUT_TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withServer<T>(system: SystemName, run: (server: SystemServer) => Promise<T>): Promise<T> {
  const server = await startSystem(system);
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

/** A device process of `system`, its database open and (TaskMaster) signed in; returns sign-in ms. */
async function openDevice(
  system: SystemName,
  server: SystemServer,
  account: Account | undefined,
  name: string,
): Promise<{ device: Child; signInMs: number }> {
  const device = await startChild(CLIENT_SCRIPT[system]);
  await device.request('open', { url: server.url, name });
  const signInMs = account
    ? await device.request<number>('signIn', { email: account.email, password: account.password })
    : 0;
  return { device, signInMs };
}

async function closeDevices(devices: Child[]): Promise<void> {
  await Promise.all(
    devices.map(async (device) => {
      await device.request('close', {}, 30_000).catch(() => undefined);
      await device.stop();
    }),
  );
}

/**
 * Two device processes of one user, both live; 10 warm-up + `samples` spaced single writes on A,
 * each from the start of the local write until the document is in B's local database.
 */
export async function propagation(
  system: SystemName,
  samples = 200,
): Promise<{ p50: number; p99: number; serverCpuPerWriteMs: number; clientCpuPerWriteMs: number }> {
  return withServer(system, async (server) => {
    const account = await server.account();
    const a = await openDevice(system, server, account, 'a');
    const b = await openDevice(system, server, account, 'b');
    try {
      await a.device.request('online', { batchSize: 500 });
      await b.device.request('online', { batchSize: 500 });
      const seen = new Map<string, (t: number) => void>();
      b.device.on('seen', (data) => {
        const { id, t } = data as { id: string; t: number };
        seen.get(id)?.(t);
      });
      await b.device.request('watch');
      const latencies: number[] = [];
      const cpuBefore = await server.cpuMs();
      const clientsBefore = (await cpuMs(a.device.pid)) + (await cpuMs(b.device.pid));
      const deadline = Date.now() + 120_000;
      for (let i = 0; i < samples + 10 && Date.now() < deadline; i++) {
        const id = `prop-${i}-${Date.now()}`;
        const arrived = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${system}: ${id} not seen on B within 10 s`)), 10_000);
          seen.set(id, (t) => {
            clearTimeout(timer);
            resolve(t);
          });
        });
        const started = await a.device.request<number>('write', { id, i });
        const at = await arrived;
        seen.delete(id);
        if (i >= 10) latencies.push(at - started);
        await sleep(5);
      }
      if (latencies.length < samples)
        throw new Error(`${system}: only ${latencies.length} propagation samples in time`);
      const writes = latencies.length + 10;
      const serverCpuPerWriteMs = ((await server.cpuMs()) - cpuBefore) / writes;
      const clientCpuPerWriteMs = ((await cpuMs(a.device.pid)) + (await cpuMs(b.device.pid)) - clientsBefore) / writes;
      return {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        serverCpuPerWriteMs: round(serverCpuPerWriteMs, 3),
        clientCpuPerWriteMs: round(clientCpuPerWriteMs, 3),
      };
    } finally {
      await closeDevices([a.device, b.device]);
    }
  });
}

/** The server holds `count` documents; a fresh (signed-in) device connects and pulls them all. */
export async function initialSync(system: SystemName, count = 10_000): Promise<{ ms: number; signInMs: number }> {
  return withServer(system, async (server) => {
    const account = await server.account();
    await server.preload(count, account);
    const { device, signInMs } = await openDevice(system, server, account, 'fresh');
    try {
      const ms = await device.request<number>('initialSync', { count, pullBatchSize: 1000, batchSize: 1000 });
      return { ms: round(ms, 1), signInMs: round(signInMs, 1) };
    } finally {
      await closeDevices([device]);
    }
  });
}

/**
 * A device that was in sync goes offline, writes `count` documents one by one, and comes back:
 * from reconnect until the server holds all of them.
 */
export async function push(
  system: SystemName,
  count = 5000,
): Promise<{ ms: number; serverCpuMs: number; clientCpuMs: number }> {
  return withServer(system, async (server) => {
    const account = await server.account();
    const { device } = await openDevice(system, server, account, 'push');
    try {
      await device.request('online', { batchSize: 500 });
      await device.request('offline');
      await device.request('writeOffline', { count, prefix: `push-${Date.now()}` }, 300_000);
      const [serverBefore, clientBefore] = [await server.cpuMs(), await cpuMs(device.pid)];
      const ms = await device.request<number>('pushAll', { count, batchSize: 500 });
      return {
        ms: round(ms, 1),
        serverCpuMs: (await server.cpuMs()) - serverBefore,
        clientCpuMs: (await cpuMs(device.pid)) - clientBefore,
      };
    } finally {
      await closeDevices([device]);
    }
  });
}

/** Hard open-files limit: one descriptor per connection on the server; not raisable in this container. */
export function openFilesLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

export interface ConnectionFigures {
  rss_at_rest_mb: number;
  /** Server RSS growth per idle connection at the first stage (10,000). */
  rss_per_connection_kb: number;
  connections_held: number;
  /** One write until every connection has heard of it, at the first stage and at the most held. */
  fanout_10k_ms: number;
  fanout_ms: number;
}

/**
 * Idle live connections in stages (10,000, then up to the last stage), held by two client processes;
 * at each stage the server's RSS growth per connection and the time from one write until every
 * connection has heard of it. TaskMaster caps one user's live connections at 10,000
 * (`MAX_SOCKETS_PER_USER`), so past that the connections belong to a second user and each user's
 * devices get one write, both sent at once; the figure is until the last connection heard.
 */
export async function connections(
  system: SystemName,
  stages: number[],
  budgetMs = 150_000,
): Promise<ConnectionFigures> {
  return withServer(system, async (server) => {
    const perUser = system === 'taskmaster' ? TASKMASTER_SOCKETS_PER_USER : Number.POSITIVE_INFINITY;
    const users: { token: string; held: number }[] = [];
    const since =
      system === 'pouchdb'
        ? String(((await (await fetch(server.url)).json()) as { update_seq: Json }).update_seq)
        : '0';
    await sleep(1000);
    const baseMb = await server.rssMb();
    const pools = await Promise.all([0, 1].map(() => startChild('./idle-clients.ts', { env: { SYSTEM: system } })));
    const result: ConnectionFigures = {
      rss_at_rest_mb: round(baseMb, 1),
      rss_per_connection_kb: NaN,
      connections_held: 0,
      fanout_10k_ms: NaN,
      fanout_ms: NaN,
    };
    try {
      let held = 0;
      const deadline = Date.now() + budgetMs;
      for (const [stage, target] of stages.entries()) {
        let failure = '';
        while (held < target && Date.now() < deadline && !failure) {
          let user = users.at(-1);
          if (!user || user.held >= perUser) {
            const account = await server.account();
            user = { token: account?.tokens.accessToken ?? '', held: 0 };
            users.push(user);
          }
          const want = Math.min(target - held, perUser - user.held);
          const monotonicDeadline = Number(process.hrtime.bigint()) / 1e6 + (deadline - Date.now());
          const opened = await Promise.all(
            pools.map((pool, k) =>
              pool.request<{ opened: number; failure: string }>(
                'connect',
                {
                  url: server.url,
                  token: user.token,
                  since,
                  count: Math.floor(want / 2) + (k === 0 ? want % 2 : 0),
                  deadlineMs: monotonicDeadline,
                },
                budgetMs + 60_000,
              ),
            ),
          );
          const count = opened.reduce((sum, o) => sum + o.opened, 0);
          user.held += count;
          held += count;
          failure = opened.map((o) => o.failure).find(Boolean) ?? (count < want ? 'time budget spent' : '');
        }
        if (failure) process.stdout.write(`    ${system}: connecting stopped at ${held}: ${failure}\n`);
        await sleep(2000); // idle: let per-connection buffers settle
        const rssKb = (await server.rssMb()) * 1024;
        await Promise.all(pools.map((pool) => pool.request('arm')));
        // One write per user, through a connection of that user (pool 0 holds some of every user's).
        const sentAt = Number(process.hrtime.bigint()) / 1e6;
        const sent = await Promise.all(
          (system === 'taskmaster' ? users : users.slice(0, 1)).map((user, k) =>
            pools[0]!.request<number>(
              'write',
              { id: `fanout-${stage}-${k}-${Date.now()}`, token: user.token },
              FANOUT_TIMEOUT_MS,
            ),
          ),
        ).catch((error: unknown) => {
          // A server too busy to take the write (PouchDB with many long-polls) has no fan-out figure.
          process.stdout.write(`    ${system}: the fan-out write failed: ${String(error)}\n`);
          return [sentAt];
        });
        const heard = await Promise.all(
          pools.map((pool) =>
            pool.request<{ notified: number; of: number; lastNotifiedAt: number }>(
              'awaitNotified',
              { untilMs: Math.min(...sent) + FANOUT_TIMEOUT_MS },
              FANOUT_TIMEOUT_MS + 60_000,
            ),
          ),
        );
        const notified = heard.reduce((sum, h) => sum + h.notified, 0);
        const fanoutMs =
          notified >= held ? round(Math.max(...heard.map((h) => h.lastNotifiedAt)) - Math.min(...sent), 1) : NaN;
        const perConnectionKb = round((rssKb - baseMb * 1024) / held, 1);
        process.stdout.write(
          `    ${system}: ${held} idle connections (${users.length} user(s)), server RSS ${round(rssKb / 1024, 1)} MiB, ` +
            `${perConnectionKb} KiB each; the write reached ${notified} in ${fanoutMs} ms\n`,
        );
        if (stage === 0) {
          result.rss_per_connection_kb = perConnectionKb;
          result.fanout_10k_ms = fanoutMs;
        }
        result.connections_held = held;
        result.fanout_ms = fanoutMs;
        if (failure) break;
      }
      return result;
    } finally {
      await Promise.all(pools.map((pool) => pool.request('close', {}, 60_000).catch(() => undefined)));
      await Promise.all(pools.map((pool) => pool.stop()));
    }
  });
}
