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
    const size = Buffer.byteLength(JSON.stringify(value));
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
