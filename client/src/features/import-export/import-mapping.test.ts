import { describe, expect, it } from 'vitest';
import { makeTask } from '../../../test/support/test-fixtures';
import { csvRecords, parseCsv, toCsv } from './csv';
import { exportCsv, exportJson, planJsonImport } from './json';
import { ImportFileError } from './plan';
import { parseTodoistDate, planTodoistImport } from './todoist';

const TODAY = '2026-03-10';
const HEADER = 'TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n');

describe('CSV', () => {
  it('parses quotes, escaped quotes, commas and line breaks inside fields, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffa,"b, c","say ""hi""\nthere"\r\n1,2,3\n')).toEqual([
      ['a', 'b, c', 'say "hi"\nthere'],
      ['1', '2', '3'],
    ]);
  });
  it('writes what it reads, and defuses cells a spreadsheet would run as a formula', () => {
    const rows = [['plain', 'with, comma', 'quote " inside', 'line\nbreak']];
    expect(parseCsv(toCsv(rows))).toEqual(rows);
    expect(toCsv([['=HYPERLINK("x")']])).toBe(`"'=HYPERLINK(""x"")"`);
  });
  it('keys records by the header and keeps file row numbers across blank rows', () => {
    const { records } = csvRecords('type,content\n\ntask,A\n,\ntask,B');
    expect(records).toEqual([
      { row: 3, values: { TYPE: 'task', CONTENT: 'A' } },
      { row: 5, values: { TYPE: 'task', CONTENT: 'B' } },
    ]);
  });
});

describe('Todoist dates (DATE column)', () => {
  it.each([
    ['', { dueDate: '', dueTime: '' }],
    ['2026-04-15', { dueDate: '2026-04-15', dueTime: '' }],
    ['2026-04-15 14:30', { dueDate: '2026-04-15', dueTime: '14:30' }],
    ['2026-04-15T09:05:00Z', { dueDate: '2026-04-15', dueTime: '09:05' }],
    ['today', { dueDate: '2026-03-10', dueTime: '' }],
    ['tomorrow at 3pm', { dueDate: '2026-03-11', dueTime: '15:00' }],
    ['Apr 15 2026', { dueDate: '2026-04-15', dueTime: '' }],
    ['April 15, 2027 at 9:30 am', { dueDate: '2027-04-15', dueTime: '09:30' }],
    ['15 Apr', { dueDate: '2026-04-15', dueTime: '' }],
    ['Feb 1', { dueDate: '2027-02-01', dueTime: '' }], // already past this year: next year's
    ['31 Feb 2026', null],
    ['every monday', null],
    ['every day at 9am', null],
  ])('%j', (text, expected) => {
    expect(parseTodoistDate(text, TODAY)).toEqual(expected);
  });
});

