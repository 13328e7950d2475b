import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, type Alias, type Plugin } from 'vite';

const require = createRequire(import.meta.url);

/**
 * Resolve conditions for the production build: rxjs publishes an ES2015 module build under the
 * `es2015` condition and an ES5 one (class emulation + tslib helpers) as `default`; the app targets
 * ES2022, so take the modern one (about 1.5 KB gzip less on the critical path).
 */
export const leanConditions = [...defaultClientConditions, 'es2015'];

/**
 * Dexie's package entry re-exports its ES5 UMD bundle (through a wrapper that guards against two
 * copies of Dexie); the app bundles exactly one Dexie, so use its modern ES module build instead.
 */
export const leanAliases: Alias[] = [
  { find: /^dexie$/, replacement: join(dirname(require.resolve('dexie/package.json')), 'dist/modern/dexie.min.mjs') },
];

const NATIVE_CHOOSER = '\0taskmaster:broadcast-channel-native-chooser';

/**
 * RxDB's multi-instance support uses the `broadcast-channel` package, which bundles three fallbacks
 * (IndexedDB polling, localStorage events, an in-process simulation) for browsers without the native
 * `BroadcastChannel`. Every browser that runs this ES2022 build has it (Safari since 15.4), so the
 * method chooser is replaced by one that only knows the native method (about 3.5 KB gzip).
 */
export function nativeBroadcastChannelOnly(): Plugin {
  return {
    name: 'taskmaster-native-broadcast-channel',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './method-chooser.js' && importer?.includes('/broadcast-channel/dist/esbrowser/'))
        return `${NATIVE_CHOOSER}:${join(dirname(importer), 'methods', 'native.js')}`;
      return null;
    },
    load(id) {
      if (!id.startsWith(`${NATIVE_CHOOSER}:`)) return null;
      const native = id.slice(NATIVE_CHOOSER.length + 1);
      return `import { NativeMethod } from ${JSON.stringify(native)};
export function chooseMethod(options) {
  const methods = [].concat(options.methods, [NativeMethod]).filter(Boolean);
  const method = options.type ? methods.find((m) => m.type === options.type) : methods.find((m) => m.canBeUsed());
  if (!method) throw new Error('broadcast-channel: no usable method (this build only bundles the native BroadcastChannel)');
  return method;
}
`;
    },
  };
}

const MANGO_MATCHER = fileURLToPath(new URL('../sync-engine/src/db/mango-matcher.ts', import.meta.url));
const RXDB_QUERY_HELPER = '/rxdb/dist/esm/rx-query-helper.js';

/**
 * RxDB matches selectors and compares sort keys with mingo (about 8 KB gzip on the critical path, most
 * of it pipeline, projection and expression machinery RxDB never calls). The browser build resolves
 * RxDB's two imports of it (`./rx-query-mingo.js` and `mingo/util` in `rx-query-helper.js`) to the
 * engine's `mango-matcher.ts`, which implements the same operators with mingo's semantics and is
 * checked against mingo by its unit test. Node (tests, the simulation) keeps mingo.
 */
export function mangoMatcherForRxdb(): Plugin {
  return {
    name: 'taskmaster-mango-matcher',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer?.replaceAll('\\', '/').endsWith(RXDB_QUERY_HELPER)) return null;
      return source === './rx-query-mingo.js' || source === 'mingo/util' ? MANGO_MATCHER : null;
    },
  };
}
