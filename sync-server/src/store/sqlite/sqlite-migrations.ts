import { columnsOf, type SqliteDb, type SqliteMigration } from './sqlite-database.js';

const sql = (text: string) => (db: SqliteDb) => {
  db.exec(text);
};

/** Migrations of the SQLite DocumentStore, recorded as store `documents` in `schema_migrations`. */
export const SQLITE_DOCUMENT_MIGRATIONS: readonly SqliteMigration[] = [
  {
    id: '001_documents',
    description: 'documents and per-scope sequence counters, keyed by scope, with the owner kept beside them',
    up(db) {
      // Files from before the store split keyed both tables by `user_id`: adopt them in place.
      if (columnsOf(db, 'documents').includes('user_id')) {
        db.exec(`
          ALTER TABLE documents RENAME COLUMN user_id TO scope;
          ALTER TABLE documents ADD COLUMN owner TEXT NOT NULL DEFAULT '';
          UPDATE documents SET owner = scope;
        `);
      }
      if (columnsOf(db, 'sequences').includes('user_id')) {
        db.exec(`
          ALTER TABLE sequences RENAME COLUMN user_id TO scope;
          ALTER TABLE sequences ADD COLUMN owner TEXT NOT NULL DEFAULT '';
          UPDATE sequences SET owner = scope;
        `);
      }
      db.exec(`
        -- Rule R2: one counter per (scope, collection), advanced inside the write transaction.
        CREATE TABLE IF NOT EXISTS sequences (
          scope TEXT NOT NULL,
          collection TEXT NOT NULL,
          owner TEXT NOT NULL,
          seq INTEGER NOT NULL,
          PRIMARY KEY (scope, collection)
        ) WITHOUT ROWID;
        -- Latest state of every document; tombstones stay (deleted = 1), never hard-deleted on the sync path.
        CREATE TABLE IF NOT EXISTS documents (
          scope TEXT NOT NULL,
          collection TEXT NOT NULL,
          id TEXT NOT NULL,
          owner TEXT NOT NULL,
          seq INTEGER NOT NULL,
          deleted INTEGER NOT NULL,
          data TEXT NOT NULL,
          PRIMARY KEY (scope, collection, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS documents_by_seq ON documents(scope, collection, seq);
      `);
    },
    down: sql('DROP TABLE IF EXISTS documents; DROP TABLE IF EXISTS sequences;'),
  },
  {
    id: '002_add_indexes',
    description: 'owner indexes for counts and erase',
    up: sql(`
      CREATE INDEX IF NOT EXISTS documents_by_owner ON documents(owner, collection, deleted);
      CREATE INDEX IF NOT EXISTS sequences_by_owner ON sequences(owner);
    `),
    down: sql('DROP INDEX IF EXISTS documents_by_owner; DROP INDEX IF EXISTS sequences_by_owner;'),
  },
  {
    id: '003_documents_rowid',
    description: 'documents in a rowid table: a JSON row over ~1 KB overflowed the WITHOUT ROWID b-tree',
    // A WITHOUT ROWID table is an index b-tree, whose cells keep at most ~1,000 bytes of a row in the
    // page on 4 KB pages; a task with the v2 fields is just over that, so every row spilled onto an
    // overflow page and a push of 5,000 tasks took 2.4 times as long (measured, FINDINGS.md). A rowid
    // table keeps a row of up to ~4 KB in its leaf page; the key becomes a unique index beside it.
    up: sql(`
      CREATE TABLE documents_rowid (
        scope TEXT NOT NULL,
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        owner TEXT NOT NULL,
        seq INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      INSERT INTO documents_rowid (scope, collection, id, owner, seq, deleted, data)
        SELECT scope, collection, id, owner, seq, deleted, data FROM documents ORDER BY scope, collection, seq;
      DROP TABLE documents;
      ALTER TABLE documents_rowid RENAME TO documents;
      CREATE UNIQUE INDEX documents_by_id ON documents(scope, collection, id);
      CREATE UNIQUE INDEX documents_by_seq ON documents(scope, collection, seq);
      CREATE INDEX documents_by_owner ON documents(owner, collection, deleted);
    `),
    down: sql(`
      CREATE TABLE documents_keyed (
        scope TEXT NOT NULL,
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        owner TEXT NOT NULL,
        seq INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (scope, collection, id)
      ) WITHOUT ROWID;
      INSERT INTO documents_keyed (scope, collection, id, owner, seq, deleted, data)
        SELECT scope, collection, id, owner, seq, deleted, data FROM documents;
      DROP TABLE documents;
      ALTER TABLE documents_keyed RENAME TO documents;
      CREATE UNIQUE INDEX documents_by_seq ON documents(scope, collection, seq);
      CREATE INDEX documents_by_owner ON documents(owner, collection, deleted);
    `),
  },
];

/** Migrations of the SQLite AccountStore, recorded as store `accounts` in `schema_migrations`. */
export const SQLITE_ACCOUNT_MIGRATIONS: readonly SqliteMigration[] = [
  {
    id: '001_accounts',
    description: 'users and refresh tokens',
    up: sql(`
      CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        family_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        used_at INTEGER,
        revoked_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS refresh_tokens_family ON refresh_tokens(family_id);
      CREATE INDEX IF NOT EXISTS refresh_tokens_user ON refresh_tokens(user_id);
    `),
    down: sql('DROP TABLE IF EXISTS refresh_tokens; DROP TABLE IF EXISTS users;'),
  },
  {
    id: '002_sessions_and_audit',
    description: 'sessions (refresh-token families) with device and last use, and the append-only audit log',
    up: sql(`
      CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        device TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      -- Families from before this migration become sessions: revoked if any token was revoked.
      INSERT OR IGNORE INTO sessions (id, user_id, device, created_at, last_used_at, revoked_at)
        SELECT family_id, user_id, '', MIN(created_at), MAX(COALESCE(used_at, created_at)), MAX(revoked_at)
        FROM refresh_tokens GROUP BY family_id, user_id;
      CREATE TABLE IF NOT EXISTS audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor_id TEXT NOT NULL,
        action TEXT NOT NULL,
        target_user_id TEXT,
        details TEXT NOT NULL
      );
    `),
    down: sql('DROP TABLE IF EXISTS audit_log; DROP TABLE IF EXISTS sessions;'),
  },
  {
    id: '003_add_indexes',
    description: 'sessions by user, refresh tokens by expiry, audit by target',
    up: sql(`
      CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id, created_at);
      CREATE INDEX IF NOT EXISTS refresh_tokens_expiry ON refresh_tokens(expires_at);
      CREATE INDEX IF NOT EXISTS audit_by_target ON audit_log(target_user_id, seq);
    `),
    down: sql(`
      DROP INDEX IF EXISTS sessions_by_user;
      DROP INDEX IF EXISTS refresh_tokens_expiry;
      DROP INDEX IF EXISTS audit_by_target;
    `),
  },
];
