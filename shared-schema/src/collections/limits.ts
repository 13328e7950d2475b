/** Field limits shared by the client UI, RxDB schemas and server validation. */
export const FIELD_LIMITS = {
  idLength: 64,
  titleLength: 500,
  notesLength: 10_000,
  tagCount: 20,
  tagLength: 40,
  listNameLength: 100,
  /** Recorded losing values of same-field conflicts kept per document (oldest dropped first). */
  conflictEntries: 10,
  /** Longer losing values are kept truncated, marked with a trailing '…'. */
  conflictValueLength: 2_000,
  clockLength: 64,
  /** Subtasks (checklist items) per task, removed ones included, and their ids' length. */
  subtaskCount: 100,
  subtaskIdLength: 16,
  /** An RRULE without DTSTART, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH`. */
  repeatLength: 300,
} as const;

/** Hybrid logical clock strings: `<ms base36, 9>-<counter base36, 4>-<node id>`. */
export const CLOCK_PATTERN = '^[0-9a-z]{9}-[0-9a-z]{4}-[0-9a-zA-Z_]{1,32}$';
/** Document ids: URL-safe, so they can be logged and used in paths without escaping. */
export const ID_PATTERN = '^[0-9a-zA-Z_-]{1,64}$';

/** A JSON-schema for the per-field clocks object of a collection with the given mergeable fields. */
export function clocksSchema<const F extends readonly string[]>(fields: F) {
  const properties: Record<string, { type: 'string'; maxLength: number; pattern: string }> = {};
  for (const field of [...fields, 'deleted']) {
    properties[field] = { type: 'string', maxLength: FIELD_LIMITS.clockLength, pattern: CLOCK_PATTERN };
  }
  return { type: 'object', additionalProperties: false, properties } as const;
}

/**
 * The clocks object of a collection that also has map-valued fields whose entries merge part by part
 * (rule R4): besides one clock per field, a clock per `<field>.<entry id>.<part>` (e.g.
 * `subtasks.k3x9.done`), which `mergeDocs` merges as that part of that entry.
 */
export function clocksWithEntriesSchema<const F extends readonly string[]>(
  fields: F,
  entries: Readonly<Record<string, readonly string[]>>,
  maxEntries: number,
) {
  const clock = { type: 'string', maxLength: FIELD_LIMITS.clockLength, pattern: CLOCK_PATTERN } as const;
  const patternProperties: Record<string, typeof clock> = {};
  for (const [field, parts] of Object.entries(entries)) {
    patternProperties[`^${field}\\.[0-9a-zA-Z_-]{1,${FIELD_LIMITS.subtaskIdLength}}\\.(${parts.join('|')})$`] = clock;
  }
  const partCount = Object.values(entries).reduce((n, parts) => n + parts.length, 0);
  return {
    ...clocksSchema(fields),
    patternProperties,
    maxProperties: fields.length + 1 + partCount * maxEntries,
  } as const;
}

/** JSON-schema of the recorded losers of same-field conflicts (rule R4). */
export const conflictsSchema = {
  type: 'array',
  maxItems: FIELD_LIMITS.conflictEntries,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['field', 'lostValue', 'lostClock', 'winnerClock'],
    properties: {
      field: { type: 'string', maxLength: 40 },
      /** JSON-encoded losing value. */
      lostValue: { type: 'string', maxLength: FIELD_LIMITS.conflictValueLength },
      lostClock: { type: 'string', maxLength: FIELD_LIMITS.clockLength, pattern: CLOCK_PATTERN },
      winnerClock: { type: 'string', maxLength: FIELD_LIMITS.clockLength, pattern: CLOCK_PATTERN },
    },
  },
} as const;

export interface ConflictRecord {
  field: string;
  lostValue: string;
  lostClock: string;
  winnerClock: string;
}
