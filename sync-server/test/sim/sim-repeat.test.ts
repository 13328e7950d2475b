import { describe, expect, it } from 'vitest';
import { defineSeedSuite } from './seed-suite.js';
import { runDeterministicSimulation } from './simulation.js';

// Repeating tasks under the same faults: occurrences completed on several devices at once, each
// creating the next occurrence with the same derived id and clocks, must converge on one (R4).
defineSeedSuite('deterministic simulation with repeating tasks, seeds 1001-1040', 1001, 40, { repeats: true });

describe('the repeating-task seed set exercises what it is for', () => {
  it('[R4] seed 1004 completes occurrences on several devices at once, and each makes the same next one', async () => {
    const result = await runDeterministicSimulation(1004, { repeats: true });
    expect(result.stats.completeOccurrence).toBeGreaterThan(0);
    const concurrent = result.log.filter((line) => /complete occurrence \S+ \S+ on d\d(,d\d)+$/.test(line));
    expect(concurrent.length).toBeGreaterThan(0);
    // Devices that completed the same occurrence (same due date and rule in their copy) named the
    // same next task; devices whose copies differed may not.
    const nexts = new Map<string, Set<string>>();
    for (const line of result.log) {
      const m = /#(\d+) d\d d\d: next occurrence (\S+) on \S+ \(from (.*)\)$/.exec(line);
      if (m) nexts.set(`${m[1]} ${m[3]}`, (nexts.get(`${m[1]} ${m[3]}`) ?? new Set()).add(m[2]!));
    }
    expect(nexts.size).toBeGreaterThan(1);
    for (const ids of nexts.values()) expect(ids.size).toBe(1);
  });
});
