import { describe, expect, it } from 'vitest';
import { createNaturalParser, loadNaturalParser, type NaturalOptions } from './parse-natural';
import type { ParsedQuickAdd, QuickAddResult } from './parse-quick-add';

const parse = createNaturalParser();
const lists = [
  { id: 'l-home', name: 'Home' },
  { id: 'l-groceries', name: 'Grocery list' },
];
/** Tuesday 1 December 2026, 09:30 in New York. */
const NY_TUESDAY = { now: new Date('2026-12-01T14:30:00Z'), timeZone: 'America/New_York', locale: 'en-US', lists };

type Expected = Partial<Omit<ParsedQuickAdd, 'chips' | 'kind'>> & { chips?: string[] };
type Row = [input: string, expected: Expected | { refused: true }, options?: Partial<NaturalOptions>];

function view(result: QuickAddResult) {
  if (result.kind === 'refused') return { refused: true as const };
  const { kind: _kind, chips, ...fields } = result;
  return { ...fields, chips: chips.map((c) => `${c.kind}:${c.label}`) };
}

// Each row: what is typed, what is added (title plus every field the parser set). Unless a row
// says otherwise it is typed on Tuesday 1 December 2026 at 09:30 in New York, locale en-US.
const TABLE: Row[] = [
  // Plain titles and escapes
  ['Buy milk', { title: 'Buy milk', tags: [] }],
  ['  Buy   milk  ', { title: 'Buy milk', tags: [] }],
  ['Fix bug #142', { title: 'Fix bug #142', tags: [] }],
  ['Review PR 142', { title: 'Review PR 142', tags: [] }],
  ['Buy 2 apples', { title: 'Buy 2 apples', tags: [] }],
  ['Wow !amazing', { title: 'Wow !amazing', tags: [] }],
  ['Email bob@example.com', { title: 'Email bob@example.com', tags: [] }],
  ['March for climate', { title: 'March for climate', tags: [] }],
  ['Wear sun cream', { title: 'Wear sun cream', tags: [] }],
  ['Plan the weekend hike', { title: 'Plan the weekend hike', tags: [] }],
  ['Ask @nobody about it', { title: 'Ask @nobody about it', tags: [] }],
  ['!high', { refused: true }],
  ['#home !1', { refused: true }],
  ['tomorrow', { refused: true }],
  // Priority, tags, lists
  ['Call mum !high', { title: 'Call mum', priority: 'high' }],
  ['Pay rent !1', { title: 'Pay rent', priority: 'urgent' }],
  ['Pay rent !4', { title: 'Pay rent', priority: 'low' }],
  ['Pay rent p2', { title: 'Pay rent', priority: 'high' }],
  ['Pay rent P3', { title: 'Pay rent', priority: 'medium' }],
  ['Water plants !urgent', { title: 'Water plants', priority: 'urgent' }],
  ['Call mum #family #phone', { title: 'Call mum', tags: ['family', 'phone'] }],
  ['Call mum #family #family', { title: 'Call mum', tags: ['family'] }],
  ['Buy eggs @home', { title: 'Buy eggs', listId: 'l-home' }],
  ['Buy eggs +Home', { title: 'Buy eggs', listId: 'l-home' }],
  ['Buy eggs @grocery-list', { title: 'Buy eggs', listId: 'l-groceries' }],
  // Dates
  ['Pay rent today', { title: 'Pay rent', dueDate: '2026-12-01', chips: ['date:Today'] }],
  ['Pay rent tomorrow !high #home', { title: 'Pay rent', dueDate: '2026-12-02', priority: 'high', tags: ['home'] }],
  ['Call mum Friday', { title: 'Call mum', dueDate: '2026-12-04' }],
  ['Call mum on friday', { title: 'Call mum', dueDate: '2026-12-04' }],
  ['Dentist next Tuesday', { title: 'Dentist', dueDate: '2026-12-08' }],
  ['Taxes Apr 15', { title: 'Taxes', dueDate: '2027-04-15' }],
  ['Taxes April 15th', { title: 'Taxes', dueDate: '2027-04-15' }],
  ['Taxes 15 April', { title: 'Taxes', dueDate: '2027-04-15' }],
  ['Renew passport in 3 days', { title: 'Renew passport', dueDate: '2026-12-04' }],
  ['Renew passport in 2 weeks', { title: 'Renew passport', dueDate: '2026-12-15' }],
  ['Plan party next week', { title: 'Plan party', dueDate: '2026-12-08' }],
  ['Invoice end of month', { title: 'Invoice', dueDate: '2026-12-31' }],
  ['Clean the garage this weekend', { title: 'Clean the garage', dueDate: '2026-12-05' }],
  ['Call tonight', { title: 'Call', dueDate: '2026-12-01' }],
  ['Sprint review 12/4', { title: 'Sprint review', dueDate: '2026-12-04' }],
  ['Send card 4/5', { title: 'Send card', dueDate: '2027-04-05' }],
  ['Send card 4/5', { title: 'Send card', dueDate: '2027-05-04' }, { locale: 'en-GB' }],
  ['Christmas dinner Dec 25', { title: 'Christmas dinner', dueDate: '2026-12-25' }],
  // Times
  ['Meet Sam next Tuesday at 3pm', { title: 'Meet Sam', dueDate: '2026-12-08', dueTime: '15:00' }],
  ['Meet Sam at 3pm tomorrow', { title: 'Meet Sam', dueDate: '2026-12-02', dueTime: '15:00' }],
  ['Meet Sam tomorrow at 15:30', { title: 'Meet Sam', dueDate: '2026-12-02', dueTime: '15:30' }],
  ['Lunch at noon', { title: 'Lunch', dueDate: '2026-12-01', dueTime: '12:00' }],
  ['Standup 10am', { title: 'Standup', dueDate: '2026-12-01', dueTime: '10:00' }],
  ['Run Sat 7:30am', { title: 'Run', dueDate: '2026-12-05', dueTime: '07:30' }],
  ['Call 3 pm friday', { title: 'Call', dueDate: '2026-12-04', dueTime: '15:00' }],
  // Repeats
  ['Stretch every day', { title: 'Stretch', repeat: 'FREQ=DAILY', dueDate: '2026-12-01' }],
  ['Stretch daily at 7am', { title: 'Stretch', repeat: 'FREQ=DAILY', dueTime: '07:00', dueDate: '2026-12-02' }],
  ['Standup weekdays at 9:15', { title: 'Standup', repeat: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', dueTime: '09:15' }],
  ['Standup every weekday', { title: 'Standup', repeat: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', dueDate: '2026-12-01' }],
  ['Bins every Monday', { title: 'Bins', repeat: 'FREQ=WEEKLY;BYDAY=MO', dueDate: '2026-12-07' }],
  ['Bins every mon and thu', { title: 'Bins', repeat: 'FREQ=WEEKLY;BYDAY=MO,TH', dueDate: '2026-12-03' }],
  ['Piano every Monday, Wednesday and Friday', { title: 'Piano', repeat: 'FREQ=WEEKLY;BYDAY=MO,WE,FR' }],
  ['Clean every 2 weeks', { title: 'Clean', repeat: 'FREQ=WEEKLY;INTERVAL=2', dueDate: '2026-12-01' }],
  ['Clean every other week', { title: 'Clean', repeat: 'FREQ=WEEKLY;INTERVAL=2' }],
  ['Clean biweekly', { title: 'Clean', repeat: 'FREQ=WEEKLY;INTERVAL=2' }],
  // 1 December is the 1st: the first occurrence is today
  ['Rent every month on the 1st', { title: 'Rent', repeat: 'FREQ=MONTHLY;BYMONTHDAY=1', dueDate: '2026-12-01' }],
  [
    'Rent every month on the 1st',
    { repeat: 'FREQ=MONTHLY;BYMONTHDAY=1', dueDate: '2027-01-01' },
    { now: new Date('2026-12-02T14:30:00Z') },
  ],
  ['Rent monthly on the 15th', { title: 'Rent', repeat: 'FREQ=MONTHLY;BYMONTHDAY=15', dueDate: '2026-12-15' }],
  ['Rent on the 1st of every month', { title: 'Rent', repeat: 'FREQ=MONTHLY;BYMONTHDAY=1' }],
  ['Backup every month', { title: 'Backup', repeat: 'FREQ=MONTHLY' }],
  ['Review every 3 months', { title: 'Review', repeat: 'FREQ=MONTHLY;INTERVAL=3' }],
  ['Birthday every year', { title: 'Birthday', repeat: 'FREQ=YEARLY', dueDate: '2026-12-01' }],
  ['Birthday every year on Apr 15', { title: 'Birthday', repeat: 'FREQ=YEARLY', dueDate: '2027-04-15' }],
  ['Insurance annually', { title: 'Insurance', repeat: 'FREQ=YEARLY' }],
  ['Water plants every 3 days !low', { title: 'Water plants', repeat: 'FREQ=DAILY;INTERVAL=3', priority: 'low' }],
  ['Gym every weekend', { title: 'Gym', repeat: 'FREQ=WEEKLY;BYDAY=SA,SU', dueDate: '2026-12-05' }],
  // Time zones: "today" is the user's day, not the server's or UTC's
  ['Call today', { dueDate: '2026-12-02' }, { timeZone: 'Pacific/Auckland', now: new Date('2026-12-01T11:30:00Z') }],
  ['Call today', { dueDate: '2026-12-01' }, { timeZone: 'America/Los_Angeles', now: new Date('2026-12-02T06:00:00Z') }],
  ['Call tomorrow', { dueDate: '2026-12-03' }, { timeZone: 'Asia/Kolkata', now: new Date('2026-12-01T20:00:00Z') }],
  // DST: spring forward in New York (Sun 8 Mar 2026, 02:00 → 03:00), typed Sat 7 Mar 23:30 EST
  ['Call tomorrow', { dueDate: '2026-03-08' }, { now: new Date('2026-03-08T04:30:00Z') }],
  ['Call tomorrow at 9am', { dueDate: '2026-03-08', dueTime: '09:00' }, { now: new Date('2026-03-08T04:30:00Z') }],
  ['Call in 3 days', { dueDate: '2026-03-10' }, { now: new Date('2026-03-08T04:30:00Z') }],
  ['Call Monday 9am', { dueDate: '2026-03-09', dueTime: '09:00' }, { now: new Date('2026-03-08T04:30:00Z') }],
  // Typed at 03:30 EDT on the day itself, an hour after the jump
  ['Call today at 5pm', { dueDate: '2026-03-08', dueTime: '17:00' }, { now: new Date('2026-03-08T07:30:00Z') }],
  // Fall back in New York (Sun 1 Nov 2026, 02:00 → 01:00): the first 01:30 (EDT), then the second (EST)
  ['Call tomorrow', { dueDate: '2026-11-02' }, { now: new Date('2026-11-01T05:30:00Z') }],
  ['Call tomorrow', { dueDate: '2026-11-02' }, { now: new Date('2026-11-01T06:30:00Z') }],
  ['Call today at 11pm', { dueDate: '2026-11-01', dueTime: '23:00' }, { now: new Date('2026-11-01T06:30:00Z') }],
  // London: spring forward on Sun 29 Mar 2026 at 01:00 GMT, typed at 00:30 GMT
  [
    'Call tomorrow',
    { dueDate: '2026-03-30' },
    { timeZone: 'Europe/London', locale: 'en-GB', now: new Date('2026-03-29T00:30:00Z') },
  ],
  [
    'Run every day at 7am',
    { dueDate: '2026-03-29', dueTime: '07:00', repeat: 'FREQ=DAILY' },
    { timeZone: 'Europe/London', locale: 'en-GB', now: new Date('2026-03-29T00:30:00Z') },
  ],
  // London: fall back on Sun 25 Oct 2026, typed at 23:30 BST on the 24th (22:30 UTC)
  [
    'Call tomorrow',
    { dueDate: '2026-10-25' },
    { timeZone: 'Europe/London', locale: 'en-GB', now: new Date('2026-10-24T22:30:00Z') },
  ],
  // Sydney: DST starts Sun 4 Oct 2026 02:00 → 03:00, typed Sat 3 Oct 23:00 AEST
  [
    'Call in 2 days',
    { dueDate: '2026-10-05' },
    { timeZone: 'Australia/Sydney', locale: 'en-AU', now: new Date('2026-10-03T13:00:00Z') },
  ],
];

describe('quick add: the natural-language table', () => {
  it('has at least 60 phrasings', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });
  it.each(TABLE.map((row, i) => [i, ...row] as const))('%i: %s', (_i, input, expected, options) => {
    const result = view(parse(input, { ...NY_TUESDAY, ...options }));
    expect(result).toMatchObject(expected);
  });
});

describe('quick add: chips', () => {
  it('shows a chip for each understood part, in typing order', () => {
    const result = parse('Meet Sam next Tuesday at 3pm every week !high #work @home', NY_TUESDAY);
    expect(result.chips.map((c) => [c.kind, c.text])).toEqual([
      ['date', 'next Tuesday'],
      ['time', 'at 3pm'],
      ['repeat', 'every week'],
      ['priority', '!high'],
      ['tag', '#work'],
      ['list', '@home'],
    ]);
  });

  it('removing a chip leaves its text in the title and drops only that field', () => {
    const input = 'Meet Sam next Tuesday at 3pm !high';
    const first = parse(input, NY_TUESDAY);
    const time = first.chips.find((c) => c.kind === 'time')!;
    const noTime = parse(input, { ...NY_TUESDAY, keep: new Set([time.key]) });
    expect(view(noTime)).toMatchObject({ title: 'Meet Sam at 3pm', dueDate: '2026-12-08', priority: 'high' });
    expect(noTime).not.toHaveProperty('dueTime');

    const date = first.chips.find((c) => c.kind === 'date')!;
    const noDate = parse(input, { ...NY_TUESDAY, keep: new Set([date.key]) });
    expect(view(noDate)).toMatchObject({ title: 'Meet Sam next Tuesday', dueTime: '15:00' });

    const priority = first.chips.find((c) => c.kind === 'priority')!;
    expect(view(parse(input, { ...NY_TUESDAY, keep: new Set([priority.key]) }))).toMatchObject({
      title: 'Meet Sam !high',
      dueDate: '2026-12-08',
    });
  });

  it('removing the only chip of a refused line makes its text the title', () => {
    const refused = parse('!high', NY_TUESDAY);
    expect(refused.kind).toBe('refused');
    if (refused.kind !== 'refused') return;
    expect(refused.hint).toMatch(/title/i);
    const kept = parse('!high', { ...NY_TUESDAY, keep: new Set(refused.chips.map((c) => c.key)) });
    expect(view(kept)).toMatchObject({ title: '!high' });
  });

  it('a removed repeat leaves "every Monday" in the title (and its day may still be read as a date)', () => {
    const first = parse('Bins every Monday', NY_TUESDAY);
    const repeat = first.chips.find((c) => c.kind === 'repeat')!;
    const kept = parse('Bins every Monday', { ...NY_TUESDAY, keep: new Set([repeat.key]) });
    expect(kept).not.toHaveProperty('repeat');
    expect(kept).toMatchObject({ title: expect.stringContaining('every') as string });
  });
});

describe('quick add: locales', () => {
  it('reads the language’s own date words (German "morgen") besides English', async () => {
    const german = await loadNaturalParser('de-DE');
    const options = { ...NY_TUESDAY, locale: 'de-DE', timeZone: 'Europe/Berlin' };
    expect(view(german('Zahnarzt morgen', options))).toMatchObject({ title: 'Zahnarzt', dueDate: '2026-12-02' });
    expect(view(german('Dentist tomorrow', options))).toMatchObject({ title: 'Dentist', dueDate: '2026-12-02' });
  });
});
