import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runMigrateCli } from '../../src/store/migrate-command.js';
import { openMongoStores } from '../../src/store/mongo/mongo-stores.js';
import { openSqliteStores, type Stores } from '../../src/store/open-stores.js';
import { realMerge, rows, taskDoc } from './doc-fixtures.js';
import { sharedDouble, TEST_POOL } from './mongo-fixture.js';

const double = sharedDouble();
afterAll(() => double.close());
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'taskmaster-migrate-'));
  dirs.push(dir);
  return dir;
};

/** Both stores work: a push is pulled back, a user is found again. */
async function works(stores: Stores): Promise<void> {
  await stores.documents.applyPush('u1', 'tasks', rows(taskDoc('m1')), realMerge('tasks'));
  expect((await stores.documents.pull('u1', 'tasks', 0, 10)).map((r) => r.doc.id)).toContain('m1');
  const user = await stores.accounts.createUser({
    email: `m${Math.random()}@example.com`,
    passwordHash: 'h',
    role: 'user',
  });
  expect(await stores.accounts.findUserById(user.id)).toEqual(user);
}

const applied = async (stores: Stores) => ({
  documents: (await stores.documents.migrationStatus()).filter((m) => m.appliedAt !== null).map((m) => m.id),
  accounts: (await stores.accounts.migrationStatus()).filter((m) => m.appliedAt !== null).map((m) => m.id),
});

describe('migrations: sqlite (temp file)', () => {
  const sqliteIndexes = (file: string) =>
    new Database(file, { readonly: true })
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")
      .all()
      .map((r) => r.name)
      .sort();

  const withoutRowid = (file: string, table: string) =>
    /WITHOUT ROWID/i.test(
      new Database(file, { readonly: true })
        .prepare<[string], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(table)!.sql,
    );

  it('runs at start-up, is idempotent, and goes up -> down -> up with the ledger in step', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'taskmaster.sqlite');
    let stores = openSqliteStores({ dataDir });
    await Promise.all([stores.documents.ready(), stores.accounts.ready()]);
    expect(await applied(stores)).toEqual({
      documents: ['001_documents', '002_add_indexes', '003_documents_rowid'],
      accounts: ['001_accounts', '002_sessions_and_audit', '003_add_indexes'],
    });
    expect(await stores.documents.migrateUp()).toEqual([]);
    await works(stores);
    expect(sqliteIndexes(file)).toEqual(expect.arrayContaining(['documents_by_id', 'documents_by_owner']));
    expect(withoutRowid(file, 'documents')).toBe(false);

    // Back to the keyed table: the documents and the indexes of 002 stay.
    expect(await stores.documents.migrateDown()).toEqual(['003_documents_rowid']);
    expect(withoutRowid(file, 'documents')).toBe(true);
    expect(sqliteIndexes(file)).not.toContain('documents_by_id');
    expect(sqliteIndexes(file)).toContain('documents_by_owner');
    expect((await stores.documents.pull('u1', 'tasks', 0, 10)).map((r) => r.doc.id)).toEqual(['m1']);
    // Roll back the index migrations only: data stays, the indexes go.
    expect(await stores.documents.migrateDown()).toEqual(['002_add_indexes']);
    expect(await stores.accounts.migrateDown()).toEqual(['003_add_indexes']);
    expect(sqliteIndexes(file)).not.toContain('documents_by_owner');
    expect(sqliteIndexes(file)).not.toContain('sessions_by_user');
    expect((await stores.documents.pull('u1', 'tasks', 0, 10)).map((r) => r.doc.id)).toEqual(['m1']);
    // ... then everything, and up again from nothing.
    expect(await stores.documents.migrateDown(10)).toEqual(['001_documents']);
    expect(await stores.accounts.migrateDown(10)).toEqual(['002_sessions_and_audit', '001_accounts']);
    expect(await applied(stores)).toEqual({ documents: [], accounts: [] });
    expect(await stores.documents.migrateUp()).toEqual(['001_documents', '002_add_indexes', '003_documents_rowid']);
    expect(await stores.accounts.migrateUp()).toEqual(['001_accounts', '002_sessions_and_audit', '003_add_indexes']);
    await works(stores);
    await stores.close();
    // A restart finds everything applied.
    stores = openSqliteStores({ dataDir });
    await stores.documents.ready();
    expect((await stores.documents.migrationStatus()).every((m) => m.appliedAt !== null)).toBe(true);
    await stores.close();
  });

  it('[R1] adopts a file from before the store split: documents and counters keep their data, keyed by scope with the owner', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'taskmaster.sqlite');
    const legacy = new Database(file);
    legacy.exec(`
      CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
        role TEXT NOT NULL, created_at INTEGER NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE refresh_tokens (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
        family_id TEXT NOT NULL, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL, used_at INTEGER, revoked_at INTEGER);
      CREATE TABLE sequences (user_id TEXT NOT NULL, collection TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (user_id, collection)) WITHOUT ROWID;
      CREATE TABLE documents (user_id TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,
        deleted INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (user_id, collection, id)) WITHOUT ROWID;
      CREATE UNIQUE INDEX documents_by_seq ON documents(user_id, collection, seq);
    `);
    const old = taskDoc('old-task', { title: 'from before' });
    legacy.prepare("INSERT INTO users VALUES ('u-old', 'old@example.com', 'h', 'user', 1, 0)").run();
    legacy
      .prepare("INSERT INTO refresh_tokens VALUES ('hash-1', 'u-old', 'fam-old', 9999999999999, 5, NULL, NULL)")
      .run();
    legacy.prepare("INSERT INTO sequences VALUES ('u-old', 'tasks', 7)").run();
    legacy.prepare("INSERT INTO documents VALUES ('u-old', 'tasks', 'old-task', 7, 0, ?)").run(JSON.stringify(old));
    legacy.close();

    const stores = openSqliteStores({ dataDir });
    await Promise.all([stores.documents.ready(), stores.accounts.ready()]);
    expect(await stores.documents.pull('u-old', 'tasks', 0, 10)).toEqual([{ seq: 7, doc: old }]);
    expect(await stores.documents.countDocuments('tasks', 'u-old')).toBe(1);
    expect((await stores.documents.applyPush('u-old', 'tasks', rows(taskDoc('new')), realMerge('tasks'))).toSeq).toBe(
      8,
    );
    expect(await stores.accounts.findUserByEmail('old@example.com')).toMatchObject({ id: 'u-old' });
    // Families from before become sessions, so their access tokens are not taken for revoked ones.
    expect(await stores.accounts.isSessionRevoked('fam-old')).toBe(false);
    expect(await stores.accounts.listSessions('u-old')).toMatchObject([{ id: 'fam-old', createdAt: 5 }]);
    await stores.close();
  });

  it('the `npm run migrate` entry reports status, applies, and rolls back one step', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    // The entry `npm run migrate` runs (compiled there; from source here, so no build is needed).
    const cli = fileURLToPath(new URL('../../src/store/migrate-cli.ts', import.meta.url));
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...args], {
        env: { PATH: process.env.PATH, DATA_DIR: dataDir, NODE_ENV: 'test' },
      });
    expect((await run('status')).stdout).toMatch(/documents\s+001_documents\s+pending/);
    expect((await run('up')).stdout).toContain(
      'sqlite documents: applied 001_documents, 002_add_indexes, 003_documents_rowid',
    );
    expect((await run('up')).stdout).toContain('sqlite documents: up to date');
    expect((await run('down', '--store', 'accounts')).stdout).toBe('sqlite accounts: reverted 003_add_indexes\n');
    expect((await run('status')).stdout).toMatch(/accounts\s+003_add_indexes\s+pending/);
    await expect(run('sideways')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('usage:') });
  });
});

