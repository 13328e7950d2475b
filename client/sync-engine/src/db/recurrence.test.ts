import { RRuleTemporal } from 'rrule-temporal';
import { describe, expect, it } from 'vitest';
import {
  isValidRepeat,
  nextOccurrence,
  occurrenceId,
  occurrenceInstant,
  occurrencesBetween,
  wallClockOf,
} from './recurrence.js';

const at = (date: string, time = '') => ({ date, time });

describe('recurrence: the next occurrence', () => {
  it.each([
    ['FREQ=DAILY', '2026-12-01', '2026-12-02'],
    ['FREQ=DAILY;INTERVAL=3', '2026-12-01', '2026-12-04'],
    ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '2026-12-04', '2026-12-07'], // Friday → Monday
    ['FREQ=WEEKLY;BYDAY=MO', '2026-12-07', '2026-12-14'],
    ['FREQ=WEEKLY;BYDAY=MO,TH', '2026-12-07', '2026-12-10'],
    ['FREQ=WEEKLY;INTERVAL=2', '2026-12-01', '2026-12-15'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH', '2026-12-10', '2026-12-21'],
    ['FREQ=MONTHLY;BYMONTHDAY=1', '2026-12-01', '2027-01-01'],
    ['FREQ=MONTHLY', '2027-01-31', '2027-03-31'], // February has no 31st (RFC 5545 skips it)
    ['FREQ=MONTHLY;BYMONTHDAY=15', '2026-12-15', '2027-01-15'],
    ['FREQ=YEARLY', '2028-02-29', '2032-02-29'],
    ['FREQ=YEARLY', '2026-04-15', '2027-04-15'],
  ])('%s after %s is %s', (rule, current, next) => {
    expect(nextOccurrence(rule, at(current))).toEqual(at(next));
  });

  it('is null when the rule has ended, and for a rule it cannot read', () => {
    expect(nextOccurrence('FREQ=DAILY;COUNT=1', at('2026-12-01'))).toBeNull();
    expect(nextOccurrence('FREQ=DAILY;UNTIL=20261201', at('2026-12-01'))).toBeNull();
    expect(nextOccurrence('FREQ=NEVER', at('2026-12-01'))).toBeNull();
    expect(isValidRepeat('FREQ=NEVER')).toBe(false);
    expect(isValidRepeat('FREQ=WEEKLY;BYDAY=MO')).toBe(true);
  });

  it('keeps the due time', () => {
    expect(nextOccurrence('FREQ=DAILY', at('2026-12-01', '09:15'))).toEqual(at('2026-12-02', '09:15'));
  });

  it('lists the occurrences in a window (for Upcoming)', () => {
    expect(occurrencesBetween('FREQ=WEEKLY;BYDAY=MO,TH', at('2026-12-03'), '2026-12-01', '2026-12-14')).toEqual(
      ['2026-12-03', '2026-12-07', '2026-12-10', '2026-12-14'].map((d) => at(d)),
    );
  });
});

describe('recurrence across DST', () => {
  const NY = 'America/New_York';
  it('"every day at 09:00" stays at 09:00 on the wall clock across spring forward (New York, 8 Mar 2026)', () => {
    const days = ['2026-03-07', '2026-03-08', '2026-03-09'];
    let current = at('2026-03-06', '09:00');
    for (const day of days) {
      current = nextOccurrence('FREQ=DAILY', current)!;
      expect(current).toEqual(at(day, '09:00'));
    }
    // The instants are 23 hours apart across the jump, 24 otherwise.
    const instants = days.map((d) => occurrenceInstant(d, '09:00', NY));
    expect(instants.map((ms) => new Date(ms).toISOString())).toEqual([
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
    expect(wallClockOf(instants[1]!, NY)).toEqual(at('2026-03-08', '09:00'));
  });

  it('agrees with rrule-temporal computing in the zone itself', () => {
    const rule = new RRuleTemporal({
      rruleString: 'DTSTART;TZID=Europe/London:20261023T090000\nRRULE:FREQ=DAILY;COUNT=4',
    });
    // London falls back on Sunday 25 October 2026.
    const zoned = rule.all().map((z) => z.toString());
    expect(zoned).toEqual([
      '2026-10-23T09:00:00+01:00[Europe/London]',
      '2026-10-24T09:00:00+01:00[Europe/London]',
      '2026-10-25T09:00:00+00:00[Europe/London]',
      '2026-10-26T09:00:00+00:00[Europe/London]',
    ]);
    let current = at('2026-10-23', '09:00');
    for (const z of zoned.slice(1)) {
      current = nextOccurrence('FREQ=DAILY', current)!;
      expect(`${current.date}T${current.time}`).toBe(z.slice(0, 16));
    }
  });

  it('a time the spring-forward skips resolves after the jump; a repeated fall-back time to the first', () => {
    expect(new Date(occurrenceInstant('2026-03-08', '02:30', NY)).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(wallClockOf(occurrenceInstant('2026-03-08', '02:30', NY), NY)).toEqual(at('2026-03-08', '03:30'));
    expect(new Date(occurrenceInstant('2026-11-01', '01:30', NY)).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('a weekly all-day repeat never shifts its day across DST (Sydney, 4 Oct 2026)', () => {
    expect(nextOccurrence('FREQ=WEEKLY;BYDAY=SA', at('2026-10-03'))).toEqual(at('2026-10-10'));
  });
});

describe('occurrenceId', () => {
  it('is a pure function of task id and date, and a valid document id', () => {
    const id = occurrenceId('abc123', '2026-12-02');
    expect(id).toBe(occurrenceId('abc123', '2026-12-02'));
    expect(id).not.toBe(occurrenceId('abc123', '2026-12-03'));
    expect(id).not.toBe(occurrenceId('abc124', '2026-12-02'));
    expect(id).toMatch(/^[0-9a-zA-Z_-]{1,64}$/);
  });
});