describe('Todoist import mapping', () => {
  const file = csv(
    'task,Buy milk @errand @home,From the corner shop,1,1,,,tomorrow,en,',
    'task,Plan trip,,2,1,,,Apr 15 2026,en,',
    'task,Book flights @travel,,3,2,,,,en,',
    'task,Pick seats,,4,3,,,,en,',
    'note,Window seats please,,,,,,,,',
    'section,Later,,,,,,,,',
    'task,Read a book,,4,1,,,every monday,en,',
    'task,@onlylabel,,4,1,,,,en,',
    'task,Orphan?,,4,1,,,,en,',
    'reminder,Something else,,,,,,,,',
  );

  it('maps TYPE, CONTENT with inline labels, DESCRIPTION, PRIORITY (1 is the highest), DATE', () => {
    const plan = planTodoistImport(file, { today: TODAY, listName: 'Home' });
    const [milk, trip, book] = plan.tasks;
    expect(milk).toMatchObject({
      title: 'Buy milk',
      tags: ['errand', 'home'],
      notes: 'From the corner shop',
      priority: 'urgent',
      dueDate: '2026-03-11',
      dueTime: '',
    });
    expect(trip).toMatchObject({ title: 'Plan trip', priority: 'high', dueDate: '2026-04-15' });
    expect(plan.tasks.map((t) => t.priority)).toEqual(['urgent', 'high', 'none', 'none']);
    expect(book).toMatchObject({ title: 'Read a book', tags: ['later'], dueDate: '' });
    expect(book!.notes).toContain('Todoist date: every monday');
  });

  it('turns INDENT 2 and deeper into checklist items of the task above (flattened), and comments into its notes', () => {
    const plan = planTodoistImport(file, { today: TODAY });
    const trip = plan.tasks.find((t) => t.title === 'Plan trip')!;
    expect(trip.subtasks).toEqual({
      s1: { title: 'Book flights', done: false, order: 1, removed: false },
      s2: { title: 'Pick seats', done: false, order: 2, removed: false },
    });
    expect(trip.notes).toBe('Window seats please');
    expect(plan.notes.join(' ')).toMatch(/2 subtasks .* checklist items/);
    expect(plan.notes.join(' ')).toMatch(/1 of them were nested deeper/);
    expect(plan.notes.join(' ')).toMatch(/1 subtasks had labels/);
  });

  it('puts the project in a list named after the file, and says what it skipped and why', () => {
    const plan = planTodoistImport(file, { today: TODAY, listName: 'Home' });
    expect(plan.lists).toMatchObject([{ name: 'Home' }]);
    expect(new Set(plan.tasks.map((t) => t.listId))).toEqual(new Set([plan.lists[0]!.id]));
    expect(plan.skipped).toEqual([
      expect.objectContaining({ row: 7, what: 'Section “Later”', reason: expect.stringContaining('#later') }),
      expect.objectContaining({
        row: 8,
        what: 'Date of “Read a book”',
        reason: expect.stringContaining('every monday'),
      }),
      expect.objectContaining({ row: 9, what: '@onlylabel', reason: 'the task has no title' }),
      expect.objectContaining({ row: 11, reason: 'unknown row type “reminder”' }),
    ]);
  });

  it('gives the same rows the same ids, so a second import of the file finds duplicates', () => {
    const a = planTodoistImport(file, { today: TODAY, listName: 'Home' });
    const b = planTodoistImport(file, { today: TODAY, listName: 'Home' });
    expect(b.tasks.map((t) => t.id)).toEqual(a.tasks.map((t) => t.id));
    expect(new Set(a.tasks.map((t) => t.id)).size).toBe(a.tasks.length);
  });

  it('refuses a CSV that is not a Todoist export', () => {
    expect(() => planTodoistImport('title,notes\nA,B', { today: TODAY })).toThrow(ImportFileError);
  });
});

describe('JSON export and import', () => {
  const tasks = [
    makeTask({ id: 'a', title: 'Alpha', tags: ['x'], listId: 'l1', clocks: { title: '0' }, conflicts: [] }),
    makeTask({ id: 'b', title: 'Beta', status: 'done', completedAt: 1_700_000_000_500 }),
  ];
  const lists = [
    {
      id: 'l1',
      name: 'Work',
      color: '#112233',
      order: 1,
      archived: false,
      createdAt: 1,
      updatedAt: 2,
      clocks: {},
      conflicts: [],
    },
  ];

  it('round-trips every task and list through the versioned format, without sync bookkeeping', () => {
    const text = exportJson(tasks, lists as never, new Date('2026-03-10T12:00:00Z'));
    expect(JSON.parse(text)).toMatchObject({
      format: 'taskmaster-export',
      version: 1,
      exportedAt: '2026-03-10T12:00:00.000Z',
    });
    const plan = planJsonImport(text);
    expect(plan.skipped).toEqual([]);
    expect(plan.tasks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(plan.tasks[0]).toMatchObject({ title: 'Alpha', tags: ['x'], listId: 'l1' });
    expect(plan.tasks[0]).not.toHaveProperty('clocks');
    expect(plan.lists).toMatchObject([{ id: 'l1', name: 'Work' }]);
  });

  it('skips an invalid task with its reason, drops unknown properties, and refuses other files', () => {
    const text = JSON.stringify({
      format: 'taskmaster-export',
      version: 1,
      exportedAt: 'now',
      lists: [],
      tasks: [
        { ...tasks[0], extra: 'dropped' },
        { ...tasks[1], id: 'c', priority: 'extreme' },
      ],
    });
    const plan = planJsonImport(text);
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0]).not.toHaveProperty('extra');
    expect(plan.skipped).toEqual([
      { row: 2, what: 'Task “Beta”', reason: expect.stringContaining('invalid priority') },
    ]);
    const reasons = ['{', '{"format":"other"}', '{"format":"taskmaster-export","version":2}'].map((bad) => {
      try {
        planJsonImport(bad);
        return 'accepted';
      } catch (error) {
        return (error as ImportFileError).reason;
      }
    });
    expect(reasons).toEqual(['not-json', 'unknown-format', 'unsupported-version']);
  });

  it('exports tasks as CSV with the list by name and tags space-separated', () => {
    const rows = parseCsv(exportCsv(tasks, lists as never));
    expect(rows[0]).toContain('title');
    expect(rows[1]).toEqual(expect.arrayContaining(['a', 'Alpha', 'x', 'Work']));
    expect(rows).toHaveLength(3);
  });
});
