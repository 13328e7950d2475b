/**
 * `npm run bench:peers`: TaskMaster side by side with RxDB 17's websocket replication server and
 * PouchDB 9 + express-pouchdb, same machine, same sitting. `PEERS_RUNS` runs (3), medians, a table
 * of TaskMaster / peer ratios, and the figures merged into bench-results.json.
 *
 * Environment: `PEERS_SYSTEMS` (taskmaster,rxdb,pouchdb), `PEERS_WORKLOADS`
 * (propagation,initial,push,connections), `PEERS_MAX_CONNECTIONS` (25000, capped by the open-files
 * limit), `PEERS_POUCHDB_MAX_CONNECTIONS` (1000:
 * each express-pouchdb long-poll re-reads the changes feed on every write, so one write to 1,000 takes seconds), `PEERS_TASKMASTER_NODE_ARGS` (e.g. --cpu-prof),
 * `PEERS_NO_WRITE=1` to leave bench-results.json alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MAIN_JS, median, round } from '@taskmaster/sync-server/bench';
import { SYSTEMS, type SystemName } from './systems.js';
import { connections, initialSync, openFilesLimit, propagation, push } from './workloads.js';

const RESULTS = fileURLToPath(new URL('../../../../bench-results.json', import.meta.url));
const RUNS = Number(process.env.PEERS_RUNS ?? 3);
const list = (value: string | undefined, all: readonly string[]) =>
  (value ?? all.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => all.includes(s));
const WORKLOADS_ALL = ['propagation', 'initial', 'push', 'connections'] as const;
const systems = list(process.env.PEERS_SYSTEMS, SYSTEMS) as SystemName[];
const workloads = new Set(list(process.env.PEERS_WORKLOADS, WORKLOADS_ALL));

/** Figure name -> unit label, in table order. Lower is better for all but `connections_held`. */
const FIGURES: Record<string, string> = {
  propagation_p50_ms: 'ms',
  propagation_p99_ms: 'ms',
  propagation_server_cpu_per_write_ms: 'ms',
  propagation_clients_cpu_per_write_ms: 'ms',
  initial_sync_10k_ms: 'ms',
  push_5k_ms: 'ms',
  push_5k_server_cpu_ms: 'ms',
  push_5k_client_cpu_ms: 'ms',
  rss_per_connection_kb: 'KiB',
  rss_at_rest_mb: 'MiB',
  connections_held: '',
  fanout_10k_ms: 'ms',
  fanout_ms: 'ms',
  sign_in_ms: 'ms',
};

/** The server holds one descriptor per connection and a few hundred of its own. */
function connectionStages(system: SystemName): number[] {
  const limit = openFilesLimit() - 600;
  const wanted = Number(process.env.PEERS_MAX_CONNECTIONS ?? 25_000);
  const cap = system === 'pouchdb' ? Number(process.env.PEERS_POUCHDB_MAX_CONNECTIONS ?? 1000) : wanted;
  const max = Math.min(wanted, cap, limit);
  return max > 10_000 ? [10_000, max] : [max];
}

/** Runs one workload; a failure is reported and leaves its figures out of this run (never fatal). */
async function attempt(system: SystemName, workload: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    process.stdout.write(
      `    ${system} ${workload} FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}

async function oneRun(system: SystemName): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  await attempt(system, 'propagation', async () => {
    if (workloads.has('propagation')) {
      const p = await propagation(system);
      figures.propagation_p50_ms = p.p50;
      figures.propagation_p99_ms = p.p99;
      figures.propagation_server_cpu_per_write_ms = p.serverCpuPerWriteMs;
      figures.propagation_clients_cpu_per_write_ms = p.clientCpuPerWriteMs;
    }
  });
  await attempt(system, 'initial sync', async () => {
    if (workloads.has('initial')) {
      const initial = await initialSync(system);
      figures.initial_sync_10k_ms = initial.ms;
      if (system === 'taskmaster') figures.sign_in_ms = initial.signInMs;
    }
  });
  await attempt(system, 'push', async () => {
    if (workloads.has('push')) {
      const p = await push(system);
      figures.push_5k_ms = p.ms;
      figures.push_5k_server_cpu_ms = p.serverCpuMs;
      figures.push_5k_client_cpu_ms = p.clientCpuMs;
    }
  });
  await attempt(system, 'connections', async () => {
    if (workloads.has('connections')) Object.assign(figures, await connections(system, connectionStages(system)));
  });
  return figures;
}

function medians(runs: Record<string, number>[]): Record<string, number> {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(
    keys.map((key) => [key, round(median(runs.map((r) => r[key]).filter((v): v is number => Number.isFinite(v))), 2)]),
  );
}

async function main(): Promise<void> {
  if (!existsSync(MAIN_JS)) throw new Error('sync-server is not built: run `npm run build` first (bench:peers does)');
  const limit = openFilesLimit();
  process.stdout.write(
    `peer bench: ${systems.join(', ')}; ${[...workloads].join(', ')}; ${RUNS} runs, medians; ` +
      `open-files hard limit ${limit}, so at most ${limit - 600} connections per server process\n`,
  );
  const perSystem = new Map<SystemName, Record<string, number>[]>(systems.map((s) => [s, []]));
  for (let run = 0; run < RUNS; run++) {
    // Systems interleaved within a run, so a noisy minute on this shared machine hits all of them.
    for (const system of systems) {
      const started = Date.now();
      const figures = await oneRun(system);
      perSystem.get(system)!.push(figures);
      process.stdout.write(
        `  run ${run + 1} ${system} (${round((Date.now() - started) / 1000, 0)} s): ${JSON.stringify(figures)}\n`,
      );
    }
  }
  const med = new Map(systems.map((s) => [s, medians(perSystem.get(s)!)]));
  const tm = med.get('taskmaster');
  const rows = Object.entries(FIGURES)
    .filter(([figure]) => systems.some((s) => med.get(s)![figure] !== undefined))
    .map(([figure, unit]) => {
      const row: Record<string, string | number> = { figure: unit ? `${figure} (${unit})` : figure };
      for (const system of systems) row[system] = med.get(system)![figure] ?? '';
      for (const peer of systems.filter((s) => s !== 'taskmaster')) {
        const t = tm?.[figure];
        const p = med.get(peer)![figure];
        row[`TM/${peer}`] = t !== undefined && p !== undefined && p !== 0 ? round(t / p, 2) : '';
      }
      return row;
    });
  console.table(rows);

  const results: Record<string, unknown> = {};
  for (const system of systems)
    for (const [figure, value] of Object.entries(med.get(system)!)) results[`peer_${system}_${figure}`] = value;
  if (tm)
    for (const peer of systems.filter((s) => s !== 'taskmaster'))
      for (const [figure, value] of Object.entries(med.get(peer)!))
        if (tm[figure] !== undefined && value !== 0)
          results[`peer_ratio_${peer}_${figure}`] = round(tm[figure]! / value, 3);
  results.peer_machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  results.peer_measured_at = new Date().toISOString();
  results.peer_runs = RUNS;
  if (process.env.PEERS_NO_WRITE) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n(not written: PEERS_NO_WRITE)\n`);
    return;
  }
  // Re-read right before writing: other benches write their own keys into the same file.
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
  process.stdout.write(`wrote ${Object.keys(results).length} peer_* keys to ${RESULTS}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`peer bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
