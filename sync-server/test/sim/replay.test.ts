import { describe, expect, it } from 'vitest';
import { runDeterministicSimulation, SimulationError } from './simulation.js';

describe('deterministic simulation replays', () => {
  it('the same seed gives the same run: identical operation and delivery log, identical final documents (hash)', async () => {
    const seed = Number(process.env.SIM_SEED ?? 2);
    const steps = process.env.SIM_STEPS ? { steps: Number(process.env.SIM_STEPS) } : {};
    const run = async () => {
      try {
        const result = await runDeterministicSimulation(seed, { traceDeliveries: true, ...steps });
        return { log: result.log, hash: result.hash };
      } catch (error) {
        // A failing seed must replay its failure identically too.
        if (error instanceof SimulationError) return { log: error.log, hash: 'failed', error };
        throw error;
      }
    };
    const first = await run();
    const second = await run();
    expect(first.log.filter((line) => line.includes(' > ')).length).toBeGreaterThan(50);
    expect(second.log).toEqual(first.log);
    expect(second.hash).toBe(first.hash);
    // A seed named on the command line (the replay line of a failure, often from \`npm run fuzz\` and
    // outside the seed suites' ranges) fails here as it failed there, once its replay is identical.
    if (process.env.SIM_SEED && first.error) throw first.error;
  });
});
