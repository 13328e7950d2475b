import { FIELD_LIMITS, type Subtask, type TaskPriority } from '@taskmaster/shared-schema';
import type { ImportDoc } from '@taskmaster/sync-client/db';
import { csvRecords } from './csv';
import { ImportFileError, stableId, type ImportPlan } from './plan';

/** Todoist's PRIORITY column: 1 is the highest (p1), 4 the default (no priority). */
const PRIORITY: Record<string, TaskPriority> = { '1': 'urgent', '2': 'high', '3': 'medium', '4': 'none' };

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

function validDay(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
    ? isoDay(y, m, d)
    : null;
}

function parseTime(text: string): string | null | undefined {
  const trimmed = text.trim().replace(/^at\s+/i, '');
  if (trimmed === '') return undefined;
  const match = /^(\d{1,2})(?::(\d{2}))?(?::\d{2})?\s*(am|pm)?$/i.exec(trimmed);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  const meridiem = match[3]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (match[2] === undefined) return null; // "15" alone is not a time
  if (hour > 23 || minute > 59) return null;
  return `${pad(hour)}:${pad(minute)}`;
}

export interface TodoistDate {
  dueDate: string;
  dueTime: string;
}

/**
 * Todoist's DATE column, as its CSV export writes it: an ISO date (with a time), a written date
 * ("Apr 15 2026", "15 Apr", "April 15 at 3pm"), "today" or "tomorrow". Returns null for anything
 * else (recurring dates such as "every monday" included).
 */
export function parseTodoistDate(text: string, today: string): TodoistDate | null {
  const value = text.trim().toLowerCase();
  if (value === '') return { dueDate: '', dueTime: '' };
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const withTime = (day: string | null, rest: string): TodoistDate | null => {
    if (!day) return null;
    const time = parseTime(rest);
    return time === null ? null : { dueDate: day, dueTime: time ?? '' };
  };
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[t\s](.*))?$/.exec(value);
  if (match)
    return withTime(validDay(+match[1]!, +match[2]!, +match[3]!), (match[4] ?? '').replace(/z$|[+-]\d{2}:?\d{2}$/, ''));
  match = /^(today|tomorrow)\b(.*)$/.exec(value);
  if (match) {
    const base = new Date(Date.UTC(ty, tm - 1, td + (match[1] === 'tomorrow' ? 1 : 0)));
    return withTime(isoDay(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate()), match[2]!);
  }
  const month = (name: string) => MONTHS.indexOf(name.slice(0, 3)) + 1;
  // "apr 15 2026", "april 15, 2026 at 3pm", "15 apr 2026", "15 april".
  match = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?\b(.*)$/.exec(value);
  const dayFirst = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?(?:\s+(\d{4}))?\b(.*)$/.exec(value);
  const parts = match
    ? { m: month(match[1]!), d: +match[2]!, y: match[3], rest: match[4]! }
    : dayFirst
      ? { m: month(dayFirst[2]!), d: +dayFirst[1]!, y: dayFirst[3], rest: dayFirst[4]! }
      : null;
  if (!parts || parts.m === 0) return null;
  // Without a year: the next such day from today.
  let year = parts.y ? +parts.y : ty;
  if (!parts.y && isoDay(year, parts.m, parts.d) < today) year += 1;
  return withTime(validDay(year, parts.m, parts.d), parts.rest);
}

/** Todoist labels are written inline in CONTENT as `@label`. */
function splitLabels(content: string): { title: string; labels: string[] } {
  const labels: string[] = [];
  const title = content
    .replace(/(^|\s)@([^\s@]+)/g, (_all, space: string, label: string) => {
      labels.push(label.slice(0, FIELD_LIMITS.tagLength));
      return space;
    })
    .replace(/\s+/g, ' ')
    .trim();
  return { title, labels: [...new Set(labels)] };
}

const titleOf = (text: string) => text.slice(0, FIELD_LIMITS.titleLength);
const sectionTag = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '')
    .slice(0, FIELD_LIMITS.tagLength);

/**
 * Maps a Todoist project export (CSV: TYPE, CONTENT, DESCRIPTION, PRIORITY, INDENT, DATE, …) to
 * TaskMaster documents:
 * - `task` rows at INDENT 1 become tasks; labels in CONTENT become tags; DESCRIPTION the notes;
 *   PRIORITY 1–4 becomes urgent, high, medium, none; DATE the due date and time.
 * - rows at INDENT 2 or deeper become subtasks (checklist items) of the task above at INDENT 1;
 *   deeper levels are flattened into that checklist, and a subtask keeps only its title.
 * - `section` rows become a tag on the tasks under them; `note` rows (comments) are appended to the
 *   notes of the task above.
 * - the project becomes a list named after the file, when a name is given.
 * Ids are derived from the project and the row's content, so importing the same file again finds
 * its tasks as duplicates.
 */
