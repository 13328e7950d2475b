import { describe, it } from 'vitest';
import { runSimulation } from './simulation.js';

/**
 * Seeded sync simulation (rules R1-R4). `npm test` runs a few dozen seeds; set FUZZ_SEEDS for
 * more (e.g. `FUZZ_SEEDS=2000 npx vitest run sync-server/test/fuzz`), FUZZ_SEED to replay one,
 * FUZZ_FIRST_SEED to start elsewhere. A failure prints the seed and the operation log.
 */
const replay = process.env.FUZZ_SEED ? [Number(process.env.FUZZ_SEED)] : undefined;
const first = Number(process.env.FUZZ_FIRST_SEED ?? 1);
const count = Number(process.env.FUZZ_SEEDS ?? 24);
const seeds = replay ?? Array.from({ length: count }, (_, i) => first + i);

describe('[R1][R2][R3][R4] sync simulation: 3 devices, faults, restarts', () => {
  it.each(seeds)('seed %i converges with no lost write and no skipped checkpoint', async (seed) => {
    await runSimulation(seed);
  }, 60_000);
});
