import { describe, expect, it } from 'vitest';
import { runDeterministicSimulation, type SimulationOptions } from './simulation.js';

/**
 * Seeds for `npm test`, split over a few files so vitest runs them in parallel. `SIM_SEED=n`
 * replays one seed in every file that would run it (add `SIM_TRACE=1` for every delivery);
 * `SIM_FIRST`/`SIM_COUNT`/`SIM_STEPS` run another range. `npm run fuzz` runs 10,000.
 */
export function defineSeedSuite(name: string, first: number, count: number, options: SimulationOptions = {}) {
  const only = process.env.SIM_SEED ? Number(process.env.SIM_SEED) : undefined;
  const from = Number(process.env.SIM_FIRST ?? first);
  const total = Number(process.env.SIM_COUNT ?? count);
  const seeds = only !== undefined ? (only >= from && only < from + total ? [only] : []) : range(from, total);
  const steps = Number(process.env.SIM_STEPS ?? options.steps ?? 40);
  describe.runIf(seeds.length > 0)(name, () => {
    it.each(seeds)('[R1][R2][R3][R4][R9] seed %i: every device converges on the server, nothing lost', async (seed) => {
      const result = await runDeterministicSimulation(seed, {
        ...options,
        steps,
        traceDeliveries: process.env.SIM_TRACE === '1',
      });
      expect(result.stats.docs).toBeGreaterThan(0);
    });
  });
}

function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
