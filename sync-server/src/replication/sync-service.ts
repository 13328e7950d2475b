import {
  COLLECTIONS,
  jsonEqual,
  mergeDocs,
  PROTOCOL_LIMITS,
  pullRequestSchema,
  pushRequestSchema,
  TaskmasterError,
  type ChangeEvent,
  type CollectionName,
  type PullResponse,
  type PushResponse,
  type PushRow,
} from '@taskmaster/shared-schema';
import type { z } from 'zod';
import type { Fanout } from '../fanout/fanout.js';
import type { DocumentStore } from '../store/document-store.js';
import { validate } from '../validation/validate.js';
import { DocValidator } from './doc-validator.js';

/**
 * Pull and push, independent of the transport. The owner of every document is the authenticated
 * user passed in by the caller, never a value from the payload (rule R5).
 */
export class SyncService {
  private readonly validator = new DocValidator();

  constructor(
    private readonly store: DocumentStore,
    private readonly fanout: Fanout,
  ) {}

  async pull(userId: string, payload: unknown): Promise<PullResponse> {
    if (payload && typeof payload === 'object' && (payload as { batchSize?: unknown }).batchSize !== undefined) {
      const size = (payload as { batchSize?: unknown }).batchSize;
      if (typeof size === 'number' && size > PROTOCOL_LIMITS.maxPullBatch) {
        throw new TaskmasterError(
          'batch-too-large',
          `batchSize ${size} exceeds the limit of ${PROTOCOL_LIMITS.maxPullBatch}`,
        );
      }
    }
    const request = validate(pullRequestSchema, payload, 'pull request');
    const after = request.checkpoint?.seq ?? 0;
    const rows = await this.store.pull(userId, request.collection, after, request.batchSize);
    const last = rows.at(-1);
    return {
      documents: rows.map((row) => row.doc),
      checkpoint: last ? { seq: last.seq } : request.checkpoint,
    };
  }

  async push(userId: string, payload: unknown): Promise<PushResponse> {
    const rowCount = (payload as { rows?: unknown })?.rows;
    if (Array.isArray(rowCount) && rowCount.length > PROTOCOL_LIMITS.maxPushRows) {
      throw new TaskmasterError(
        'batch-too-large',
        `${rowCount.length} rows exceed the limit of ${PROTOCOL_LIMITS.maxPushRows} per push`,
      );
    }
    const request = validate(pushRequestSchema, payload, 'push request');
    const collection = request.collection;
    const rows = this.validateRows(collection, request.rows);
    const mergeFields = COLLECTIONS[collection].mergeFields;
    const outcome = await this.store.applyPush(userId, collection, rows, (master, row) =>
      mergeDocs(master, row.assumedMasterState ?? undefined, row.newDocumentState, mergeFields),
    );
    if (outcome.changed.length > 0) {
      const event: ChangeEvent = { collection, fromSeq: outcome.fromSeq, toSeq: outcome.toSeq };
      if (outcome.changed.length <= PROTOCOL_LIMITS.maxStreamDocs) event.documents = outcome.changed.map((c) => c.doc);
      this.fanout.publish(userId, event);
    }
    // Rows whose stored state is not what the device sent (merged with another device's change)
    // come back as RxDB conflicts; the client adopts the server's merged state.
    const conflicts = outcome.stored.filter((doc, i) => !jsonEqual(doc, rows[i]!.newDocumentState));
    return { conflicts, seq: outcome.toSeq };
  }

  private validateRows(collection: CollectionName, rows: z.infer<typeof pushRequestSchema>['rows']): PushRow[] {
    const seen = new Set<string>();
    return rows.map((row, index) => {
      const doc = this.validator.check(collection, row.newDocumentState, `rows[${index}].newDocumentState`);
      if (seen.has(doc.id))
        throw new TaskmasterError('duplicate-id', `rows[${index}]: document ${doc.id} appears twice in one push`);
      seen.add(doc.id);
      const assumed = row.assumedMasterState
        ? this.validator.check(collection, row.assumedMasterState, `rows[${index}].assumedMasterState`)
        : undefined;
      if (assumed && assumed.id !== doc.id) {
        throw new TaskmasterError('invalid-payload', `rows[${index}]: assumedMasterState is for another document`);
      }
      return { newDocumentState: doc, assumedMasterState: assumed };
    });
  }
}
