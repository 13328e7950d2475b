import * as en from 'chrono-node/en';
import {
  chipKey,
  parseShorthand,
  refuse,
  titleWithout,
  type QuickAddChip,
  type QuickAddResult,
  type ShorthandOptions,
} from './parse-quick-add';
import { addDaysUtc, describeRepeat, findRepeat, firstOccurrence } from './recurrence-phrase';
import { dayString, timeString, userLocale, userTimeZone, wallClock } from './zoned-time';

/**
 * The natural-language quick-add parser (a lazy chunk: chrono-node is not on the critical path).
 * Dates and times come from chrono-node, repeats from `recurrence-phrase`, the rest from the
 * shorthand parser. Everything is computed in the user's time zone from an injected `now`.
 */

type DateParser = Pick<en.Chrono, 'parse'>;

export interface NaturalOptions extends ShorthandOptions {
  now: Date;
  /** IANA zone the user lives in; "today" and "at 3pm" are wall-clock values there. Default: the browser's. */
  timeZone?: string;
  /** BCP 47 locale: the day/month order of "4/5", the chip labels. Default: the browser's. */
  locale?: string;
}

export type NaturalParser = (input: string, options: NaturalOptions) => QuickAddResult;

const TIME_IN_TEXT =
  /(?:\b(?:at|@)\s*)?\b(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?|\d{1,2}:\d{2}|noon|midnight|midday)(?![\w:])|\bat\s+\d{1,2}\b/i;
/** Single words chrono reads as dates that are far more often ordinary words in a title. */
const TOO_AMBIGUOUS = /^(?:sun|sat|wed|mar|may|jun|jan|aug|oct|dec|second|now|weekend|the weekend)$/i;

function masked(text: string, spans: readonly { start: number; end: number }[]): string {
  let out = text;
  for (const { start, end } of spans) out = out.slice(0, start) + ' '.repeat(end - start) + out.slice(end);
  return out;
}

/** English day-first for every English region but the US and a few others, as people write dates there. */
function englishFor(locale: string): DateParser {
  const region = (() => {
    try {
      return new Intl.Locale(locale).maximize().region ?? 'US';
    } catch {
      return 'US';
    }
  })();
  return ['US', 'CA', 'PH', 'FM', 'MH', 'PW'].includes(region) ? en.casual : en.GB;
}

interface DateChips {
  dueDate?: string;
  dueTime?: string;
  chips: QuickAddChip[];
}

