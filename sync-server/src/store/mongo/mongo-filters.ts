import { TaskmasterError, type CollectionName } from '@taskmaster/shared-schema';
import type { Filter } from 'mongodb';
import type { AuditRow, CounterRow, DocRow, SessionRow, TokenRow, UserRow } from './mongo-rows.js';

/**
 * Typed filter builders: the only way MongoStore builds a filter. They take strings and numbers
 * only, and check that at run time too, so no value from a request can ever reach a filter as an
 * object (operator injection such as `{"$ne": ""}` is impossible by construction, not by review).
 */
function text(value: string, what: string): string {
  if (typeof value !== 'string') throw new TaskmasterError('invalid-payload', `${what} must be a string`);
  return value;
}
function int(value: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TaskmasterError('invalid-payload', `${what} must be a number`);
  }
  return value;
}

/** `_id` of a document row: scope and document id, unambiguous for any two strings. */
export const docKey = (scope: string, id: string): string => JSON.stringify([text(scope, 'scope'), text(id, 'id')]);
/** `_id` of a scope's counter for one collection. */
export const counterKey = (scope: string, collection: CollectionName): string =>
  JSON.stringify([text(scope, 'scope'), text(collection, 'collection')]);
/** `_id` of the audit log's sequence counter (not a JSON array, so it never equals a scope counter). */
export const AUDIT_COUNTER_ID = 'audit-log';

export const docFilters = {
  byId: (scope: string, id: string): Filter<DocRow> => ({ _id: docKey(scope, id) }),
  byIds: (scope: string, ids: readonly string[]): Filter<DocRow> => ({
    _id: { $in: ids.map((id) => docKey(scope, id)) },
  }),
  pullPage: (scope: string, afterSeq: number): Filter<DocRow> => ({
    scope: text(scope, 'scope'),
    seq: { $gt: int(afterSeq, 'checkpoint') },
  }),
  live: (owner?: string): Filter<DocRow> =>
    owner === undefined ? { deleted: false } : { owner: text(owner, 'owner'), deleted: false },
  ofOwner: (owner: string): Filter<DocRow> => ({ owner: text(owner, 'owner') }),
};

export const counterFilters = {
  byId: (scope: string, collection: CollectionName): Filter<CounterRow> => ({ _id: counterKey(scope, collection) }),
  audit: (): Filter<CounterRow> => ({ _id: AUDIT_COUNTER_ID }),
  ofOwner: (owner: string): Filter<CounterRow> => ({ owner: text(owner, 'owner') }),
};

export const userFilters = {
  byId: (id: string): Filter<UserRow> => ({ _id: text(id, 'user id') }),
  byEmail: (email: string): Filter<UserRow> => ({ email: text(email, 'email') }),
  /** Emails in `[prefix, bound)` (bound undefined: no upper limit) and after the cursor's email. */
  page: (prefix: string, bound: string | undefined, after: string | undefined): Filter<UserRow> => {
    const lower =
      after !== undefined && text(after, 'cursor') >= text(prefix, 'prefix') ? { $gt: after } : { $gte: prefix };
    return { email: { ...lower, ...(bound === undefined ? {} : { $lt: text(bound, 'bound') }) } };
  },
};

export const tokenFilters = {
  byHash: (hash: string): Filter<TokenRow> => ({ _id: text(hash, 'token hash') }),
  unusedByHash: (hash: string): Filter<TokenRow> => ({ _id: text(hash, 'token hash'), usedAt: null }),
  liveOfFamily: (familyId: string): Filter<TokenRow> => ({ familyId: text(familyId, 'session id'), revokedAt: null }),
  liveOfUser: (userId: string): Filter<TokenRow> => ({ userId: text(userId, 'user id'), revokedAt: null }),
  ofUser: (userId: string): Filter<TokenRow> => ({ userId: text(userId, 'user id') }),
  liveOfUserExceptFamily: (userId: string, familyId: string): Filter<TokenRow> => ({
    userId: text(userId, 'user id'),
    familyId: { $ne: text(familyId, 'session id') },
    revokedAt: null,
  }),
};

export const sessionFilters = {
  byId: (id: string): Filter<SessionRow> => ({ _id: text(id, 'session id') }),
  liveById: (id: string): Filter<SessionRow> => ({ _id: text(id, 'session id'), revokedAt: null }),
  ofUser: (userId: string): Filter<SessionRow> => ({ userId: text(userId, 'user id') }),
  liveOfUser: (userId: string): Filter<SessionRow> => ({ userId: text(userId, 'user id'), revokedAt: null }),
  liveOfUserExcept: (userId: string, id: string): Filter<SessionRow> => ({
    userId: text(userId, 'user id'),
    _id: { $ne: text(id, 'session id') },
    revokedAt: null,
  }),
};

export const auditFilters = {
  before: (seq: number, targetUserId?: string): Filter<AuditRow> => ({
    _id: { $lt: int(seq, 'cursor') },
    ...(targetUserId === undefined ? {} : { targetUserId: text(targetUserId, 'user id') }),
  }),
};