export function planTodoistImport(text: string, options: { today: string; listName?: string }): ImportPlan {
  const { header, records } = csvRecords(text);
  if (!header.includes('TYPE') || !header.includes('CONTENT')) {
    throw new ImportFileError(
      'not-todoist-csv',
      'This CSV has no TYPE and CONTENT columns: it is not a Todoist export.',
    );
  }
  const plan: ImportPlan = { tasks: [], lists: [], skipped: [], notes: [] };
  const project = options.listName?.trim().slice(0, FIELD_LIMITS.listNameLength) ?? '';
  const listId = project ? stableId('td-l-', project) : '';
  if (project) plan.lists.push({ id: listId, name: project, color: '#db4c3f', order: Date.now(), archived: false });

  let section = '';
  let parent: (ImportDoc & { subtasks: Record<string, Subtask> }) | null = null;
  let last: ImportDoc | null = null;
  let flattened = 0;
  let subtaskDetails = 0;
  let order = 0;
  for (const { row, values } of records) {
    const type = (values.TYPE ?? '').trim().toLowerCase();
    const content = (values.CONTENT ?? '').trim();
    if (type === 'section') {
      section = sectionTag(content);
      plan.skipped.push({
        row,
        what: `Section “${content}”`,
        reason: `sections are not imported; their tasks get the tag #${section}`,
      });
      parent = null;
      continue;
    }
    if (type === 'note') {
      if (!last || content === '') {
        plan.skipped.push({ row, what: 'Comment', reason: 'a comment with no task above it' });
        continue;
      }
      last.notes = `${String(last.notes ?? '')}${last.notes ? '\n\n' : ''}${content}`.slice(
        0,
        FIELD_LIMITS.notesLength,
      );
      continue;
    }
    if (type !== 'task') {
      plan.skipped.push({ row, what: content || `Row ${row}`, reason: `unknown row type “${values.TYPE ?? ''}”` });
      continue;
    }
    const { title, labels } = splitLabels(content);
    if (title === '') {
      plan.skipped.push({ row, what: content || `Row ${row}`, reason: 'the task has no title' });
      continue;
    }
    const indent = Math.max(1, Number.parseInt(values.INDENT ?? '1', 10) || 1);
    if (indent > 1) {
      if (!parent) {
        plan.skipped.push({ row, what: title, reason: 'a subtask with no task above it' });
        continue;
      }
      const count = Object.keys(parent.subtasks).length;
      if (count >= FIELD_LIMITS.subtaskCount) {
        plan.skipped.push({ row, what: title, reason: `a task holds at most ${FIELD_LIMITS.subtaskCount} subtasks` });
        continue;
      }
      if (indent > 2) flattened += 1;
      const priority = (values.PRIORITY ?? '').trim();
      const details = [values.DESCRIPTION, values.DATE].some((v) => (v ?? '').trim() !== '');
      if (labels.length > 0 || details || (priority !== '' && priority !== '4')) subtaskDetails += 1;
      parent.subtasks[`s${count + 1}`] = { title: titleOf(title), done: false, order: count + 1, removed: false };
      continue;
    }
    const date = parseTodoistDate(values.DATE ?? '', options.today);
    const notes = [(values.DESCRIPTION ?? '').trim()];
    if (!date) {
      notes.push(`Todoist date: ${(values.DATE ?? '').trim()}`);
      plan.skipped.push({
        row,
        what: `Date of “${title}”`,
        reason: `“${(values.DATE ?? '').trim()}” is not a date TaskMaster reads (repeating dates are not converted); it is kept in the notes`,
      });
    }
    const tags = [...new Set([...labels, ...(section ? [section] : [])])].slice(0, FIELD_LIMITS.tagCount);
    order += 1;
    const task = {
      id: stableId('td-', project, String(indent), content, values.DATE ?? '', String(order)),
      title: titleOf(title),
      notes: notes.filter(Boolean).join('\n\n').slice(0, FIELD_LIMITS.notesLength),
      priority: PRIORITY[(values.PRIORITY ?? '').trim()] ?? 'none',
      tags,
      listId,
      order,
      dueDate: date?.dueDate ?? '',
      dueTime: date?.dueTime ?? '',
      subtasks: {} as Record<string, Subtask>,
    };
    plan.tasks.push(task);
    parent = task;
    last = task;
  }
  const subtasks = plan.tasks.reduce((sum, t) => sum + Object.keys(t.subtasks as object).length, 0);
  if (subtasks > 0)
    plan.notes.push(`${subtasks} subtasks (INDENT 2 and deeper) became checklist items of the task above them.`);
  if (flattened > 0)
    plan.notes.push(`${flattened} of them were nested deeper and are listed flat under their top task.`);
  if (subtaskDetails > 0)
    plan.notes.push(
      `${subtaskDetails} subtasks had labels, a description, a priority or a date: a checklist item keeps only its title.`,
    );
  return plan;
}
