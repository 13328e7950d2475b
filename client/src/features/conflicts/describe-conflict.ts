import { decodeHlc, TASK_MERGE_FIELDS, type ConflictRecord } from '@taskmaster/shared-schema';
import type { TaskPatch } from '@taskmaster/sync-client/db';

const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  notes: 'Notes',
  status: 'Status',
  priority: 'Priority',
  dueDate: 'Due date',
  dueTime: 'Due time',
  tags: 'Tags',
  listId: 'List',
  order: 'Position',
  completedAt: 'Completion time',
  startDate: 'Start date',
  repeat: 'Repeat',
  reminder: 'Reminder',
  reminderFiredAt: 'Reminder shown',
  icon: 'Icon',
  deleted: 'Deletion',
  name: 'Name',
  color: 'Colour',
  archived: 'Archived',
};

function parseLost(conflict: ConflictRecord): unknown {
  try {
    return JSON.parse(conflict.lostValue) as unknown;
  } catch {
    return conflict.lostValue;
  }
}

/** A field value as the conflict notice shows it (tags as #tags, empty as "(empty)", long text cut). */
export function displayValue(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((v) => `#${String(v)}`).join(' ');
  if (value === '' || value === null || value === undefined) return '(empty)';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export function describeConflict(conflict: ConflictRecord, deviceNode: string) {
  const mine = decodeHlc(conflict.lostClock).node === deviceNode;
  return {
    fieldLabel:
      FIELD_LABELS[conflict.field] ??
      (conflict.field.startsWith('subtasks.')
        ? `Subtask ${conflict.field.split('.')[2] ?? ''}`.trim()
        : conflict.field),
    lostText: displayValue(parseLost(conflict)),
    whose: mine ? 'your' : "another device's",
  };
}

/**
 * The patch that re-applies a losing value as a new edit (a fresh clock, so it wins from now on), or
 * undefined when the field cannot be restored from the UI (tombstones and unknown fields).
 */
export function restorePatch(conflict: ConflictRecord): TaskPatch | undefined {
  const field = TASK_MERGE_FIELDS.find((f) => f === conflict.field);
  if (!field) return undefined;
  const value = parseLost(conflict);
  const ok: Record<(typeof TASK_MERGE_FIELDS)[number], (v: unknown) => boolean> = {
    title: (v) => typeof v === 'string' && v.length > 0,
    notes: (v) => typeof v === 'string',
    status: (v) => v === 'todo' || v === 'in-progress' || v === 'done',
    priority: (v) => typeof v === 'string',
    dueDate: (v) => typeof v === 'string',
    dueTime: (v) => typeof v === 'string',
    tags: (v) => Array.isArray(v) && v.every((t) => typeof t === 'string'),
    listId: (v) => typeof v === 'string',
    order: (v) => typeof v === 'number',
    completedAt: (v) => typeof v === 'number',
    startDate: (v) => typeof v === 'string',
    repeat: (v) => typeof v === 'string',
    reminder: (v) => typeof v === 'string',
    reminderFiredAt: (v) => typeof v === 'number',
  };
  if (!ok[field](value)) return undefined;
  const patch = { [field]: value } as TaskPatch;
  if (field === 'status') patch.completedAt = value === 'done' ? Date.now() : 0;
  return patch;
}
