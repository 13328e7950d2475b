/**
 * English repeat phrases ("every Monday", "weekdays", "every 2 weeks", "every month on the 1st") and
 * the RRULE (RFC 5545, without DTSTART) each compiles to. The task's due date is the first
 * occurrence; `rrule-temporal` in the sync engine computes the following ones.
 */

export const WEEKDAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const DAY_WORD: Record<string, WeekdayCode> = {};
for (const [i, name] of WEEKDAY_NAMES.entries()) {
  const code = WEEKDAY_CODES[i]!;
  const lower = name.toLowerCase();
  for (const form of [lower, `${lower}s`, lower.slice(0, 3), lower.slice(0, 3) + '.']) DAY_WORD[form] = code;
}
DAY_WORD.tues = 'TU';
DAY_WORD.thur = 'TH';
DAY_WORD.thurs = 'TH';
const DAY = '(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?s?\\.?';
const UNIT = '(day|week|month|year)s?';
const NUMBER_WORDS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6, other: 2 };
const ORDINAL = '(\\d{1,2})(?:st|nd|rd|th)?';

export interface RepeatMatch {
  rrule: string;
  start: number;
  end: number;
  text: string;
}

const PATTERNS: { re: RegExp; rule: (m: RegExpExecArray) => string | undefined }[] = [
  {
    // every month on the 1st, every 2 months on the 15th, monthly on the 1st
    re: new RegExp(
      `\\b(?:every\\s+(?:(\\d{1,2}|other|two|three|four|six)\\s+)?months?|monthly)\\s+on\\s+the\\s+${ORDINAL}\\b`,
      'i',
    ),
    rule: (m) => monthDay(m[2], interval(m[1])),
  },
  {
    // on the 1st of every month
    re: new RegExp(`\\bon\\s+the\\s+${ORDINAL}\\s+of\\s+every\\s+month\\b`, 'i'),
    rule: (m) => monthDay(m[1], 1),
  },
  {
    re: /\b(?:every\s+(?:week|work)\s?days?|weekdays|every\s+weekday)\b/i,
    rule: () => 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  },
  {
    re: /\b(?:every\s+weekends?|weekends)\b/i,
    rule: () => 'FREQ=WEEKLY;BYDAY=SA,SU',
  },
  {
    // every Monday, every mon and thu, every Monday, Wednesday and Friday, every other Tuesday
    re: new RegExp(`\\bevery\\s+(?:(other|\\d{1,2})\\s+)?(${DAY}(?:\\s*(?:,|and|&)\\s*(?:and\\s+)?${DAY})*)\\b`, 'i'),
    rule: (m) => weekly(m[2]!, interval(m[1])),
  },
  {
    re: new RegExp(`\\bevery\\s+(?:(\\d{1,3}|other|two|three|four|five|six)\\s+)?${UNIT}\\b`, 'i'),
    rule: (m) => frequency(m[2]!, interval(m[1])),
  },
  {
    re: /\b(daily|weekly|monthly|yearly|annually|biweekly|fortnightly)\b/i,
    rule: (m) => {
      const word = m[1]!.toLowerCase();
      if (word === 'biweekly' || word === 'fortnightly') return 'FREQ=WEEKLY;INTERVAL=2';
      if (word === 'annually') return 'FREQ=YEARLY';
      return `FREQ=${word.toUpperCase()}`;
    },
  },
];

