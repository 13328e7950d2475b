import { describe, expect, it } from 'vitest';
import { decodeHlc, encodeHlc, findStampAfter, HybridLogicalClock, restampAfter, stampMs } from './hlc.js';

const SERVER_NOW = Date.UTC(2026, 11, 1, 9, 0, 0);
const TEN_YEARS = 10 * 365 * 24 * 60 * 60 * 1000;
const SKEW = 5 * 60 * 1000;

describe('[R8] clock correction by the server time', () => {
  it('stamps from the corrected time once synced, whatever the wall clock says', () => {
    const wall = { ms: SERVER_NOW + TEN_YEARS };
    const clock = new HybridLogicalClock('dev', () => wall.ms);
    clock.syncTo(SERVER_NOW, SKEW);
    expect(clock.offset).toBe(-TEN_YEARS);
    const stamp = decodeHlc(clock.now());
    expect(stamp.ms).toBe(SERVER_NOW);
    wall.ms += 1234;
    expect(decodeHlc(clock.now()).ms).toBe(SERVER_NOW + 1234);
  });

  it('starts again from the corrected time when it had already stamped far ahead', () => {
    const wall = { ms: SERVER_NOW + TEN_YEARS };
    const clock = new HybridLogicalClock('dev', () => wall.ms);
    const ahead = clock.now();
    expect(stampMs(ahead)).toBe(SERVER_NOW + TEN_YEARS);
    expect(clock.syncTo(SERVER_NOW, SKEW)).toBe(true);
    const after = clock.now();
    expect(stampMs(after)).toBe(SERVER_NOW);
  });

  it('stays monotonic when the correction is small', () => {
    const wall = { ms: SERVER_NOW + 2000 };
    const clock = new HybridLogicalClock('dev', () => wall.ms);
    const before = clock.now();
    expect(clock.syncTo(SERVER_NOW, SKEW)).toBe(false);
    const after = clock.now();
    expect(after > before).toBe(true);
  });

  it('ignores a non-finite server time', () => {
    const clock = new HybridLogicalClock('dev', () => SERVER_NOW);
    expect(clock.syncTo(Number.NaN, SKEW)).toBe(false);
    expect(clock.offset).toBe(0);
  });

  it('judges remote stamps against the corrected time', () => {
    const clock = new HybridLogicalClock('dev', () => SERVER_NOW + TEN_YEARS);
    clock.syncTo(SERVER_NOW, SKEW);
    // 2 days past the server: beyond the drift a remote stamp may pull this clock forward.
    clock.receive(encodeHlc({ ms: SERVER_NOW + 2 * 24 * 3600 * 1000, counter: 0 }, 'other'));
    expect(stampMs(clock.now())).toBe(SERVER_NOW);
  });
});

describe('[R8] finding and re-stamping far-future stamps', () => {
  const good = encodeHlc({ ms: SERVER_NOW - 1000, counter: 0 }, 'a');
  const future = encodeHlc({ ms: SERVER_NOW + TEN_YEARS, counter: 3 }, 'a');

  it('finds the first stamp past the limit, and none when all are within', () => {
    expect(findStampAfter({ title: good, notes: future }, SERVER_NOW + SKEW)).toEqual({
      field: 'notes',
      stamp: future,
    });
    expect(findStampAfter({ title: good }, SERVER_NOW + SKEW)).toBeUndefined();
    // The limit itself is allowed, one millisecond past it is not.
    const at = (ms: number) => encodeHlc({ ms, counter: 5 }, 'a');
    expect(findStampAfter({ title: at(SERVER_NOW + SKEW) }, SERVER_NOW + SKEW)).toBeUndefined();
    expect(findStampAfter({ title: at(SERVER_NOW + SKEW + 1) }, SERVER_NOW + SKEW)?.field).toBe('title');
  });

  it('re-stamps only the stamps past the limit, with one fresh stamp', () => {
    let calls = 0;
    const fresh = encodeHlc({ ms: SERVER_NOW, counter: 0 }, 'a');
    const clocks = { title: good, notes: future, tags: future };
    const next = restampAfter(clocks, SERVER_NOW + SKEW, () => {
      calls += 1;
      return fresh;
    });
    expect(next).toEqual({ title: good, notes: fresh, tags: fresh });
    expect(calls).toBe(1);
    expect(clocks.notes).toBe(future);
  });

  it('returns the same object when nothing is past the limit', () => {
    const clocks = { title: good };
    expect(restampAfter(clocks, SERVER_NOW + SKEW, () => 'unused')).toBe(clocks);
  });
});
