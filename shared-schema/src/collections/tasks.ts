import { clocksWithEntriesSchema, conflictsSchema, FIELD_LIMITS, ID_PATTERN, type ConflictRecord } from './limits.js';
import { addFields, type SchemaUpgradeStep } from './upgrade-step.js';

export const TASK_STATUSES = ['todo', 'in-progress', 'done'] as const;
export const TASK_PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** Fields that merge independently, each with its own hybrid-logical-clock stamp (rule R4). */
export const TASK_MERGE_FIELDS = [
  'title',
  'notes',
  'status',
  'priority',
  'dueDate',
  'tags',
  'listId',
  'order',
  'completedAt',
  'dueTime',
  'startDate',
  'repeat',
  'reminder',
  'reminderFiredAt',
] as const;

/**
 * Map-valued fields whose entries merge part by part (rule R4): each subtask's title, done state,
 * order and removal carry their own clock (`clocks['subtasks.<id>.done']`), so two devices editing
 * different subtasks, or different parts of one, both keep their edit. A subtask is never deleted
 * from the map, only marked `removed`, so a concurrent edit cannot bring it back half-empty.
 */
export const TASK_ENTRY_FIELDS = { subtasks: ['title', 'done', 'order', 'removed'] } as const;
export type SubtaskPart = (typeof TASK_ENTRY_FIELDS.subtasks)[number];

export interface Subtask {
  title: string;
  done: boolean;
  /** Manual sort key within the checklist. */
  order: number;
  /** Removed from the checklist (kept as a tombstone so merges stay per part). */
  removed: boolean;
}

const DAY_PATTERN = '^(\\d{4}-\\d{2}-\\d{2})?$';
/** The RRULEs the app writes (RFC 5545 without DTSTART), or '' for a task that does not repeat. */
export const REPEAT_PATTERN = '^(FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[0-9A-Za-z,+-]+)*)?$';
/** `''`, `at:<epoch ms>` or `before:<minutes before due>`. */
export const REMINDER_PATTERN = '^(at:\\d{1,14}|before:\\d{1,5})?$';

/** A local time of day `HH:MM` (24 h), or '' for none. Added in schema version 1. */
export const DUE_TIME_PATTERN = '^(([01]\\d|2[0-3]):[0-5]\\d)?$';

/**
 * RxDB JSON schema of `tasks`; the server validates pushed documents against the same literal.
 * Every version bump adds a step to `TASK_UPGRADES` (`versioning.ts`) and keeps the previous literal
 * frozen in `sync-server/test/versioning/` (SPEC, "Versions").
 */
