import { TaskmasterError } from '@taskmaster/shared-schema';
import {
  MongoClient,
  MongoError,
  MongoServerSelectionError,
  ReadPreference,
  type ClientSession,
  type Db,
  type TransactionOptions,
} from 'mongodb';
import { MongoReplicaSetRequiredError } from '../store-errors.js';

export interface MongoConnectionOptions {
  uri: string;
  maxPoolSize: number;
  minPoolSize: number;
  socketTimeoutMS: number;
  /** How long start-up waits for a primary (default 30 s, the driver's). */
  serverSelectionTimeoutMS?: number;
  /** Database name; defaults to the one in the URI, else `taskmaster`. */
  dbName?: string;
}

export { MongoReplicaSetRequiredError };

/**
 * Connects and checks that the server is a replica-set member (`hello.setName`). A standalone
 * server is refused with a message saying why: every push commits in a transaction, and MongoDB
 * only has transactions on replica sets (and sharded clusters).
 */
export async function connectMongo(options: MongoConnectionOptions): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(options.uri, {
    maxPoolSize: options.maxPoolSize,
    minPoolSize: options.minPoolSize,
    socketTimeoutMS: options.socketTimeoutMS,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 30_000,
    retryWrites: true,
    retryReads: true,
    ignoreUndefined: true,
    appName: 'taskmaster-sync-server',
  });
  try {
    await client.connect();
    const hello = await client.db('admin').command({ hello: 1 });
    if (typeof hello.setName !== 'string' || hello.setName === '') {
      throw new MongoReplicaSetRequiredError(
        'MONGODB_URI points at a standalone MongoDB server, but TaskMaster needs a replica set: every push ' +
          'commits in a multi-document transaction, and transactions need a replica set. Start mongod with ' +
          '--replSet <name>, run rs.initiate(), and add ?replicaSet=<name> to MONGODB_URI.',
      );
    }
  } catch (error) {
    await client.close().catch(() => undefined);
    if (error instanceof MongoServerSelectionError && new URL(options.uri).searchParams.has('replicaSet')) {
      throw new MongoReplicaSetRequiredError(
        `No primary of the replica set named in MONGODB_URI answered (${error.message}). If the server is a ` +
          'standalone mongod, it never will: transactions need a replica set (start it with --replSet and rs.initiate()).',
        { cause: error },
      );
    }
    throw error;
  }
  const inUri = /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]+)/.exec(options.uri)?.[1];
  return { client, db: client.db(options.dbName ?? (inUri ? decodeURIComponent(inUri) : 'taskmaster')) };
}

export type RetryReason = 'transient-transaction-error' | 'unknown-commit-result';

export interface TransactionRunner {
  /**
   * Runs `fn` in one transaction (snapshot reads, majority commit, on the primary), retrying
   * TransientTransactionError and UnknownTransactionCommitResult at most `maxAttempts` times in
   * all, and reporting each retry.
   */
  <T>(operation: string, fn: (session: ClientSession) => Promise<T>): Promise<T>;
}

export const TRANSACTION_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: ReadPreference.primary,
};

export function createTransactionRunner(
  client: MongoClient,
  options: { maxAttempts?: number; onRetry?: (operation: string, reason: RetryReason) => void } = {},
): TransactionRunner {
  const maxAttempts = options.maxAttempts ?? 5;
  return async function runTransaction<T>(operation: string, fn: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = client.startSession();
    let attempts = 0;
    try {
      return await session.withTransaction(async (s) => {
        attempts += 1;
        if (attempts > 1) {
          options.onRetry?.(operation, 'transient-transaction-error');
          // Jittered, growing backoff: instances that conflicted on one scope's counter would
          // otherwise retry in lockstep and conflict again.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * 2 ** attempts));
        }
        if (attempts > maxAttempts) {
          // Not a MongoError: withTransaction aborts and rethrows instead of retrying again.
          throw new TaskmasterError('internal', `${operation}: the store is busy, try again`, 503);
        }
        const result = await fn(s);
        // Committed here rather than by withTransaction, so commit retries are bounded and counted too.
        for (let commits = 1; ; commits++) {
          try {
            await s.commitTransaction();
            return result;
          } catch (error) {
            const unknown = error instanceof MongoError && error.hasErrorLabel('UnknownTransactionCommitResult');
            if (!unknown || commits >= maxAttempts) throw error;
            options.onRetry?.(operation, 'unknown-commit-result');
          }
        }
      }, TRANSACTION_OPTIONS);
    } finally {
      await session.endSession().catch(() => undefined);
    }
  };
}
