/**
 * The task schema as it was at version 1 (dueTime), frozen: what an app built before schema v2
 * opens its database with. Never edit this copy; when tasks move to v3, freeze the v2 literal beside it.
 */
export const TASK_SCHEMA_V1 = {
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
    id: {
      type: 'string',
      maxLength: 64,
      pattern: '^[0-9a-zA-Z_-]{1,64}$',
    },
    title: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
    },
    notes: {
      type: 'string',
      maxLength: 10000,
    },
    status: {
      type: 'string',
      enum: ['todo', 'in-progress', 'done'],
    },
    priority: {
      type: 'string',
      enum: ['none', 'low', 'medium', 'high', 'urgent'],
    },
    dueDate: {
      type: 'string',
      maxLength: 10,
      pattern: '^(\\d{4}-\\d{2}-\\d{2})?$',
    },
    tags: {
      type: 'array',
      maxItems: 20,
      uniqueItems: true,
      items: {
        type: 'string',
        minLength: 1,
        maxLength: 40,
      },
    },
    listId: {
      type: 'string',
      maxLength: 64,
      pattern: '^[0-9a-zA-Z_-]{0,64}$',
    },
    order: {
      type: 'number',
      minimum: -1000000000000000,
      maximum: 1000000000000000,
    },
    completedAt: {
      type: 'number',
      minimum: 0,
      maximum: 100000000000000,
    },
    dueTime: {
      type: 'string',
      maxLength: 5,
      pattern: '^(([01]\\d|2[0-3]):[0-5]\\d)?$',
    },
    createdAt: {
      type: 'number',
      minimum: 0,
      maximum: 100000000000000,
    },
    updatedAt: {
      type: 'number',
      minimum: 0,
      maximum: 100000000000000,
      multipleOf: 1,
    },
    clocks: {
      type: 'object',
      additionalProperties: false,
      properties: {
        title: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        notes: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        status: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        priority: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        dueDate: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        tags: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        listId: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        order: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        completedAt: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        dueTime: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
        deleted: {
          type: 'string',
          maxLength: 64,
          pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
        },
      },
    },
    conflicts: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'lostValue', 'lostClock', 'winnerClock'],
        properties: {
          field: {
            type: 'string',
            maxLength: 40,
          },
          lostValue: {
            type: 'string',
            maxLength: 2000,
          },
          lostClock: {
            type: 'string',
            maxLength: 64,
            pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
          },
          winnerClock: {
            type: 'string',
            maxLength: 64,
            pattern: '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$',
          },
        },
      },
    },
  },
  indexes: ['updatedAt'],
} as const;
