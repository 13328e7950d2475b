import { describe, expect, it } from 'vitest';
import { decodeHlc, encodeHlc, HybridLogicalClock, MAX_CLOCK_DRIFT_MS } from './hlc.js';
import { Prng } from '@taskmaster/shared-schema/testing';

/** A wall clock the test moves by hand. */
function manualClock(start: number) {
  const clock = { ms: start, read: () => clock.ms };
  return clock;
}

const T0 = Date.UTC(2025, 0, 1);

describe('HybridLogicalClock', () => {
  it('encodes to fixed-width strings whose order is clock order, and decodes back', () => {
    const a = encodeHlc({ ms: T0, counter: 5 }, 'node1');
    const b = encodeHlc({ ms: T0, counter: 36 }, 'node1');
    const c = encodeHlc({ ms: T0 + 1, counter: 0 }, 'node1');
    expect(a < b && b < c).toBe(true);
    expect(a.length).toBe(c.length);
    expect(decodeHlc(b)).toEqual({ ms: T0, counter: 36, node: 'node1' });
  });

  it('breaks ties between nodes by node id, deterministically', () => {
    const a = encodeHlc({ ms: T0, counter: 0 }, 'alpha');
    const b = encodeHlc({ ms: T0, counter: 0 }, 'beta');
    expect(a < b).toBe(true);
  });

  it('rejects node ids that would break the encoding', () => {
    expect(() => new HybridLogicalClock('a-b')).toThrow(/invalid clock node id/);
    expect(() => new HybridLogicalClock('')).toThrow(/invalid clock node id/);
  });

  it('is strictly monotonic even when the wall clock stalls or goes backwards', () => {
    const wall = manualClock(T0);
    const hlc = new HybridLogicalClock('n1', wall.read);
    const random = new Prng(7);
    let previous = '';
    for (let i = 0; i < 2000; i++) {
      wall.ms += random.int(-50, 50);
      const stamp = hlc.now();
      expect(stamp > previous).toBe(true);
      previous = stamp;
    }
  });

  it('follows the wall clock when it moves forward', () => {
    const wall = manualClock(T0);
    const hlc = new HybridLogicalClock('n1', wall.read);
    hlc.now();
    wall.ms = T0 + 1000;
    expect(decodeHlc(hlc.now())).toEqual({ ms: T0 + 1000, counter: 0, node: 'n1' });
  });

  it('carries counter overflow into the millisecond part instead of wrapping', () => {
    const wall = manualClock(T0);
    const hlc = new HybridLogicalClock('n1', wall.read);
    hlc.receive(encodeHlc({ ms: T0, counter: 36 ** 4 - 1 }, 'other'));
    const next = decodeHlc(hlc.now());
    expect(next.ms).toBe(T0 + 1);
    expect(next.counter).toBe(0);
  });

  it('[R4] orders local stamps after a received remote stamp, even with a slow local wall clock', () => {
    const slow = manualClock(T0);
    const fast = manualClock(T0 + 60_000);
    const a = new HybridLogicalClock('slow', slow.read);
    const b = new HybridLogicalClock('fast', fast.read);
    const remote = b.now();
    expect(a.now() < remote).toBe(true);
    a.receive(remote);
    const local = a.now();
    expect(local > remote).toBe(true);
    expect(decodeHlc(local).ms).toBe(T0 + 60_000);
  });

  it('orders after a remote stamp with the same millisecond and a higher counter', () => {
    const wall = manualClock(T0);
    const hlc = new HybridLogicalClock('zzz', wall.read);
    hlc.now();
    const remote = encodeHlc({ ms: T0, counter: 40 }, 'aaa');
    hlc.receive(remote);
    expect(hlc.now() > remote).toBe(true);
  });

  it('does not move backwards when receiving an older stamp', () => {
    const wall = manualClock(T0);
    const hlc = new HybridLogicalClock('n1', wall.read);
    const before = hlc.now();
    hlc.receive(encodeHlc({ ms: T0 - 10_000, counter: 3 }, 'other'));
    hlc.receive(undefined);
    hlc.receive('');
    expect(hlc.now() > before).toBe(true);
  });

  it('ignores a remote stamp further ahead than the drift cap, so one broken clock cannot poison others', () => {
    const wall = manualClock(T0);
    const hlc = new HybridLogicalClock('n1', wall.read);
    const poisoned = encodeHlc({ ms: T0 + MAX_CLOCK_DRIFT_MS + 1, counter: 0 }, 'broken');
    hlc.receive(poisoned);
    expect(decodeHlc(hlc.now()).ms).toBe(T0);
    const withinCap = encodeHlc({ ms: T0 + MAX_CLOCK_DRIFT_MS, counter: 0 }, 'fast');
    hlc.receive(withinCap);
    expect(hlc.now() > withinCap).toBe(true);
  });

  it('receiveClocks ends where receiving every stamp one by one ends, far-future stamps included (seeded)', () => {
    const random = new Prng(4242);
    for (let round = 0; round < 200; round++) {
      const wall = manualClock(T0);
      const one = new HybridLogicalClock('n1', wall.read);
      const all = new HybridLogicalClock('n1', wall.read);
      const maps = Array.from({ length: random.int(0, 6) }, () =>
        Object.fromEntries(
          Array.from({ length: random.int(0, 5) }, (_, f) => {
            const ahead = random.chance(0.2) ? MAX_CLOCK_DRIFT_MS + random.int(-2, 2) : random.int(-5000, 5000);
            return [`f${f}`, encodeHlc({ ms: T0 + ahead, counter: random.int(0, 3) }, `d${random.int(0, 2)}`)];
          }),
        ),
      );
      for (const map of maps) for (const stamp of Object.values(map)) one.receive(stamp);
      all.receiveClocks(maps);
      expect(all.now()).toBe(one.now());
    }
  });

  it('ignores a garbled remote stamp', () => {
    const wall = manualClock(T0);
    const hlc = new HybridLogicalClock('n1', wall.read);
    hlc.receive('%%%-0000-x');
    expect(decodeHlc(hlc.now()).ms).toBe(T0);
  });
});