export const taskSchema = {
  title: 'task',
  version: 2,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'title',
    'notes',
    'status',
    'priority',
    'dueDate',
    'tags',
    'listId',
    'order',
    'completedAt',
    'createdAt',
    'updatedAt',
    'clocks',
    'conflicts',
  ],
  properties: {
    id: { type: 'string', maxLength: FIELD_LIMITS.idLength, pattern: ID_PATTERN },
    title: { type: 'string', minLength: 1, maxLength: FIELD_LIMITS.titleLength },
    notes: { type: 'string', maxLength: FIELD_LIMITS.notesLength },
    status: { type: 'string', enum: TASK_STATUSES },
    priority: { type: 'string', enum: TASK_PRIORITIES },
    /** Calendar day `YYYY-MM-DD`, or '' for none. */
    dueDate: { type: 'string', maxLength: 10, pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' },
    tags: {
      type: 'array',
      maxItems: FIELD_LIMITS.tagCount,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: FIELD_LIMITS.tagLength },
    },
    /** Id of the list (project) the task belongs to, or '' for the inbox. */
    listId: { type: 'string', maxLength: FIELD_LIMITS.idLength, pattern: '^[0-9a-zA-Z_-]{0,64}$' },
    /** Manual sort key; fractional so a drag only rewrites one task. */
    order: { type: 'number', minimum: -1e15, maximum: 1e15 },
    /** Epoch ms when the task was marked done, 0 when not done. */
    completedAt: { type: 'number', minimum: 0, maximum: 1e14 },
    /** Local time of day `HH:MM`, or '' for none (v1; upgrades fill '' into older documents). */
    dueTime: { type: 'string', maxLength: 5, pattern: DUE_TIME_PATTERN },
    /** v2: calendar day the task starts (shows from then on), or ''. */
    startDate: { type: 'string', maxLength: 10, pattern: DAY_PATTERN },
    /** v2: RRULE of a repeating task (its due date is the current occurrence), or ''. */
    repeat: { type: 'string', maxLength: FIELD_LIMITS.repeatLength, pattern: REPEAT_PATTERN },
    /** v2: the checklist, by subtask id. */
    subtasks: {
      type: 'object',
      maxProperties: FIELD_LIMITS.subtaskCount,
      propertyNames: { pattern: `^[0-9a-zA-Z_-]{1,${FIELD_LIMITS.subtaskIdLength}}$` },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'done', 'order', 'removed'],
        properties: {
          title: { type: 'string', minLength: 1, maxLength: FIELD_LIMITS.titleLength },
          done: { type: 'boolean' },
          order: { type: 'number', minimum: -1e15, maximum: 1e15 },
          removed: { type: 'boolean' },
        },
      },
    },
    /** v2: when to remind (see REMINDER_PATTERN), or ''. */
    reminder: { type: 'string', maxLength: 20, pattern: REMINDER_PATTERN },
    /**
     * v2: the trigger instant (epoch ms) of the reminder that was shown, by any device; the mark
     * syncs, so a reminder fires once across the user's devices. 0 when none was shown.
     */
    reminderFiredAt: { type: 'number', minimum: 0, maximum: 1e14 },
    createdAt: { type: 'number', minimum: 0, maximum: 1e14 },
    updatedAt: { type: 'number', minimum: 0, maximum: 1e14, multipleOf: 1 },
    clocks: clocksWithEntriesSchema(TASK_MERGE_FIELDS, TASK_ENTRY_FIELDS, FIELD_LIMITS.subtaskCount),
    conflicts: conflictsSchema,
  },
  indexes: ['updatedAt'],
} as const;

/** How a task of each older schema version becomes the current one (step `to` = version it produces). */
export const TASK_UPGRADES: readonly SchemaUpgradeStep[] = [
  { to: 1, description: "dueTime: local time of day 'HH:MM', '' for none", up: addFields({ dueTime: '' }) },
  {
    to: 2,
    description: 'startDate, repeat (RRULE), subtasks (per-part merged checklist), reminder, reminderFiredAt',
    up: addFields({ startDate: '', repeat: '', subtasks: {}, reminder: '', reminderFiredAt: 0 }),
  },
];

export interface Task {
  id: string;
  title: string;
  notes: string;
  status: TaskStatus;
  priority: TaskPriority;
  dueDate: string;
  tags: string[];
  listId: string;
  order: number;
  completedAt: number;
  /**
   * `HH:MM` or '' (schema v1). Every document the engine or the server hands out has it (the v0 → v1
   * upgrade fills ''); optional in the type only so documents built for v0 still type-check.
   */
  dueTime?: string;
  /** Schema v2 fields (filled by the v1 → v2 upgrade; optional in the type for the same reason). */
  startDate?: string;
  repeat?: string;
  subtasks?: Record<string, Subtask>;
  reminder?: string;
  reminderFiredAt?: number;
  createdAt: number;
  updatedAt: number;
  /** One clock per merge field and the tombstone, and one per subtask part (`subtasks.<id>.<part>`). */
  clocks: Partial<Record<(typeof TASK_MERGE_FIELDS)[number] | 'deleted' | `subtasks.${string}.${SubtaskPart}`, string>>;
  conflicts: ConflictRecord[];
}
