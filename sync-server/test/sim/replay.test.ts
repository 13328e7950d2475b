import { describe, expect, it } from 'vitest';
import { runDeterministicSimulation, SimulationError } from './simulation.js';

describe('deterministic simulation replays', () => {
  it('the same seed gives the same run: identical operation and delivery log, identical final documents (hash)', async () => {
    const seed = Number(process.env.SIM_SEED ?? 2);
    const run = async () => {
      try {
        const result = await runDeterministicSimulation(seed, { traceDeliveries: true });
        return { log: result.log, hash: result.hash };
      } catch (error) {
        // A failing seed must replay its failure identically too.
        if (error instanceof SimulationError) return { log: error.log, hash: 'failed' };
        throw error;
      }
    };
    const first = await run();
    const second = await run();
    expect(first.log.filter((line) => line.includes(' > ')).length).toBeGreaterThan(50);
    expect(second.log).toEqual(first.log);
    expect(second.hash).toBe(first.hash);
  });
});
