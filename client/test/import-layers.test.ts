// @vitest-environment node
import { execFileSync } from 'node:child_process';
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
});
