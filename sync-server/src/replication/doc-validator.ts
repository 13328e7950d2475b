import { Ajv, type ValidateFunction } from 'ajv';
import {
  COLLECTIONS,
  PROTOCOL_LIMITS,
  TaskmasterError,
  type CollectionName,
  type SyncDoc,
} from '@taskmaster/shared-schema';

/**
 * Validates wire documents against the same RxDB JSON schema literal the client uses, plus the
 * replication tombstone flag. RxDB-only keywords (primaryKey, indexes, version) are ignored.
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

  /** Returns the document typed, or throws `schema-invalid` / `payload-too-large` naming the problem. */
  check<C extends CollectionName>(collection: C, value: unknown, what: string): SyncDoc<C> {
    const size = Buffer.byteLength(JSON.stringify(value));
    if (size > PROTOCOL_LIMITS.maxDocBytes) {
      throw new TaskmasterError(
        'payload-too-large',
        `${what} is ${size} bytes; the limit is ${PROTOCOL_LIMITS.maxDocBytes}`,
        413,
      );
    }
    const validate = this.validators[collection];
    if (!validate(value)) {
      const first = validate.errors?.[0];
      const path = first?.instancePath || '/';
      throw new TaskmasterError(
        'schema-invalid',
        `${what} does not match the ${collection} schema at ${path}: ${first?.message ?? 'invalid'}`,
      );
    }
    return value as SyncDoc<C>;
  }
}
