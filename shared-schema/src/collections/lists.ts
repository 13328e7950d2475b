import { clocksSchema, conflictsSchema, FIELD_LIMITS, ID_PATTERN, type ConflictRecord } from './limits.js';
import { addFields, type SchemaUpgradeStep } from './upgrade-step.js';

/** Fields of a list that merge independently (rule R4). */
export const LIST_MERGE_FIELDS = ['name', 'color', 'order', 'archived', 'icon'] as const;

/** RxDB JSON schema of `lists`, the user's projects. */
export const listSchema = {
  title: 'list',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'color', 'order', 'archived', 'createdAt', 'updatedAt', 'clocks', 'conflicts'],
  properties: {
    id: { type: 'string', maxLength: FIELD_LIMITS.idLength, pattern: ID_PATTERN },
    name: { type: 'string', minLength: 1, maxLength: FIELD_LIMITS.listNameLength },
    color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$', maxLength: 7 },
    order: { type: 'number', minimum: -1e15, maximum: 1e15 },
    archived: { type: 'boolean' },
    /** v1: an emoji shown beside the name, or ''. */
    icon: { type: 'string', maxLength: 16 },
    createdAt: { type: 'number', minimum: 0, maximum: 1e14 },
    updatedAt: { type: 'number', minimum: 0, maximum: 1e14, multipleOf: 1 },
    clocks: clocksSchema(LIST_MERGE_FIELDS),
    conflicts: conflictsSchema,
  },
  indexes: ['updatedAt'],
} as const;

/** Schema history of lists (see `TASK_UPGRADES`). */
export const LIST_UPGRADES: readonly SchemaUpgradeStep[] = [
  { to: 1, description: "icon: an emoji beside the list's name, '' for none", up: addFields({ icon: '' }) },
];

export interface TaskList {
  id: string;
  name: string;
  color: string;
  order: number;
  archived: boolean;
  /** Schema v1 (filled by the upgrade; optional in the type so older documents type-check). */
  icon?: string;
  createdAt: number;
  updatedAt: number;
  clocks: Partial<Record<(typeof LIST_MERGE_FIELDS)[number] | 'deleted', string>>;
  conflicts: ConflictRecord[];
}
