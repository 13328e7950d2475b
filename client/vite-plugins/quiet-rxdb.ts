import type { Plugin } from 'vite';

const DEXIE_INSTANCE = '/rxdb/dist/esm/plugins/storage-dexie/rx-storage-instance-dexie.js';
/** The one statement that prints RxDB's upsell banner on the first write of a page. */
const BANNER = /console\.warn\(\['-+ RxDB Open Core RxStorage -+',[\s\S]*?\]\.join\('\\n'\)\);/;

/**
 * Removes the "RxDB Open Core RxStorage" upsell banner that storage-dexie prints to the console
 * of every page on its first write (it is not a warning about this app, and users and support read
 * that console). Only the log statement goes: the free storage works exactly as before. If an RxDB
 * upgrade changes the statement, the build fails here instead of letting the banner back silently.
 */
export function quietRxdbBanner(): Plugin {
  return {
    name: 'taskmaster-quiet-rxdb-banner',
    apply: 'build',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith(DEXIE_INSTANCE)) return null;
      const quiet = removeRxdbBanner(code);
      if (quiet === code) this.error(`RxDB's upsell banner was not found in ${id}: update vite-plugins/quiet-rxdb.ts`);
      return { code: quiet, map: null };
    },
  };
}

/** The module's code without the banner statement (unchanged if there is none). */
export function removeRxdbBanner(code: string): string {
  return code.replace(BANNER, '');
}
