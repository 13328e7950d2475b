/**
 * Runs the seeded sync simulation for many seeds (thousands, outside `npm test`).
 *
 *   node --import tsx sync-server/bench/fuzz.ts [--seeds 2000] [--first 1] [--steps 40] [--verbose]
 *
 * Needs shared-schema built (`tsc -b`), since outside vitest the package resolves to its dist.
 * Exits non-zero after printing every failing seed with its operation log.
 */
import { parseArgs } from 'node:util';
import { runSimulation, SimulationError } from '../test/fuzz/simulation.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: process.env.FUZZ_SEEDS ?? '500' },
    first: { type: 'string', default: process.env.FUZZ_FIRST_SEED ?? '1' },
    steps: { type: 'string', default: '40' },
    verbose: { type: 'boolean', default: false },
    'stop-on-failure': { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
const first = Number(values.first);
const steps = Number(values.steps);

const failures: number[] = [];
const totals: Record<string, number> = {};
const started = Date.now();
for (let seed = first; seed < first + seeds; seed++) {
  try {
    const result = await runSimulation(seed, {
      steps,
      onLog: values.verbose ? (line) => process.stdout.write(`${line}\n`) : undefined,
    });
    for (const [key, value] of Object.entries(result.stats)) totals[key] = (totals[key] ?? 0) + value;
    process.stdout.write(`seed ${seed} ok (${result.elapsedMs} ms)\n`);
  } catch (error) {
    failures.push(seed);
    process.stdout.write(`seed ${seed} FAILED\n${error instanceof SimulationError ? error.message : String(error)}\n`);
    if (values['stop-on-failure']) break;
  }
}
const elapsed = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(`\n${seeds} seeds from ${first} in ${elapsed} s; totals ${JSON.stringify(totals)}\n`);
if (failures.length > 0) {
  process.stdout.write(`FAILED seeds: ${failures.join(', ')}\n`);
  process.exit(1);
}
process.exit(0);
