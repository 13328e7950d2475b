import { describe, expect, it } from 'vitest';
import { runDeterministicSimulation } from './simulation.js';

/**
 * R9 inside the simulation: change hints are corrupted now and then (their sequence range kept,
 * their documents emptied), so devices skip changes behind their checkpoints; the digest verify at
 * every barrier must find and repair every such divergence, and afterwards no device differs.
 */
describe('deterministic simulation with corrupted hints (R9 repair)', () => {
  it('[R9] across 12 seeds, verify repairs every divergence and devices end identical to the server', async () => {
    let repairs = 0;
    for (let seed = 9001; seed <= 9012; seed++) {
      const result = await runDeterministicSimulation(seed, {
        onDivergence: 'repair',
        faults: { drop: 0.1, duplicate: 0.1, corrupt: 0.2 },
      });
      repairs += result.stats.repairs ?? 0;
    }
    // The corruption really happened and really needed the repair.
    expect(repairs).toBeGreaterThan(0);
  }, 240_000);
});