function interval(word: string | undefined): number {
  if (!word) return 1;
  const n = NUMBER_WORDS[word.toLowerCase()] ?? Number(word);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

const withInterval = (rule: string, n: number) => (n > 1 ? `${rule};INTERVAL=${n}` : rule);

function frequency(unit: string, n: number): string {
  const freq = { day: 'DAILY', week: 'WEEKLY', month: 'MONTHLY', year: 'YEARLY' }[unit.toLowerCase()] ?? 'DAILY';
  return withInterval(`FREQ=${freq}`, n);
}

function monthDay(day: string | undefined, n: number): string | undefined {
  const d = Number(day);
  if (!Number.isInteger(d) || d < 1 || d > 31) return undefined;
  return withInterval(`FREQ=MONTHLY;BYMONTHDAY=${d}`, n);
}

function weekly(days: string, n: number): string | undefined {
  const codes = new Set<WeekdayCode>();
  for (const word of days.toLowerCase().split(/[\s,&]+|and/)) {
    const code = DAY_WORD[word.replace(/\.$/, '')] ?? DAY_WORD[word];
    if (code) codes.add(code);
  }
  if (codes.size === 0) return undefined;
  const ordered = WEEKDAY_CODES.filter((c) => codes.has(c));
  // Monday first, as people write a week.
  const sorted = [...ordered.filter((c) => c !== 'SU'), ...ordered.filter((c) => c === 'SU')];
  return withInterval(`FREQ=WEEKLY;BYDAY=${sorted.join(',')}`, n);
}

/** The first repeat phrase in `text`, if any. */
export function findRepeat(text: string): RepeatMatch | undefined {
  let best: RepeatMatch | undefined;
  for (const { re, rule } of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const rrule = rule(m);
    if (!rrule) continue;
    // The earliest (then longest) phrase wins: "every month on the 1st" over "every month".
    if (!best || m.index < best.start || (m.index === best.start && m[0].length > best.end - best.start)) {
      best = { rrule, start: m.index, end: m.index + m[0].length, text: m[0] };
    }
  }
  return best;
}

export interface RepeatParts {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  interval: number;
  byDay: WeekdayCode[];
  byMonthDay: number[];
}

/** The parts of the RRULEs this app writes; undefined for anything else. */
export function repeatParts(rrule: string): RepeatParts | undefined {
  const parts = new Map(
    rrule
      .replace(/^RRULE:/, '')
      .split(';')
      .map((p) => p.split('=') as [string, string]),
  );
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') return undefined;
  const byDay = (parts.get('BYDAY')?.split(',') ?? []).filter((d): d is WeekdayCode =>
    (WEEKDAY_CODES as readonly string[]).includes(d),
  );
  const byMonthDay = (parts.get('BYMONTHDAY')?.split(',') ?? []).map(Number).filter(Number.isInteger);
  return { freq, interval: Math.max(1, Number(parts.get('INTERVAL') ?? 1) || 1), byDay, byMonthDay };
}

const ordinal = (n: number) => {
  const suffix =
    n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
};

/** "Every Monday", "Weekdays", "Every 2 weeks", "Monthly on the 1st", … */
export function describeRepeat(rrule: string): string {
  const parts = repeatParts(rrule);
  if (!parts) return 'Custom repeat';
  const { freq, interval: n, byDay, byMonthDay } = parts;
  const unit = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' }[freq];
  if (freq === 'WEEKLY' && byDay.join(',') === 'MO,TU,WE,TH,FR' && n === 1) return 'Weekdays';
  if (freq === 'WEEKLY' && byDay.join(',') === 'SA,SU' && n === 1) return 'Weekends';
  const every = n > 1 ? `Every ${n} ${unit}s` : `Every ${unit}`;
  if (freq === 'WEEKLY' && byDay.length > 0) {
    const names = byDay.map((d) => WEEKDAY_NAMES[WEEKDAY_CODES.indexOf(d)]!);
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}` : names[0]!;
    return n > 1 ? `${every} on ${list}` : `Every ${list}`;
  }
  if (freq === 'MONTHLY' && byMonthDay.length > 0) return `${every} on the ${byMonthDay.map(ordinal).join(', ')}`;
  return every;
}

/** Calendar-day arithmetic on `YYYY-MM-DD`, independent of any time zone. */
export function addDaysUtc(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const weekdayOf = (day: string): number => new Date(`${day}T00:00:00Z`).getUTCDay();

/**
 * The first occurrence of the rule on or after `from` (a `YYYY-MM-DD` day): what the due date is
 * when the line names a repeat but no date ("every Monday" typed on a Wednesday: next Monday).
 */
export function firstOccurrence(rrule: string, from: string): string {
  const parts = repeatParts(rrule);
  if (!parts) return from;
  for (let i = 0; i < 366 * 4; i++) {
    const day = addDaysUtc(from, i);
    if (parts.byDay.length > 0 && !parts.byDay.includes(WEEKDAY_CODES[weekdayOf(day)]!)) continue;
    if (parts.byMonthDay.length > 0 && !parts.byMonthDay.includes(Number(day.slice(8, 10)))) continue;
    return day;
  }
  return from;
}
