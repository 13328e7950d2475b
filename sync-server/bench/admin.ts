import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { openSqliteStores } from '../src/store/open-stores.js';
import { startServerProcess } from './server-process.js';

const CLI = fileURLToPath(new URL('../dist/admin/cli.js', import.meta.url));
const PASSWORD = 'correct horse battery staple';

export interface AdminFigures {
  /** p99 latency (ms) of GET /stats and GET /users, alternating, at 500 requests/s overall for 20 s. */
  admin_p99_ms: number;
  admin_p50_ms: number;
  admin_requests: number;
  admin_non_2xx: number;
  /** Server CPU time (user + system) per answered request, in ms: what the p99 costs when the machine is busy. */
  admin_server_cpu_ms_per_request: number;
}

/** User + system CPU seconds a process has used so far (Linux `/proc/<pid>/stat`, clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The admin REST API under a steady 500 requests/s for 20 s (autocannon, loopback, 10 connections),
 * against the built server as its own process, with 2,000 users in the store. Bounded: autocannon
 * stops at the duration, the server is stopped afterwards.
 */
export async function measureAdminLatency(
  options: { rate?: number; seconds?: number; users?: number } = {},
): Promise<AdminFigures> {
  const rate = options.rate ?? 500;
  const seconds = options.seconds ?? 20;
  const dataDir = mkdtempSync(join(tmpdir(), 'taskmaster-bench-admin-'));
  try {
    // Seed straight into the store (a real registration costs a scrypt each); the admin comes from the CLI.
    const stores = openSqliteStores({ dataDir });
    await stores.accounts.ready();
    for (let i = 0; i < (options.users ?? 2000); i++) {
      await stores.accounts.createUser({
        email: `user-${String(i).padStart(5, '0')}@bench.test`,
        passwordHash: 'x',
        role: 'user',
      });
    }
    await stores.close();
    const cli = spawnSync(process.execPath, [CLI, 'create-admin', 'root@bench.test'], {
      input: `${PASSWORD}\n`,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
        DATA_DIR: dataDir,
      },
    });
    if (cli.status !== 0) throw new Error(`admin CLI failed: ${cli.stderr.toString()}`);

    const server = await startServerProcess(
      { DATA_DIR: dataDir, METRICS_PORT: 'off' },
      process.env.BENCH_ADMIN_NODE_ARGS ? process.env.BENCH_ADMIN_NODE_ARGS.split(' ') : [],
    );
    try {
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'root@bench.test', password: PASSWORD }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const headers = { authorization: `Bearer ${accessToken}` };
      const cpuBefore = cpuSeconds(server.child.pid!);
      const result = await autocannon({
        url: server.url,
        connections: 10,
        duration: seconds,
        overallRate: rate,
        requests: [
          { method: 'GET', path: '/api/admin/v1/stats', headers },
          { method: 'GET', path: '/api/admin/v1/users?q=user-01&limit=50', headers },
        ],
      });
      const cpu = cpuSeconds(server.child.pid!) - cpuBefore;
      return {
        admin_server_cpu_ms_per_request: Math.round((cpu * 1000 * 1000) / Math.max(1, result.requests.total)) / 1000,
        admin_p99_ms: result.latency.p99,
        admin_p50_ms: result.latency.p50,
        admin_requests: result.requests.total,
        admin_non_2xx: result.non2xx,
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measureAdminLatency().then(
    (figures) => {
      process.stdout.write(`${JSON.stringify(figures)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
