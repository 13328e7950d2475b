import { clocksSchema, conflictsSchema, FIELD_LIMITS, ID_PATTERN, type ConflictRecord } from './limits.js';
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
] as const;

/** A local time of day `HH:MM` (24 h), or '' for none. Added in schema version 1. */
export const DUE_TIME_PATTERN = '^(([01]\\d|2[0-3]):[0-5]\\d)?$';

/**
 * RxDB JSON schema of `tasks`; the server validates pushed documents against the same literal.
 * Every version bump adds a step to `TASK_UPGRADES` (`versioning.ts`) and keeps the previous literal
 * frozen in `sync-server/test/versioning/` (SPEC, "Versions").
 */
export const taskSchema = {
  title: 'task',
  version: 1,
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
    createdAt: { type: 'number', minimum: 0, maximum: 1e14 },
    updatedAt: { type: 'number', minimum: 0, maximum: 1e14, multipleOf: 1 },
    clocks: clocksSchema(TASK_MERGE_FIELDS),
    conflicts: conflictsSchema,
  },
  indexes: ['updatedAt'],
} as const;

/** How a task of each older schema version becomes the current one (step `to` = version it produces). */
export const TASK_UPGRADES: readonly SchemaUpgradeStep[] = [
  { to: 1, description: "dueTime: local time of day 'HH:MM', '' for none", up: addFields({ dueTime: '' }) },
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
  createdAt: number;
  updatedAt: number;
  clocks: Partial<Record<(typeof TASK_MERGE_FIELDS)[number] | 'deleted', string>>;
  conflicts: ConflictRecord[];
}
