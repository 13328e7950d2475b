import { TASK_MERGE_FIELDS, type SyncDoc } from '@taskmaster/shared-schema';
import type { Prng } from '@taskmaster/shared-schema/testing';
import type { TaskPatch } from '@taskmaster/sync-client';

/** What both sync simulations (deterministic and real-socket) compare and generate. */
export type SimDoc = SyncDoc<'tasks'>;

/** The replicated content of a document: RxDB's `_meta`, `_rev` and `_attachments` stripped. */
export function normalize(doc: Record<string, unknown>): SimDoc {
  const { _meta, _rev, _attachments, ...rest } = doc;
  void _meta;
  void _rev;
  void _attachments;
  return { ...(rest as unknown as SimDoc), _deleted: Boolean(rest._deleted) };
}

/** JSON with sorted keys, so equal documents print equal. */
export function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** One line per document for failure messages: every field with its clock. */
export function describeDoc(doc: SimDoc | undefined): string {
  if (!doc) return 'missing';
  const fields = TASK_MERGE_FIELDS.map((f) => `${f}=${JSON.stringify(doc[f])}@${doc.clocks[f] ?? '-'}`).join(' ');
  return `deleted=${doc._deleted}@${doc.clocks.deleted ?? '-'} ${fields} conflicts=${JSON.stringify(doc.conflicts)} updatedAt=${doc.updatedAt}`;
}

export const TITLES = ['Buy milk', 'Call mom', 'Write report', 'Fix bike', 'Pay rent', 'Plan trip'];
const NOTES = ['', 'short', 'a longer note with ünïcode ✓', 'line one\nline two'];
const STATUSES = ['todo', 'in-progress', 'done'] as const;
const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
const TAGS = [[], ['home'], ['work'], ['home', 'urgent'], ['errand', 'work']];
const DUE = ['', '2025-03-01', '2025-12-24'];
const LISTS = ['', 'inbox2', 'project-x'];

/** A random edit of a few fields, drawn from `random` (the same draws in both simulations). */
export function randomPatch(random: Prng): TaskPatch {
  const patch: TaskPatch = {};
  const fields = random.subset(
    ['title', 'notes', 'status', 'priority', 'tags', 'dueDate', 'listId', 'order'] as const,
    0.3,
  );
  if (fields.length === 0) fields.push(random.pick(['title', 'status', 'priority'] as const));
  for (const field of fields) {
    if (field === 'title') patch.title = `${random.pick(TITLES)} ${random.int(1, 9)}`;
    else if (field === 'notes') patch.notes = random.pick(NOTES);
    else if (field === 'status') patch.status = random.pick(STATUSES);
    else if (field === 'priority') patch.priority = random.pick(PRIORITIES);
    else if (field === 'tags') patch.tags = [...random.pick(TAGS)];
    else if (field === 'dueDate') patch.dueDate = random.pick(DUE);
    else if (field === 'listId') patch.listId = random.pick(LISTS);
    else patch.order = random.int(0, 1000) / 8;
  }
  return patch;
}
