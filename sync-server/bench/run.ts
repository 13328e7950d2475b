import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureAdminLatency } from './admin.js';
import { measureConnections, measureCrossInstancePropagation } from './cluster.js';
import { runCoreBench } from './core.js';
import { runMongoBench } from './mongo.js';
import { MAIN_JS } from './server-process.js';
import { medianOfRuns } from './stats.js';

const RESULTS = fileURLToPath(new URL('../../bench-results.json', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Comma-separated subset of `core,cluster,client,list,mongo,admin`; all by default. */
const ONLY = new Set(
  (process.env.BENCH_ONLY ?? 'core,cluster,client,list,mongo,admin').split(',').map((s) => s.trim()),
);
/** The built client the browser stages load (`BENCH_CLIENT_DIST` measures another build). */
const CLIENT_DIST = process.env.BENCH_CLIENT_DIST ?? fileURLToPath(new URL('../../client/dist', import.meta.url));
const CLIENT_SIZE_REPORT = fileURLToPath(new URL('../../client/dist/size-report.json', import.meta.url));

const TARGETS: Record<string, { target: string; ok: (v: number) => boolean }> = {
  propagation_p50_ms: { target: '<= 2', ok: (v) => v <= 2 },
  admin_p99_ms: { target: '<= 50', ok: (v) => v <= 50 },
  propagation_p99_ms: { target: '<= 8', ok: (v) => v <= 8 },
  initial_sync_10k_ms: { target: '<= 600', ok: (v) => v <= 600 },
  push_throughput_per_s: { target: '>= 8000', ok: (v) => v >= 8000 },
  cross_instance_propagation_p50_ms: { target: '<= 3', ok: (v) => v <= 3 },
  cross_instance_propagation_p99_ms: { target: '<= 10', ok: (v) => v <= 10 },
  connections_per_instance: { target: '>= 10000', ok: (v) => v >= 10_000 },
  rss_per_connection_kb: { target: '<= 40', ok: (v) => v <= 40 },
  client_critical_js_gzip_kb: { target: '<= 150', ok: (v) => v <= 150 },
  offline_reload_to_tasks_ms: { target: '<= 300', ok: (v) => v <= 300 },
  initial_sync_10k_browser_ms: { target: '<= 1500', ok: (v) => v <= 1500 },
  list_add_to_visible_ms: { target: '<= 50', ok: (v) => v <= 50 },
  list_toggle_ms: { target: '<= 50', ok: (v) => v <= 50 },
  list_reload_to_tasks_ms: { target: '<= 500', ok: (v) => v <= 500 },
  list_dom_nodes: { target: '<= 1500', ok: (v) => v <= 1500 },
};

async function clusterFigures(): Promise<Record<string, number>> {
  process.stdout.write(`cluster bench: cross-instance propagation (${RUNS} runs), idle connections (1 run)\n`);
  const propagation = await medianOfRuns(RUNS, async (run) => {
    const figures = await measureCrossInstancePropagation();
    process.stdout.write(`  run ${run + 1}: ${JSON.stringify(figures)}\n`);
    return { cross_instance_propagation_p50_ms: figures.p50, cross_instance_propagation_p99_ms: figures.p99 };
  });
  const connections = await measureConnections(10_000, 90_000);
  process.stdout.write(`  connections: ${JSON.stringify(connections)}\n`);
  return {
    ...propagation.median,
    connections_per_instance: connections.connections,
    rss_per_connection_kb: connections.rssPerConnectionKb,
  };
}

async function clientFigures(): Promise<Record<string, number>> {
  if (!existsSync(CLIENT_SIZE_REPORT)) throw new Error('client is not built: run `npm run build` first');
  const size = JSON.parse(readFileSync(CLIENT_SIZE_REPORT, 'utf8')) as { criticalJsGzipKb: number };
  process.stdout.write(
    'client bench: offline reload in Chromium (5 reloads, median), initial sync of 10,000 tasks in Chromium (3 fresh devices, median)\n',
  );
  // Loaded lazily: these need playwright-core and /usr/bin/chromium only for this stage.
  const { startTestServer } = await import('../test/helpers/server.js');
  const { measureOfflineReload } = await import('@taskmaster/client/testing/e2e');
  const { measureInitialSyncInBrowser } = await import('@taskmaster/client/testing/e2e');
  const { hasChromium } = await import('@taskmaster/client/testing/e2e');
  const figures: Record<string, number> = { client_critical_js_gzip_kb: size.criticalJsGzipKb };
  if (!hasChromium) {
    process.stdout.write('  SKIPPED offline reload and initial sync: no Chromium at /usr/bin/chromium\n');
    return figures;
  }
  const server = await startTestServer({
    env: { CLIENT_DIST_DIR: fileURLToPath(new URL('../../client/dist', import.meta.url)) },
  });
  try {
    const reload = await measureOfflineReload(server);
    process.stdout.write(`  offline reload samples (ms): ${reload.samplesMs.join(', ')}\n`);
    figures.offline_reload_to_tasks_ms = reload.medianMs;
  } finally {
    await server.dispose();
  }
  const syncServer = await startTestServer({
    env: { CLIENT_DIST_DIR: fileURLToPath(new URL('../../client/dist', import.meta.url)) },
  });
  try {
    const initial = await measureInitialSyncInBrowser(syncServer, { tasks: 10_000 });
    process.stdout.write(`  initial sync 10k in Chromium samples (ms): ${initial.samplesMs.join(', ')}\n`);
    figures.initial_sync_10k_browser_ms = initial.medianMs;
  } finally {
    await syncServer.dispose();
  }
  return figures;
}

/** The task list with 10,000 tasks on the device, in Chromium (medians of `RUNS` samples each). */
async function listFigures(): Promise<Record<string, number>> {
  process.stdout.write(`list bench: 10,000 tasks in Chromium, add / toggle / reload (${RUNS} samples each, median)\n`);
  const { hasChromium, measureListPerf } = await import('@taskmaster/client/testing/e2e');
  if (!hasChromium) {
    process.stdout.write('  SKIPPED list bench: no Chromium at /usr/bin/chromium\n');
    return {};
  }
  const { startTestServer } = await import('../test/helpers/server.js');
  const server = await startTestServer({ env: { CLIENT_DIST_DIR: CLIENT_DIST } });
  try {
    const list = await measureListPerf(server, { tasks: 10_000, runs: RUNS });
    process.stdout.write(`  samples: ${JSON.stringify(list.samples)}\n`);
    return {
      list_add_to_visible_ms: list.addToVisibleMs,
      list_toggle_ms: list.toggleMs,
      list_reload_to_tasks_ms: list.reloadToTasksMs,
      list_reload_to_all_ms: list.reloadToAllMs,
      list_dom_nodes: list.domNodes,
    };
  } finally {
    await server.dispose();
  }
}

async function main(): Promise<void> {
  if (!existsSync(MAIN_JS)) throw new Error('sync-server is not built: run `npm run build` first (npm run bench does)');
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  let measured: Record<string, number> = {};
  if (ONLY.has('core')) {
    process.stdout.write(`core sync bench: ${RUNS} runs, medians reported\n`);
    const core = await medianOfRuns(RUNS, async (run) => {
      const figures = await runCoreBench();
      process.stdout.write(`  run ${run + 1}: ${JSON.stringify(figures)}\n`);
      return figures;
    });
    measured = { ...measured, ...core.median };
  }
  if (ONLY.has('cluster')) measured = { ...measured, ...(await clusterFigures()) };
  if (ONLY.has('client')) measured = { ...measured, ...(await clientFigures()) };
  if (ONLY.has('list')) measured = { ...measured, ...(await listFigures()) };
  if (ONLY.has('admin')) {
    process.stdout.write(`admin bench: GET /stats and /users at 500 requests/s for 20 s (autocannon), ${RUNS} runs\n`);
    const admin = await medianOfRuns(RUNS, async (run) => {
      const figures = await measureAdminLatency();
      process.stdout.write(`  run ${run + 1}: ${JSON.stringify(figures)}\n`);
      return { admin_p99_ms: figures.admin_p99_ms, admin_p50_ms: figures.admin_p50_ms };
    });
    measured = { ...measured, ...admin.median };
  }
  if (ONLY.has('mongo')) {
    const emulated = !process.env.MONGODB_URI;
    process.stdout.write(
      `mongo bench: ${emulated ? 'EMULATED replica set (our wire-protocol double, not MongoDB speed)' : 'MONGODB_URI'}, ${RUNS} runs\n`,
    );
    const mongo = await medianOfRuns(RUNS, async (run) => {
      const figures = await runMongoBench();
      process.stdout.write(`  run ${run + 1}: ${JSON.stringify(figures)}\n`);
      return figures;
    });
    measured = { ...measured, ...mongo.median };
  }
  const results = {
    ...previous,
    ...measured,
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    measured_at: new Date().toISOString(),
    runs: RUNS,
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const rows = Object.entries(measured).map(([key, value]) => {
    const target = TARGETS[key];
    return {
      figure: key,
      median: value,
      target: target?.target ?? '',
      met: target ? (target.ok(value) ? 'yes' : 'NO') : '',
    };
  });
  console.table(rows);
  process.stdout.write(`wrote ${RESULTS}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
