import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { withBulkRead } from '../vite-plugins/dexie-bulk-read';
import { withRowsAsStored } from '../vite-plugins/dexie-rows';

const require = createRequire(import.meta.url);
const dexieQuery = join(dirname(require.resolve('rxdb/package.json')), 'dist/esm/plugins/storage-dexie/dexie-query.js');

describe('the build’s bulk read in RxDB’s Dexie query', () => {
  it('patches the installed RxDB exactly once, into valid JavaScript that reads unlimited queries with getAll', () => {
    const code = readFileSync(dexieQuery, 'utf8');
    const patched = withBulkRead(code);
    expect(patched).not.toBe(code);
    expect(patched.match(/index\.getAll\(keyRange, 20000\)/g)).toHaveLength(1);
    // The cursor is still there for queries with a limit (it stops once it has skip + limit rows).
    expect(patched).toContain('index.openCursor(keyRange)');
    const { diagnostics } = ts.transpileModule(patched, {
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, allowJs: true },
      fileName: 'dexie-query.js',
    });
    expect(diagnostics ?? []).toEqual([]);
  });
});

const dexieHelper = join(
  dirname(require.resolve('rxdb/package.json')),
  'dist/esm/plugins/storage-dexie/dexie-helper.js',
);

describe('the build’s Dexie rows stored and read as they are', () => {
  it('removes exactly the two deep key renames from the installed RxDB, leaving valid JavaScript', () => {
    const code = readFileSync(dexieHelper, 'utf8');
    const patched = withRowsAsStored(code);
    expect(patched).not.toBe(code);
    expect(code.length - patched.length).toBe(
      '  d = fromDexieToStorageField(d);\n'.length + '  d = fromStorageToDexieField(d);\n'.length,
    );
    expect(patched).not.toMatch(/d = from(DexieToStorage|StorageToDexie)Field\(d\)/);
    // The boolean-index conversion of `_deleted` stays in both directions.
    expect(patched.match(/booleanIndexes\.forEach/g)).toHaveLength(2);
    const { diagnostics } = ts.transpileModule(patched, {
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, allowJs: true },
      fileName: 'dexie-helper.js',
    });
    expect(diagnostics ?? []).toEqual([]);
  });

  it('leaves a module without the renames unchanged, so the build fails instead of shipping unpatched', () => {
    expect(withRowsAsStored('export const x = 1;\n')).toBe('export const x = 1;\n');
  });
});
