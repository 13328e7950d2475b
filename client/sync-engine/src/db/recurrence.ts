import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';

/**
 * Recurrence of repeating tasks. A task's `repeat` is an RRULE (RFC 5545) without DTSTART; its due
 * date (and due time) is the current occurrence. Occurrences are computed on the wall clock: "every
 * day at 09:00" stays at 09:00 across a DST change, and a calendar day is never shifted by a zone.
 * `occurrenceInstant` turns a wall-clock occurrence into an instant in the user's zone (for
 * reminders), resolving a time that a DST jump skips the way calendars do (02:30 → 03:30).
 */

export interface Occurrence {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM`, or '' for an all-day task. */
  time: string;
}

/** The rule as RRuleTemporal reads it, anchored at `start` on a floating (UTC) wall clock. */
function ruleFrom(rrule: string, start: Occurrence): RRuleTemporal {
  const dtstart = Temporal.PlainDateTime.from(`${start.date}T${start.time || '00:00'}`).toZonedDateTime('UTC');
  return new RRuleTemporal({ rruleString: rrule.replace(/^RRULE:/i, ''), dtstart, maxIterations: 2_000 });
}

const dayOf = (zoned: { toPlainDate(): { toString(): string } }) => zoned.toPlainDate().toString();

/** Whether `rrule` is an RRULE this engine can compute occurrences of. */
export function isValidRepeat(rrule: string): boolean {
  if (rrule === '') return true;
  try {
    ruleFrom(rrule, { date: '2026-01-01', time: '' }).next(new Date(Date.UTC(2026, 0, 1)), true);
    return true;
  } catch {
    return false;
  }
}

/**
 * The occurrence after `current`: the first one on a later day. Deterministic in (rule, current)
 * alone — not in today's date or the device — so every device that completes the same occurrence
 * computes the same next one. Null when the rule has ended (COUNT / UNTIL) or cannot be read.
 */
export function nextOccurrence(rrule: string, current: Occurrence): Occurrence | null {
  try {
    const rule = ruleFrom(rrule, current);
    const endOfDay = Temporal.PlainDate.from(current.date)
      .add({ days: 1 })
      .toZonedDateTime({ timeZone: 'UTC' })
      .subtract({ nanoseconds: 1 });
    const next = rule.next(endOfDay, false);
    return next ? { date: dayOf(next), time: current.time } : null;
  } catch {
    return null;
  }
}

/** The occurrences with `from <= date <= to` (days), at most `limit`. */
export function occurrencesBetween(
  rrule: string,
  current: Occurrence,
  from: string,
  to: string,
  limit = 60,
): Occurrence[] {
  try {
    const rule = ruleFrom(rrule, current);
    const after = Temporal.PlainDate.from(from).toZonedDateTime({ timeZone: 'UTC' });
    const before = Temporal.PlainDate.from(to).add({ days: 1 }).toZonedDateTime({ timeZone: 'UTC' });
    return rule
      .between(after, before.subtract({ nanoseconds: 1 }), true)
      .slice(0, limit)
      .map((z) => ({ date: dayOf(z), time: current.time }));
  } catch {
    return [];
  }
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Temporal.PlainDate.from(a).until(Temporal.PlainDate.from(b), { largestUnit: 'days' }).days;
}

export function addDays(day: string, days: number): string {
  return Temporal.PlainDate.from(day).add({ days }).toString();
}

/**
 * Epoch ms of a wall-clock date and time in `timeZone`. A time that does not exist that day (the
 * hour a spring-forward skips) resolves to the same offset after the jump; a repeated time (fall
 * back) to its first, earlier instant.
 */
export function occurrenceInstant(date: string, time: string, timeZone: string): number {
  return Temporal.PlainDateTime.from(`${date}T${time || '00:00'}`)
    .toZonedDateTime(timeZone, { disambiguation: 'compatible' })
    .toInstant().epochMilliseconds;
}

/** The wall-clock date and time of an instant in `timeZone`. */
export function wallClockOf(epochMs: number, timeZone: string): Occurrence {
  const zoned = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
  return { date: zoned.toPlainDate().toString(), time: zoned.toPlainTime().toString().slice(0, 5) };
}

/** 53-bit string hash (cyrb53), for ids that must be the same on every device. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The id of the task that holds the occurrence on `date` after task `taskId`: a pure function of the
 * two, so two devices completing the same occurrence offline create the same next task, which the
 * server merges into one (rule R4) instead of two.
 */
export function occurrenceId(taskId: string, date: string): string {
  const key = `${taskId}|${date}`;
  const a = hash53(key, 1).toString(36).padStart(11, '0');
  const b = hash53(key, 2).toString(36).padStart(11, '0');
  return `r${a}${b}`.slice(0, 21);
}
