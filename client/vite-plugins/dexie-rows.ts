import type { Plugin } from 'vite';
import { rxdbModulePatch } from './rxdb-module-patch.ts';

/** The deep key rename RxDB's Dexie storage runs on every document it reads, and on every one it writes. */
const READ_RENAME = '  d = fromDexieToStorageField(d);\n';
const WRITE_RENAME = '  d = fromStorageToDexieField(d);\n';

/**
 * Stores and reads documents as they are, without RxDB's deep key rename. Dexie cannot index a field
 * whose name starts with `|`, so RxDB's Dexie storage copies every document, object by object, to
 * rename such keys to `__` on write, and every key starting with `__` back to `|` on read. No
 * TaskMaster document can have a key starting with `|` (every key is a schema field or matches an id
 * pattern, `[0-9a-zA-Z_-]`), so the rename never changes a key on the way in. On the way out it only
 * costs time (146 ms of the 10,000-task start-up read in Chromium here) and can do harm: a subtask id
 * that starts with `__` (allowed by the pattern, for example from an import) would come back as `|…`.
 * The top-level copy and the boolean-index conversion (`_deleted` is stored as '0'/'1') stay.
 */
export function dexieRowsAsStored(): Plugin {
  return rxdbModulePatch({
    name: 'taskmaster-dexie-rows-as-stored',
    module: 'dist/esm/plugins/storage-dexie/dexie-helper.js',
    patch: withRowsAsStored,
    missing: "RxDB's Dexie key rename",
    source: 'vite-plugins/dexie-rows.ts',
  });
}

/** The module's code without the two renames; unchanged unless both are there exactly once. */
export function withRowsAsStored(code: string): string {
  const once = (needle: string) => code.split(needle).length === 2;
  if (!once(READ_RENAME) || !once(WRITE_RENAME)) return code;
  return code.replace(READ_RENAME, '').replace(WRITE_RENAME, '');
}
