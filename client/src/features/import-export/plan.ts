import type { ImportDoc } from '@taskmaster/sync-client/db';

/** Something in a file that is not imported, and why. */
export interface Skipped {
  /** Row of a CSV file, or position (1-based) in a JSON file's list. */
  row?: number;
  what: string;
  reason: string;
}

/** What an import will write, what it leaves out (with reasons), and remarks for the summary. */
export interface ImportPlan {
  tasks: ImportDoc[];
  lists: ImportDoc[];
  skipped: Skipped[];
  notes: string[];
}

/** A file that cannot be imported at all; `reason` is a kebab-case code, `message` is for people. */
export class ImportFileError extends Error {
  constructor(
    readonly reason: 'not-json' | 'unknown-format' | 'unsupported-version' | 'invalid-export' | 'not-todoist-csv',
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** A short, stable, id-safe hash (FNV-1a, base 36), so the same source row always gets the same id. */
export function stableId(prefix: string, ...parts: string[]): string {
  let hash = 0x811c9dc5;
  let hash2 = 0x01000193;
  for (const char of parts.join('\u0000')) {
    const code = char.codePointAt(0)!;
    hash = Math.imul(hash ^ code, 0x01000193) >>> 0;
    hash2 = Math.imul(hash2 ^ code, 0x85ebca6b) >>> 0;
  }
  return `${prefix}${hash.toString(36)}${hash2.toString(36)}`;
}
