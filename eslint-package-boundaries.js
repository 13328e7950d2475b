import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));

/** Every folder with its own package.json (the workspaces), deepest first. */
function findPackageRoots(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    if (['dist', 'dist-lib', 'dev-dist', 'coverage'].includes(entry.name)) continue;
    const child = join(dir, entry.name);
    if (existsSync(join(child, 'package.json'))) found.push(child);
    findPackageRoots(child, found);
  }
  return found.sort((a, b) => b.length - a.length);
}

const roots = findPackageRoots(ROOT);

function packageOf(file) {
  return roots.find((root) => file === root || file.startsWith(root + sep)) ?? ROOT;
}

/**
 * `no-cross-package-relative-import`: a relative import whose target lies in another workspace
 * package is an error; packages reach each other by name (`@taskmaster/...`), through their entry.
 */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'forbid relative imports that cross a workspace package boundary' },
    messages: {
      crossing: "'{{source}}' reaches into {{target}} by a relative path; import it by its package name instead.",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const own = packageOf(file);
    const check = (node) => {
      const source = node?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const targetPackage = packageOf(target);
      if (targetPackage !== own) {
        context.report({
          node,
          messageId: 'crossing',
          data: { source, target: relative(ROOT, targetPackage) || 'the root' },
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export const packageBoundaries = { rules: { 'no-cross-package-relative-import': rule } };
