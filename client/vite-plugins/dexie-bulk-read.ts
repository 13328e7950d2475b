import type { Plugin } from 'vite';
import { rxdbModulePatch } from './rxdb-module-patch.ts';

/** The statement that opens the index cursor RxDB's Dexie storage reads every query result with. */
const CURSOR_OPEN = 'var cursorReq = index.openCursor(keyRange);';

/** At most this many documents in one `getAll` (one IPC message); a larger result uses the cursor. */
export const BULK_READ_MAX = 20_000;

/**
 * Reads a query without a limit in one `IDBIndex.getAll()` instead of one cursor step per document.
 * Without a limit, RxDB's Dexie storage walks the whole key range anyway (it stops a cursor early
 * only when it has `skip + limit` rows), so `getAll` over the same index and key range returns the
 * same documents in the same order; they then go through the same conversion and matcher. At 10,000
 * tasks this is the list's start-up read (measured in Chromium here: 10,000 task-sized records,
 * getAll 0.86 s against the cursor's 1.23 s, medians of 7 on a loaded machine). A range holding
 * {@link BULK_READ_MAX} documents or more is read with the cursor as before, so one result never
 * becomes one huge message.
 */
const BULK_READ = `if (skipPlusLimit === Infinity) {
      var bulk = await new Promise((res, rej) => {
        var req = index.getAll(keyRange, ${BULK_READ_MAX});
        req.onsuccess = () => res(req.result);
        req.onerror = () => rej(req.error);
      });
      if (bulk.length < ${BULK_READ_MAX}) {
        for (var i = 0; i < bulk.length; i++) {
          var bulkDoc = fromDexieToStorage(state.booleanIndexes, bulk[i]);
          if (!queryMatcher || queryMatcher(bulkDoc)) rows.push(bulkDoc);
        }
        return;
      }
    }
    ${CURSOR_OPEN}`;

/**
 * Patches RxDB's Dexie query (browser build only) to read unlimited queries in bulk. If an RxDB
 * upgrade changes the statement, the build fails here instead of silently losing the patch.
 */
export function dexieBulkRead(): Plugin {
  return rxdbModulePatch({
    name: 'taskmaster-dexie-bulk-read',
    module: 'dist/esm/plugins/storage-dexie/dexie-query.js',
    patch: withBulkRead,
    missing: "RxDB's Dexie query cursor",
    source: 'vite-plugins/dexie-bulk-read.ts',
  });
}

/** The module's code with the bulk read in front of the cursor (unchanged if there is no cursor). */
export function withBulkRead(code: string): string {
  return code.includes(CURSOR_OPEN) ? code.replace(CURSOR_OPEN, BULK_READ) : code;
}