describe('migrations: mongodb (emulated replica set)', () => {
  it('runs at start-up, is idempotent, and goes up -> down -> up; down drops exactly its indexes', async () => {
    const { uri } = await double.get();
    const dbName = 'taskmaster_migrations';
    const client = new MongoClient(uri);
    const indexNames = async (collection: string) =>
      (await client.db(dbName).collection(collection).listIndexes().toArray()).map((i) => String(i.name)).sort();
    const stores = await openMongoStores({ uri, dbName, ...TEST_POOL });
    try {
      await Promise.all([stores.documents.ready(), stores.accounts.ready()]);
      expect(await applied(stores)).toEqual({ documents: ['001_add_indexes'], accounts: ['001_add_indexes'] });
      expect(await stores.documents.migrateUp()).toEqual([]);
      expect(await indexNames('tasks')).toEqual(
        ['_id_', 'owner_createdAt', 'owner_deleted', 'owner_priority', 'owner_status', 'scope_seq'].sort(),
      );
      expect(await indexNames('users')).toEqual(['_id_', 'email']);
      expect(await indexNames('refresh_tokens')).toContain('expiresAt_ttl');
      await works(stores);

      expect(await stores.documents.migrateDown()).toEqual(['001_add_indexes']);
      expect(await stores.accounts.migrateDown()).toEqual(['001_add_indexes']);
      expect(await applied(stores)).toEqual({ documents: [], accounts: [] });
      expect(await indexNames('tasks')).toEqual(['_id_']);
      expect(await indexNames('users')).toEqual(['_id_']);

      expect(await stores.documents.migrateUp()).toEqual(['001_add_indexes']);
      expect(await stores.accounts.migrateUp()).toEqual(['001_add_indexes']);
      expect(await indexNames('users')).toEqual(['_id_', 'email']);
      await works(stores);
      // The unique email index is back in force.
      await stores.accounts.createUser({ email: 'twice@example.com', passwordHash: 'h', role: 'user' });
      await expect(
        stores.accounts.createUser({ email: 'twice@example.com', passwordHash: 'h', role: 'user' }),
      ).rejects.toMatchObject({ reason: 'email-taken' });
    } finally {
      await stores.close();
      await client.close();
    }
  });

  it('the migrate command runs against MONGODB_URI', async () => {
    const { uri } = await double.get();
    const out: string[] = [];
    const env = { MONGODB_URI: uri.replace('/taskmaster?', '/taskmaster_cli?'), MONGODB_MIN_POOL_SIZE: '0' };
    await runMigrateCli(['up'], env, (text) => out.push(text));
    await runMigrateCli(['down', '--store', 'documents'], env, (text) => out.push(text));
    await runMigrateCli(['status'], env, (text) => out.push(text));
    expect(out.join('')).toContain('mongodb documents: applied 001_add_indexes');
    expect(out.join('')).toContain('mongodb documents: reverted 001_add_indexes');
    expect(out.join('')).toMatch(/documents\s+001_add_indexes\s+pending/);
    expect(out.join('')).toMatch(/accounts\s+001_add_indexes\s+\d{4}-/);
  });
});
