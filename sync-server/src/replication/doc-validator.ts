import { Ajv, type ValidateFunction } from 'ajv';
import {
  COLLECTIONS,
  findStampAfter,
  minSchemaVersion,
  PROTOCOL_LIMITS,
  SCHEMA_HISTORY,
  TaskmasterError,
  upgradeDoc,
  type CollectionName,
  type SyncDoc,
} from '@taskmaster/shared-schema';

/** JSON.stringify writes a finite double in at most this many characters (`-2.2250738585072014e-308`). */
const MAX_NUMBER_CHARS = 24;
/** One UTF-16 unit is at most 6 bytes in JSON (`\u001f`); a pair (two units) is 4 bytes of UTF-8. */
const MAX_BYTES_PER_UNIT = 6;
const MAX_BOUND_DEPTH = 32;

/**
 * An upper bound on `Buffer.byteLength(JSON.stringify(value))` that reads only string lengths, so
 * the size limit costs no serialization for the documents that are far below it (all real ones).
 * Returns Infinity, so the caller measures exactly, once the bound passes `budget` or for anything
 * but plain JSON data (a `toJSON`, a bigint, nesting deeper than 32 levels).
 */
export function jsonBytesUpperBound(value: unknown, budget: number): number {
  const bound = boundOf(value, 0, budget);
  return bound > budget ? Infinity : bound;
}

/** Recursion is bounded by MAX_BOUND_DEPTH; each level returns as soon as the budget is spent. */
function boundOf(value: unknown, depth: number, budget: number): number {
  switch (typeof value) {
    case 'string':
      return 2 + MAX_BYTES_PER_UNIT * value.length;
    case 'number':
      return MAX_NUMBER_CHARS;
    case 'boolean':
      return 5;
    case 'undefined':
      return 4; // `null` in an array; nothing as an object member
    case 'object':
      break;
    default:
      return Infinity;
  }
  if (value === null) return 4;
  if (depth >= MAX_BOUND_DEPTH) return Infinity;
  if (Array.isArray(value)) {
    let total = 2 + value.length;
    for (const element of value) {
      total += boundOf(element, depth + 1, budget);
      if (total > budget) return Infinity;
    }
    return total;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return Infinity;
  const record = value as Record<string, unknown>;
  if (typeof record.toJSON === 'function') return Infinity;
  let total = 2;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    total += 4 + MAX_BYTES_PER_UNIT * key.length + boundOf(record[key], depth + 1, budget); // "key":value,
    if (total > budget) return Infinity;
  }
  return total;
}

/**
 * Validates wire documents against the same RxDB JSON schema literal the client uses, plus the
 * replication tombstone flag. RxDB-only keywords (primaryKey, indexes, version) are ignored.
 * Documents of an older schema version are upgraded first (SPEC, "Versions"), and clock stamps too
 * far ahead of the server's clock are refused (rule R8).
 */
export class DocValidator {
  private readonly validators: Record<CollectionName, ValidateFunction>;

  constructor() {
    const ajv = new Ajv({ strict: false, allErrors: false });
    const compile = (name: CollectionName) => {
      const schema = COLLECTIONS[name].schema;
      return ajv.compile({
        ...schema,
        properties: { ...schema.properties, _deleted: { type: 'boolean' } },
        required: [...schema.required, '_deleted'],
      });
    };
    this.validators = { tasks: compile('tasks'), lists: compile('lists') };
  }

  /**
   * The schema version a push declares, if this server can take it: N and N-1 are served. An older
   * one is refused with `upgrade-required`; a newer one (a device built after this server, during a
   * rolling deploy) with the retryable `server-outdated`.
   */
  checkSchemaVersion(collection: CollectionName, version: number): number {
    const current = SCHEMA_HISTORY[collection].version;
    if (version > current) {
      throw new TaskmasterError(
        'server-outdated',
        `${collection} schema v${version} is newer than this server's v${current}; retry later`,
        503,
      );
    }
    const min = minSchemaVersion(collection);
    if (version < min) {
      throw new TaskmasterError(
        'upgrade-required',
        `${collection} schema v${version} is no longer accepted (oldest: v${min}); update the app`,
        426,
      );
    }
    return version;
  }

  /**
   * Upgrades a document of schema version `fromVersion` to the current one, then validates it.
   * Returns the document typed, or throws `schema-invalid` / `payload-too-large` naming the problem.
   */
  check<C extends CollectionName>(collection: C, value: unknown, what: string, fromVersion = 0): SyncDoc<C> {
    // Only a document that might be over the limit is serialized to measure it exactly.
    const size =
      jsonBytesUpperBound(value, PROTOCOL_LIMITS.maxDocBytes) <= PROTOCOL_LIMITS.maxDocBytes
        ? 0
        : Buffer.byteLength(JSON.stringify(value));
    if (size > PROTOCOL_LIMITS.maxDocBytes) {
      throw new TaskmasterError(
        'payload-too-large',
        `${what} is ${size} bytes; the limit is ${PROTOCOL_LIMITS.maxDocBytes}`,
        413,
      );
    }
    const doc = value !== null && typeof value === 'object' ? upgradeDoc(collection, value, fromVersion) : value;
    const validate = this.validators[collection];
    if (!validate(doc)) {
      const first = validate.errors?.[0];
      const path = first?.instancePath || '/';
      throw new TaskmasterError(
        'schema-invalid',
        `${what} does not match the ${collection} schema at ${path}: ${first?.message ?? 'invalid'}`,
      );
    }
    return doc as SyncDoc<C>;
  }

  /**
   * Refuses a document stamped further than `maxSkewMs` past `serverTime` (rule R8): such a stamp
   * would win every later honest edit of its field. The refusal carries `serverTime`, so the device
   * corrects its clock, re-stamps and pushes again.
   */
  checkClocks(doc: SyncDoc, serverTime: number, maxSkewMs: number, what: string): void {
    const ahead = findStampAfter(doc.clocks, serverTime + maxSkewMs);
    if (!ahead) return;
    throw new TaskmasterError(
      'clock-skew',
      `${what}: the clock of ${ahead.field} (${ahead.stamp.slice(0, 40)}) is more than ${maxSkewMs} ms ahead of the server; correct the clock and re-stamp`,
      400,
      { serverTime },
    );
  }
}
