import type { Plugin } from 'vite';
import { rxdbModulePatch } from './rxdb-module-patch.ts';

/** The one statement that prints RxDB's upsell banner on the first write of a page. */
const BANNER = /console\.warn\(\['-+ RxDB Open Core RxStorage -+',[\s\S]*?\]\.join\('\\n'\)\);/;

/**
 * Removes the "RxDB Open Core RxStorage" upsell banner that storage-dexie prints to the console
 * of every page on its first write (it is not a warning about this app, and users and support read
 * that console). Only the log statement goes: the free storage works exactly as before. If an RxDB
 * upgrade changes the statement, the build fails here instead of letting the banner back silently.
 */
export function quietRxdbBanner(): Plugin {
  return rxdbModulePatch({
    name: 'taskmaster-quiet-rxdb-banner',
    module: 'dist/esm/plugins/storage-dexie/rx-storage-instance-dexie.js',
    patch: removeRxdbBanner,
    missing: "RxDB's upsell banner",
    source: 'vite-plugins/quiet-rxdb.ts',
  });
}

/** The module's code without the banner statement (unchanged if there is none). */
export function removeRxdbBanner(code: string): string {
  return code.replace(BANNER, '');
}
