import { clocksSchema, conflictsSchema, FIELD_LIMITS, ID_PATTERN, type ConflictRecord } from './limits.js';

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
] as const;

/** RxDB JSON schema of `tasks`; the server validates pushed documents against the same literal. */
export const taskSchema = {
  title: 'task',
  version: 0,
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
    createdAt: { type: 'number', minimum: 0, maximum: 1e14 },
    updatedAt: { type: 'number', minimum: 0, maximum: 1e14, multipleOf: 1 },
    clocks: clocksSchema(TASK_MERGE_FIELDS),
    conflicts: conflictsSchema,
  },
  indexes: ['updatedAt'],
} as const;

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
  createdAt: number;
  updatedAt: number;
  clocks: Partial<Record<(typeof TASK_MERGE_FIELDS)[number] | 'deleted', string>>;
  conflicts: ConflictRecord[];
}
