import { TaskmasterError } from '@taskmaster/shared-schema';
import { MAX_PAGE_SIZE } from './account-store.js';

/**
 * Opaque cursors for paged listings: base64url of a tagged JSON value, so a cursor from one listing
 * is refused by another, and nothing from a request is ever used as anything but a string or number.
 */
export function encodeCursor(kind: 'user' | 'audit', value: string | number): string {
  return Buffer.from(JSON.stringify([kind, value])).toString('base64url');
}

function decode(kind: 'user' | 'audit', cursor: string): unknown {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === kind) return parsed[1];
  } catch {
    // fall through to the typed error
  }
  throw new TaskmasterError('invalid-payload', 'cursor is not valid for this listing');
}

/** The email after which a user listing continues. */
export function decodeUserCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const value = decode('user', cursor);
  if (typeof value !== 'string') throw new TaskmasterError('invalid-payload', 'cursor is not valid for this listing');
  return value;
}

/** The audit sequence number below which an audit listing continues. */
export function decodeAuditCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const value = decode('audit', cursor);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TaskmasterError('invalid-payload', 'cursor is not valid for this listing');
  }
  return value;
}

/** `limit` clamped to 1..MAX_PAGE_SIZE. */
export function pageSize(limit: number): number {
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(limit)));
}

/**
 * The smallest string greater than every string starting with `prefix` (for `>= prefix AND < bound`
 * range scans), or undefined when there is none. Range scans keep prefix search on the email index
 * and out of regular expressions.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const code = prefix.charCodeAt(i);
    if (code < 0xffff) return prefix.slice(0, i) + String.fromCharCode(code + 1);
  }
  return undefined;
}

/** Splits one extra fetched row off a page and builds the cursor of the next page from the last item. */
export function toPage<T>(
  rows: T[],
  size: number,
  cursorOf: (item: T) => string,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, size);
  return { items, nextCursor: rows.length > size ? cursorOf(items.at(-1)!) : null };
}
