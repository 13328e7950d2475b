import { describe, expect, it } from 'vitest';
import { runDeterministicSimulation } from './simulation.js';

/**
 * The deterministic simulation in `npm test`. `SIM_SEED=n` replays one seed (with `SIM_TRACE=1`
 * the log shows every delivery); `npm run fuzz` runs 10,000 seeds.
 */
const only = process.env.SIM_SEED ? [Number(process.env.SIM_SEED)] : undefined;
const FIRST = Number(process.env.SIM_FIRST ?? 1);
const COUNT = Number(process.env.SIM_COUNT ?? 20);
const seeds = only ?? Array.from({ length: COUNT }, (_, i) => FIRST + i);

describe.runIf(seeds.length > 0)('deterministic simulation', () => {
  it.each(seeds)('[R1][R2][R3][R4] seed %i: every device converges on the server, nothing lost', async (seed) => {
    const result = await runDeterministicSimulation(seed, { traceDeliveries: process.env.SIM_TRACE === '1' });
    expect(result.stats.docs).toBeGreaterThan(0);
  });
});

describe('deterministic simulation replays', () => {
  it('the same seed gives the same run: identical operation log and final documents (hash)', async () => {
    const seed = only?.[0] ?? 2;
    const first = await runDeterministicSimulation(seed, { traceDeliveries: true });
    const second = await runDeterministicSimulation(seed, { traceDeliveries: true });
    expect(second.log).toEqual(first.log);
    expect(second.hash).toBe(first.hash);
    expect(first.log.length).toBeGreaterThan(100);
    // The trace really covers deliveries, so equal logs mean equal interleavings.
    expect(first.log.some((line) => line.includes(' > '))).toBe(true);
  });
});
