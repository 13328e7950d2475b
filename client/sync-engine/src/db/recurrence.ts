import { RRuleTemporal } from 'rrule-temporal';

/**
 * Recurrence of repeating tasks. A task's `repeat` is an RRULE (RFC 5545) without DTSTART; its due
 * date (and due time) is the current occurrence. Occurrences are computed on the wall clock: "every
 * day at 09:00" stays at 09:00 across a DST change, and a calendar day is never shifted by a zone.
 * `occurrenceInstant` turns a wall-clock occurrence into an instant in the user's zone (for
 * reminders), resolving a time that a DST jump skips the way calendars do (02:30 → 03:30).
 * Zone arithmetic uses `Intl` (rrule-temporal brings its own Temporal; no second polyfill is loaded).
 */

export interface Occurrence {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM`, or '' for an all-day task. */
  time: string;
}

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

function utcOf(day: string, time = ''): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const [hh, mm] = (time || '00:00').split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, d, hh, mm);
}

const dayOfUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The rule as RRuleTemporal reads it, anchored at `start` on a floating (UTC) wall clock. */
function ruleFrom(rrule: string, start: Occurrence): RRuleTemporal {
  const at = new Date(utcOf(start.date, start.time));
  const dtstart = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}T${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}00`;
  return new RRuleTemporal({
    rruleString: `DTSTART;TZID=UTC:${dtstart}\nRRULE:${rrule.replace(/^RRULE:/i, '')}`,
    maxIterations: 2_000,
  });
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
    const endOfDay = new Date(utcOf(current.date) + DAY_MS - 1);
    const next = ruleFrom(rrule, current).next(endOfDay, false);
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
    return ruleFrom(rrule, current)
      .between(new Date(utcOf(from)), new Date(utcOf(to) + DAY_MS - 1), true)
      .slice(0, limit)
      .map((z) => ({ date: dayOf(z), time: current.time }));
  } catch {
    return [];
  }
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcOf(b) - utcOf(a)) / DAY_MS);
}

export function addDays(day: string, days: number): string {
  return dayOfUtc(utcOf(day) + days * DAY_MS);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `instant` in `timeZone`, as epoch ms of that wall clock read as UTC. */
function wallMs(instant: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, (p.hour ?? 0) % 24, p.minute ?? 0, p.second ?? 0);
}

/** The zone's UTC offset at `instant`, in ms (whole seconds). */
const offsetAt = (instant: number, timeZone: string) => wallMs(instant, timeZone) - Math.floor(instant / 1000) * 1000;

/**
 * Epoch ms of a wall-clock date and time in `timeZone`. A time that does not exist that day (the
 * hour a spring-forward skips) resolves with the offset before the jump, so it lands after it
 * (02:30 → 03:30); a repeated time (fall back) resolves to its first, earlier instant — Temporal's
 * and calendars' "compatible" rule.
 */
export function occurrenceInstant(date: string, time: string, timeZone: string): number {
  const wall = utcOf(date, time);
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => wallMs(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

/** The wall-clock date and time of an instant in `timeZone`. */
export function wallClockOf(epochMs: number, timeZone: string): Occurrence {
  const iso = new Date(wallMs(epochMs, timeZone)).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
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
