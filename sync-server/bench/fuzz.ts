/**
 * The deterministic simulation over many seeds (outside `npm test`): `npm run fuzz` runs 10,000.
 *
 *   node --import tsx sync-server/bench/fuzz.ts [--seeds 10000] [--first 1] [--steps 40]
 *        [--workers 2] [--corrupt] [--real-sockets]
 *
 * Seeds are split across worker processes (one per core by default); each seed replays exactly on
 * any machine (`SIM_SEED=n npx vitest run sync-server/test/sim`). `--corrupt` also corrupts change
 * hints and lets the digest verify repair them (R9). `--real-sockets` runs the older simulation over
 * real sockets and timers instead (an integration layer; its seeds do not replay exactly).
 * Prints seeds/s; exits non-zero after printing every failing seed with its log.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: process.env.FUZZ_SEEDS ?? '10000' },
    first: { type: 'string', default: process.env.FUZZ_FIRST_SEED ?? '1' },
    steps: { type: 'string', default: '40' },
    workers: { type: 'string', default: String(Math.max(1, availableParallelism())) },
    corrupt: { type: 'boolean', default: false },
    'real-sockets': { type: 'boolean', default: false },
    worker: { type: 'string' },
  },
});

interface Outcome {
  seed: number;
  ok: boolean;
  message?: string;
  repairs?: number;
}

async function runSeed(seed: number): Promise<Outcome> {
  const steps = Number(values.steps);
  if (values['real-sockets']) {
    const { runSimulation } = await import('../test/fuzz/simulation.js');
    try {
      await runSimulation(seed, { steps });
      return { seed, ok: true };
    } catch (error) {
      return { seed, ok: false, message: (error as Error).message };
    }
  }
  const { runDeterministicSimulation } = await import('../test/sim/simulation.js');
  try {
    const result = await runDeterministicSimulation(seed, {
      steps,
      ...(values.corrupt
        ? { onDivergence: 'repair' as const, faults: { drop: 0.15, duplicate: 0.1, corrupt: 0.05 } }
        : {}),
    });
    return { seed, ok: true, repairs: result.stats.repairs ?? 0 };
  } catch (error) {
    return { seed, ok: false, message: (error as Error).message };
  }
}

if (values.worker) {
  // A worker: runs seeds first, first + stride, ... and reports each outcome to the parent.
  const [first, count, stride] = values.worker.split(',').map(Number) as [number, number, number];
  for (let seed = first; seed < first + count; seed += stride) process.send!(await runSeed(seed));
  process.exit(0);
} else {
  const seeds = Number(values.seeds);
  const first = Number(values.first);
  const workers = Math.min(Number(values.workers), seeds);
  const started = Date.now();
  const failures: Outcome[] = [];
  let done = 0;
  let repairs = 0;
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const args = [...process.argv.slice(2), '--worker', `${first + w},${seeds - w},${workers}`];
      const child = fork(fileURLToPath(import.meta.url), args, { execArgv: process.execArgv });
      child.on('message', (outcome: Outcome) => {
        done += 1;
        repairs += outcome.repairs ?? 0;
        if (!outcome.ok) {
          failures.push(outcome);
          process.stdout.write(`seed ${outcome.seed} FAILED\n${outcome.message}\n`);
        }
        if (done % 250 === 0) {
          const rate = done / ((Date.now() - started) / 1000);
          process.stdout.write(`${done}/${seeds} seeds, ${failures.length} failed, ${rate.toFixed(1)} seeds/s\n`);
        }
      });
      return new Promise<void>((resolve) => child.on('exit', () => resolve()));
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `\n${done} of ${seeds} seeds from ${first} (${values['real-sockets'] ? 'real sockets' : 'deterministic'}${values.corrupt ? ', corrupted hints' : ''}) in ${seconds.toFixed(1)} s: ${(done / seconds).toFixed(1)} seeds/s, ${failures.length} failed${values.corrupt ? `, ${repairs} repairs` : ''}\n`,
  );
  if (failures.length > 0 || done < seeds) {
    process.stdout.write(`FAILED seeds: ${failures.map((f) => f.seed).join(', ') || '(a worker died)'}\n`);
    process.exit(1);
  }
}
