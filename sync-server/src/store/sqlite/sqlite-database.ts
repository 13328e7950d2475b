import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Migratable } from '../migrations/migrator.js';

export type SqliteDb = Database.Database;

export interface SqliteOptions {
  /** Database file, or ':memory:'. Several processes may share one file (WAL, busy timeout). */
  file: string;
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /** Apply pending migrations when opening (default true; `npm run migrate` opens with false). */
  migrate?: boolean;
}

/**
 * Opens a better-sqlite3 connection the way both SQLite stores need it: `synchronous = FULL`
 * makes a commit durable on disk before a push is acknowledged (rule R1); WAL lets readers run
 * beside the single writer, also across processes sharing the file.
 */
export function openSqlite(options: SqliteOptions): SqliteDb {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  // Busy timeout first: switching a fresh file to WAL takes a lock that other processes may hold.
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  return db;
}

/** A SQLite migration: synchronous, so it runs inside one `BEGIN IMMEDIATE` transaction with its ledger row. */
export interface SqliteMigration {
  id: string;
  description: string;
  up(db: SqliteDb): void;
  down(db: SqliteDb): void;
}

/**
 * Migrations of one store (`documents` or `accounts`), recorded in the shared `schema_migrations`
 * table. Each migration and its ledger row commit together. IMMEDIATE takes the write lock first
 * and nothing awaits inside, so several connections or processes opening one file apply each
 * migration exactly once (the step re-reads the ledger inside the lock).
 */
export function sqliteMigratable(db: SqliteDb, store: string, migrations: readonly SqliteMigration[]): Migratable {
  const sorted = [...migrations].sort((a, b) => (a.id < b.id ? -1 : 1));
  const ensureLedger = () =>
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      store TEXT NOT NULL,
      id TEXT NOT NULL,
      applied_at INTEGER NOT NULL,
      PRIMARY KEY (store, id)
    ) WITHOUT ROWID`);
  const applied = (): { id: string; applied_at: number }[] =>
    db
      .prepare<[string], { id: string; applied_at: number }>(
        'SELECT id, applied_at FROM schema_migrations WHERE store = ? ORDER BY id',
      )
      .all(store);
  const up = db.transaction((migration: SqliteMigration): boolean => {
    if (applied().some((m) => m.id === migration.id)) return false;
    migration.up(db);
    db.prepare('INSERT INTO schema_migrations (store, id, applied_at) VALUES (?, ?, ?)').run(
      store,
      migration.id,
      Date.now(),
    );
    return true;
  });
  const down = db.transaction((migration: SqliteMigration) => {
    migration.down(db);
    db.prepare('DELETE FROM schema_migrations WHERE store = ? AND id = ?').run(store, migration.id);
  });
  return {
    async migrateUp() {
      db.transaction(ensureLedger).immediate();
      return sorted.filter((migration) => up.immediate(migration)).map((m) => m.id);
    },
    async migrateDown(steps = 1) {
      db.transaction(ensureLedger).immediate();
      const byId = new Map(sorted.map((m) => [m.id, m]));
      const reverted: string[] = [];
      for (const { id } of applied().reverse().slice(0, steps)) {
        const migration = byId.get(id);
        if (!migration) throw new Error(`migration ${id} is recorded but unknown to this build; cannot revert it`);
        down.immediate(migration);
        reverted.push(id);
      }
      return reverted;
    },
    async migrationStatus() {
      db.transaction(ensureLedger).immediate();
      const done = new Map(applied().map((m) => [m.id, m.applied_at]));
      return sorted.map((m) => ({ id: m.id, description: m.description, appliedAt: done.get(m.id) ?? null }));
    },
  };
}

/** Column names of a table (empty when it does not exist). */
export function columnsOf(db: SqliteDb, table: string): string[] {
  return db
    .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
    .all(table)
    .map((c) => c.name);
}
