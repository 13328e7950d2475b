import type { Plugin } from 'vite';

/**
 * A build-only plugin that rewrites one module of RxDB's ESM build with `patch`. If the patch finds
 * nothing to change (an RxDB upgrade moved the code it targets), the build fails with `missing`
 * instead of shipping without the patch.
 */
export function rxdbModulePatch(options: {
  name: string;
  /** The module's path inside the rxdb package, e.g. `dist/esm/plugins/storage-dexie/dexie-query.js`. */
  module: string;
  patch: (code: string) => string;
  /** What was not found, for the build error. */
  missing: string;
  /** This plugin's file, named in the build error. */
  source: string;
}): Plugin {
  const suffix = `/rxdb/${options.module}`;
  return {
    name: options.name,
    apply: 'build',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith(suffix)) return null;
      const patched = options.patch(code);
      if (patched === code) this.error(`${options.missing} was not found in ${id}: update ${options.source}`);
      return { code: patched, map: null };
    },
  };
}