function labels(locale: string) {
  const safe = (() => {
    try {
      return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0 ? locale : 'en-US';
    } catch {
      return 'en-US';
    }
  })();
  const day = new Intl.DateTimeFormat(safe, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  const time = new Intl.DateTimeFormat(safe, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  return {
    day: (value: string, today: string) => {
      if (value === today) return 'Today';
      if (value === addDaysUtc(today, 1)) return 'Tomorrow';
      return day.format(new Date(`${value}T00:00:00Z`));
    },
    time: (value: string) => time.format(new Date(`2000-01-01T${value}:00Z`)),
  };
}

function findDates(
  text: string,
  parsers: readonly DateParser[],
  reference: Date,
  keep: ReadonlySet<string>,
  today: string,
  label: ReturnType<typeof labels>,
): DateChips {
  const hidden: { start: number; end: number }[] = [];
  // A removed chip hides its text from chrono, and what is left is parsed again ("next Tuesday at
  // 3pm" without its time chip still gives a date); a few passes cover date, time and one retry.
  for (let pass = 0; pass < 4; pass++) {
    const visible = masked(text, hidden);
    const result = parsers
      .flatMap((p) => p.parse(visible, reference, { forwardDate: true }))
      .find((r) => !TOO_AMBIGUOUS.test(r.text.trim()) && !(r.start.isCertain('month') && !r.start.isCertain('day')));
    if (!result) return { chips: [] };
    const start = result.index;
    const end = start + result.text.length;
    const s = result.start;
    const hasTime = s.isCertain('hour');
    const hasDate =
      s.isCertain('day') || s.isCertain('weekday') || s.isCertain('month') || result.tags().has('result/relativeDate');
    const dueDate = dayString({ year: s.get('year') ?? 0, month: s.get('month') ?? 1, day: s.get('day') ?? 1 });
    const dueTime = hasTime ? timeString(s.get('hour') ?? 0, s.get('minute') ?? 0) : undefined;
    const timeMatch = hasTime && hasDate ? TIME_IN_TEXT.exec(result.text) : null;
    const chips: QuickAddChip[] = [];
    const add = (kind: 'date' | 'time', from: number, to: number, chipLabel: string) => {
      // "Lunch at noon", "Birthday on Apr 15": the little word that introduced the date goes with it.
      const lead = from === start ? (/\b(?:at|on|by|due|from|starting)\s+$/i.exec(text.slice(0, from))?.[0] ?? '') : '';
      from -= lead.length;
      const chipText = text.slice(from, to);
      chips.push({ kind, text: chipText, label: chipLabel, key: chipKey(kind, chipText), start: from, end: to });
    };
    if (timeMatch && dueTime) {
      const tStart = start + timeMatch.index;
      const tEnd = tStart + timeMatch[0].length;
      // The date is the rest of the phrase: before or after the time ("at 3pm tomorrow").
      const [dStart, dEnd] = tStart - start > end - tEnd ? [start, tStart] : [tEnd, end];
      const part = text.slice(dStart, dEnd);
      const lead = part.length - part.trimStart().length;
      add('date', dStart + lead, dStart + part.trimEnd().length, label.day(dueDate, today));
      add('time', tStart, tEnd, label.time(dueTime));
    } else {
      if (hasDate) add('date', start, end, label.day(dueDate, today));
      if (dueTime) add('time', start, end, label.time(dueTime));
    }
    const removed = chips.find((c) => keep.has(c.key));
    if (removed) {
      hidden.push(removed);
      continue;
    }
    return { dueDate, ...(dueTime ? { dueTime } : {}), chips };
  }
  return { chips: [] };
}

/** Builds the parser for a locale: English always, plus chrono's own words for a few languages. */
export function createNaturalParser(extra: readonly DateParser[] = []): NaturalParser {
  return (input, options) => {
    const keep = options.keep ?? new Set<string>();
    const locale = options.locale ?? userLocale();
    const now = wallClock(options.now, options.timeZone ?? userTimeZone());
    const today = dayString(now);
    // chrono computes in the process's zone: give it the user's wall clock there ("floating").
    const reference = new Date(now.year, now.month - 1, now.day, now.hour, now.minute, now.second);
    const label = labels(locale);
    const shorthand = parseShorthand(input, options);
    const chips: QuickAddChip[] = [...shorthand.chips];

    let repeatText = masked(input, chips);
    let repeat: string | undefined;
    for (let pass = 0; pass < 3; pass++) {
      const found = findRepeat(repeatText);
      if (!found) break;
      const key = chipKey('repeat', found.text);
      if (keep.has(key)) {
        repeatText = masked(repeatText, [found]);
        continue;
      }
      repeat = found.rrule;
      chips.push({
        kind: 'repeat',
        text: found.text,
        label: describeRepeat(found.rrule),
        key,
        start: found.start,
        end: found.end,
      });
      break;
    }

    const dates = findDates(masked(input, chips), [...extra, englishFor(locale)], reference, keep, today, label);
    chips.push(...dates.chips);
    let dueDate = dates.dueDate;
    if (repeat) {
      dueDate = firstOccurrence(repeat, dueDate ?? today);
      if (!dates.chips.some((c) => c.kind === 'date')) {
        const repeatChip = chips.find((c) => c.kind === 'repeat');
        if (repeatChip) repeatChip.label = `${repeatChip.label} · from ${label.day(dueDate, today)}`;
      }
    }

    const title = titleWithout(input, chips);
    const ordered = chips.sort((a, b) => a.start - b.start);
    if (title === '') return refuse(ordered);
    return {
      kind: 'task',
      title,
      tags: shorthand.tags,
      ...(shorthand.priority ? { priority: shorthand.priority } : {}),
      ...(shorthand.listId !== undefined ? { listId: shorthand.listId } : {}),
      ...(dueDate ? { dueDate } : {}),
      ...(dates.dueTime ? { dueTime: dates.dueTime } : {}),
      ...(repeat ? { repeat } : {}),
      chips: ordered,
    };
  };
}

/** The chrono locale modules this app loads for a language other than English (each its own chunk). */
const LANGUAGES: Record<string, () => Promise<{ casual: DateParser }>> = {
  de: () => import('chrono-node/de'),
  fr: () => import('chrono-node/fr'),
  es: () => import('chrono-node/es'),
  it: () => import('chrono-node/it'),
  nl: () => import('chrono-node/nl'),
  pt: () => import('chrono-node/pt'),
  sv: () => import('chrono-node/sv'),
  ja: () => import('chrono-node/ja'),
};

/** The parser for `locale`, with that language's date words when chrono knows them. */
export async function loadNaturalParser(locale: string = userLocale()): Promise<NaturalParser> {
  const language = locale.split('-')[0]?.toLowerCase() ?? 'en';
  const load = LANGUAGES[language];
  if (!load) return createNaturalParser();
  try {
    return createNaturalParser([(await load()).casual]);
  } catch {
    return createNaturalParser();
  }
}
