/** DDL of the embedded store. Idempotent: run at every start. */
export const SQLITE_SCHEMA = `
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
-- Rule R2: one counter per (user, collection), advanced inside the write transaction.
CREATE TABLE IF NOT EXISTS sequences (
  user_id TEXT NOT NULL,
  collection TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (user_id, collection)
) WITHOUT ROWID;
-- Latest state of every document; tombstones stay (deleted = 1), they are never hard-deleted on the sync path.
CREATE TABLE IF NOT EXISTS documents (
  user_id TEXT NOT NULL,
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (user_id, collection, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS documents_by_seq ON documents(user_id, collection, seq);
`;
