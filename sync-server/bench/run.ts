import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runCoreBench } from './core.js';
import { MAIN_JS } from './server-process.js';
import { medianOfRuns } from './stats.js';

const RESULTS = fileURLToPath(new URL('../../bench-results.json', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const TARGETS: Record<string, { target: string; ok: (v: number) => boolean }> = {
  propagation_p50_ms: { target: '<= 2', ok: (v) => v <= 2 },
  propagation_p99_ms: { target: '<= 8', ok: (v) => v <= 8 },
  initial_sync_10k_ms: { target: '<= 600', ok: (v) => v <= 600 },
  push_throughput_per_s: { target: '>= 8000', ok: (v) => v >= 8000 },
};

async function main(): Promise<void> {
  if (!existsSync(MAIN_JS)) throw new Error('sync-server is not built: run `npm run build` first (npm run bench does)');
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  process.stdout.write(`core sync bench: ${RUNS} runs, medians reported\n`);
  const core = await medianOfRuns(RUNS, async (run) => {
    const figures = await runCoreBench();
    process.stdout.write(`  run ${run + 1}: ${JSON.stringify(figures)}\n`);
    return figures;
  });
  const results = {
    ...previous,
    ...core.median,
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    measured_at: new Date().toISOString(),
    runs: RUNS,
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const rows = Object.entries(core.median).map(([key, value]) => {
    const target = TARGETS[key];
    return { figure: key, median: value, target: target?.target ?? '', met: target ? (target.ok(value) ? 'yes' : 'NO') : '' };
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
