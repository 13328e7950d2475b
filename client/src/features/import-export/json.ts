import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  exportFileSchema,
  LIST_PROPERTIES,
  TASK_PROPERTIES,
  type Task,
  type TaskList,
} from '@taskmaster/shared-schema';
import type { ImportDoc } from '@taskmaster/sync-client/db';
import { toCsv } from './csv';
import { ImportFileError, type ImportPlan } from './plan';

/** Sync bookkeeping that an export leaves out: clocks and conflict logs belong to this account's history. */
const NOT_EXPORTED = new Set(['clocks', 'conflicts', 'updatedAt']);

function exportable<D extends object>(doc: D): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !NOT_EXPORTED.has(key)));
}

/** Every task and list as the versioned JSON export (`taskmaster-export`, version 1). */
export function exportJson(tasks: readonly Task[], lists: readonly TaskList[], now = new Date()): string {
  const file = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    lists: lists.map(exportable),
    tasks: tasks.map(exportable),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

const CSV_COLUMNS = [
  'id',
  'title',
  'notes',
  'status',
  'priority',
  'dueDate',
  'dueTime',
  'tags',
  'list',
  'subtasks',
  'createdAt',
  'completedAt',
] as const;

const isoOrEmpty = (ms: unknown) => (typeof ms === 'number' && ms > 0 ? new Date(ms).toISOString() : '');

/** Tasks as CSV for spreadsheets: one row per task, tags space-separated, the list by name, subtasks done/total. */
export function exportCsv(tasks: readonly Task[], lists: readonly TaskList[]): string {
  const listNames = new Map(lists.map((list) => [list.id, list.name]));
  const rows = tasks.map((task) => {
    const record = task as Task & { dueTime?: string; subtasks?: Record<string, { done: boolean; removed: boolean }> };
    const subtasks = Object.values(record.subtasks ?? {}).filter((s) => !s.removed);
    return [
      task.id,
      task.title,
      task.notes,
      task.status,
      task.priority,
      task.dueDate,
      record.dueTime ?? '',
      task.tags.join(' '),
      listNames.get(task.listId) ?? '',
      subtasks.length > 0 ? `${subtasks.filter((s) => s.done).length}/${subtasks.length}` : '',
      isoOrEmpty(task.createdAt),
      isoOrEmpty(task.completedAt),
    ];
  });
  return `${toCsv([[...CSV_COLUMNS], ...rows])}\r\n`;
}

function only(doc: Record<string, unknown>, properties: readonly string[]): ImportDoc {
  const kept = Object.fromEntries(Object.entries(doc).filter(([key]) => properties.includes(key)));
  return kept as ImportDoc;
}

/** Reads a JSON export back: the format and version are checked, then every task and list (zod). */
export function planJsonImport(text: string): ImportPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ImportFileError('not-json', 'This file is not JSON.');
  }
  const head = data as { format?: unknown; version?: unknown } | null;
  if (!head || typeof head !== 'object' || head.format !== EXPORT_FORMAT) {
    throw new ImportFileError('unknown-format', 'This JSON file is not a TaskMaster export.');
  }
  if (head.version !== EXPORT_VERSION) {
    throw new ImportFileError(
      'unsupported-version',
      `This export has version ${String(head.version)}; this app reads version ${EXPORT_VERSION}.`,
    );
  }
  // Check the envelope, then each document on its own: one bad task is skipped, not the whole file.
  const envelope = exportFileSchema.pick({ format: true, version: true, exportedAt: true }).safeParse(data);
  const body = data as { tasks?: unknown; lists?: unknown };
  if (!envelope.success || !Array.isArray(body.tasks) || !Array.isArray(body.lists)) {
    throw new ImportFileError(
      'invalid-export',
      'This TaskMaster export is damaged: its task or list array is missing.',
    );
  }
  const plan: ImportPlan = { tasks: [], lists: [], skipped: [], notes: [] };
  const parts = [
    {
      docs: body.lists,
      schema: exportFileSchema.shape.lists.element,
      into: plan.lists,
      properties: LIST_PROPERTIES,
      kind: 'List',
    },
    {
      docs: body.tasks,
      schema: exportFileSchema.shape.tasks.element,
      into: plan.tasks,
      properties: TASK_PROPERTIES,
      kind: 'Task',
    },
  ] as const;
  for (const { docs, schema, into, properties, kind } of parts) {
    docs.forEach((doc: unknown, index) => {
      const parsed = schema.safeParse(doc);
      if (parsed.success) {
        into.push(only(parsed.data, properties));
        return;
      }
      const issue = parsed.error.issues[0];
      const name =
        (doc as { title?: unknown; name?: unknown } | null)?.title ?? (doc as { name?: unknown } | null)?.name;
      plan.skipped.push({
        row: index + 1,
        what: typeof name === 'string' ? `${kind} “${name}”` : `${kind} ${index + 1}`,
        reason: `invalid ${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'does not match the export format'}`,
      });
    });
  }
  return plan;
}
