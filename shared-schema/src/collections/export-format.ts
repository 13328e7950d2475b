import { z } from 'zod';
import { FIELD_LIMITS, ID_PATTERN } from './limits.js';
import { listSchema } from './lists.js';
import { TASK_PRIORITIES, TASK_STATUSES, taskSchema } from './tasks.js';

/** The `format` marker of a TaskMaster export file, and its version (bumped on any incompatible change). */
export const EXPORT_FORMAT = 'taskmaster-export';
export const EXPORT_VERSION = 1;

const id = z.string().regex(new RegExp(ID_PATTERN));
const day = z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/);
const epochMs = z.number().min(0).max(1e14);

/**
 * A task as exported: the fields every version has are checked here; the other fields of the
 * current task schema (due time, repeat, subtasks, reminder, …) pass through as exported, and
 * properties the schema does not know are dropped on import.
 */
export const exportedTaskSchema = z
  .object({
    id,
    title: z.string().min(1).max(FIELD_LIMITS.titleLength),
    notes: z.string().max(FIELD_LIMITS.notesLength),
    status: z.enum(TASK_STATUSES),
    priority: z.enum(TASK_PRIORITIES),
    dueDate: day,
    tags: z.array(z.string().min(1).max(FIELD_LIMITS.tagLength)).max(FIELD_LIMITS.tagCount),
    listId: z.string().regex(/^[0-9a-zA-Z_-]{0,64}$/),
    order: z.number().min(-1e15).max(1e15),
    completedAt: epochMs,
    createdAt: epochMs,
  })
  .loose();

export const exportedListSchema = z
  .object({
    id,
    name: z.string().min(1).max(FIELD_LIMITS.listNameLength),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    order: z.number().min(-1e15).max(1e15),
    archived: z.boolean(),
    createdAt: epochMs,
  })
  .loose();

/** A whole export: every live task and list of the account, without sync metadata or tombstones. */
export const exportFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  tasks: z.array(exportedTaskSchema),
  lists: z.array(exportedListSchema),
});

export type ExportedTask = z.infer<typeof exportedTaskSchema>;
export type ExportedList = z.infer<typeof exportedListSchema>;
export type ExportFile = z.infer<typeof exportFileSchema>;

/** Document properties a stored task or list may have; anything else in an imported file is dropped. */
export const TASK_PROPERTIES: readonly string[] = Object.keys(taskSchema.properties);
export const LIST_PROPERTIES: readonly string[] = Object.keys(listSchema.properties);
