/**
 * PouchDB 9 on its in-memory adapter, with the few methods the bench uses typed here (the packages
 * ship no types; `@types/pouchdb` describes 6.x).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface PouchChange {
  id: string;
  seq: number | string;
}
export interface PouchEmitter<T> {
  on(event: 'change', listener: (info: T) => void): PouchEmitter<T>;
  on(event: 'complete' | 'paused' | 'active', listener: (info: unknown) => void): PouchEmitter<T>;
  on(event: 'error' | 'denied', listener: (error: unknown) => void): PouchEmitter<T>;
  cancel(): void;
}
export interface ReplicationInfo {
  docs_written: number;
  docs_read: number;
}
export interface PouchDatabase {
  put(doc: Record<string, unknown>): Promise<{ ok: boolean; id: string; rev: string }>;
  bulkDocs(docs: Record<string, unknown>[]): Promise<unknown[]>;
  info(): Promise<{ doc_count: number; update_seq: number | string }>;
  changes(options: { live: true; since: 'now' | number | string; include_docs?: boolean }): PouchEmitter<PouchChange>;
  destroy(): Promise<unknown>;
  close(): Promise<unknown>;
  replicate: {
    to(
      target: PouchDatabase | string,
      options?: ReplicateOptions,
    ): PouchEmitter<ReplicationInfo> & Promise<ReplicationInfo>;
    from(
      source: PouchDatabase | string,
      options?: ReplicateOptions,
    ): PouchEmitter<ReplicationInfo> & Promise<ReplicationInfo>;
  };
  sync(
    target: PouchDatabase | string,
    options?: ReplicateOptions,
  ): PouchEmitter<{ direction: string; change: ReplicationInfo }>;
}
export interface ReplicateOptions {
  live?: boolean;
  retry?: boolean;
  batch_size?: number;
  batches_limit?: number;
}
export interface PouchConstructor {
  new (name: string, options?: { adapter?: string }): PouchDatabase;
  plugin(plugin: unknown): PouchConstructor;
  defaults(options: { adapter: string }): PouchConstructor;
}

export const PouchDB: PouchConstructor = (require('pouchdb') as PouchConstructor).plugin(
  require('pouchdb-adapter-memory'),
);
/** Databases of this constructor live in memory. */
export const MemoryPouchDB: PouchConstructor = PouchDB.defaults({ adapter: 'memory' });
