// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const madgeBin = join(dirname(createRequire(import.meta.url).resolve('madge/package.json')), 'bin', 'cli.js');

describe('client import graph', () => {
  it('has no import circle (madge --circular over client/src)', () => {
    const out = execFileSync(
      process.execPath,
      [madgeBin, '--circular', '--json', '--no-spinner', '--extensions', 'ts,tsx', SRC],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const circles = JSON.parse(out.slice(out.indexOf('['))) as string[][];
    expect(circles.map((circle) => circle.join(' > '))).toEqual([]);
  }, 90_000);

  it('points one way: features/ and ui/ never import the app shell (app/)', () => {
    const offenders: string[] = [];
    for (const layer of ['features', 'ui']) {
      for (const entry of readdirSync(join(SRC, layer), { recursive: true, withFileTypes: true })) {
        // Tests may drive the app; the rule is about what ships.
        if (!entry.isFile() || !/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) continue;
        const file = join(entry.parentPath, entry.name);
        const text = readFileSync(file, 'utf8');
        if (/from '(\.\.\/)+app\/|import\('(\.\.\/)+app\//.test(text)) offenders.push(file.slice(SRC.length + 1));
      }
    }
    expect(offenders).toEqual([]);
  });
});
