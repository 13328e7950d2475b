import type { Metrics } from '../observability/metrics.js';
import type { DocumentStore } from '../store/index.js';

/**
 * The document store with every `applyPush` timed into `taskmaster_store_commit_duration_seconds`
 * (the transaction, merge included). Everything else is the store itself.
 */
export function timedCommits(documents: DocumentStore, metrics: Pick<Metrics, 'storeCommitDuration'>): DocumentStore {
  const timed: Pick<DocumentStore, 'applyPush'> = {
    async applyPush(scope, collection, rows, merge, options) {
      const end = metrics.storeCommitDuration.startTimer({ collection });
      try {
        return await documents.applyPush(scope, collection, rows, merge, options);
      } finally {
        end();
      }
    },
  };
  return Object.assign(Object.create(documents) as DocumentStore, timed);
}
