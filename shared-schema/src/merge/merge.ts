import type { ConflictRecord } from '../collections/limits.js';
import { FIELD_LIMITS } from '../collections/limits.js';
import { jsonEqual } from './equal.js';

/** The parts of a replicated document that the merge reads: values, per-field clocks, conflict log. */
export interface MergeableDoc {
  id: string;
  _deleted: boolean;
  updatedAt: number;
  clocks: Partial<Record<string, string>>;
  conflicts: ConflictRecord[];
}

export interface MergeResult<D> {
  doc: D;
  /** Same-field conflicts decided by this merge (also appended to `doc.conflicts`). */
  recorded: ConflictRecord[];
  /** False when the incoming document changed nothing (an idempotent retry, or all fields lost). */
  changed: boolean;
}

/**
 * Entry fields: a clock key `field.entry.part` (e.g. `subtasks.k3x9.done`) stamps one part of one
 * entry of a map-valued field, so concurrent edits to different entries, or different parts of one
 * entry, both survive (R4). The schema's clock patterns say which paths a collection has.
 */
function entryPath(key: string): [string, string, string] | undefined {
  const parts = key.split('.');
  return parts.length === 3 && parts.every((p) => p !== '') ? (parts as [string, string, string]) : undefined;
}

type Entries = Record<string, Record<string, unknown>>;

function readField(doc: MergeableDoc, field: string): unknown {
  if (field === 'deleted') return doc._deleted;
  const record = doc as unknown as Record<string, unknown>;
  const path = entryPath(field);
  if (!path) return record[field];
  return (record[path[0]] as Entries | undefined)?.[path[1]]?.[path[2]];
}

function writeField(doc: Record<string, unknown>, field: string, value: unknown, copied: Set<string>): void {
  const path = entryPath(field);
  if (!path) {
    doc[field] = value;
    return;
  }
  const [name, entry, part] = path;
  // Copy the map and the entry once per merge, so the master's objects are never mutated.
  if (!copied.has(name)) {
    doc[name] = { ...((doc[name] as Entries | undefined) ?? {}) };
    copied.add(name);
  }
  const entries = doc[name] as Entries;
  if (!copied.has(`${name}.${entry}`)) {
    entries[entry] = { ...(entries[entry] ?? {}) };
    copied.add(`${name}.${entry}`);
  }
  entries[entry]![part] = value;
}

/** A value as the conflict log stores it: JSON, truncated to the log's limit with a trailing `…`. */
export function encodeConflictValue(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  const max = FIELD_LIMITS.conflictValueLength;
  return json.length <= max ? json : `${json.slice(0, max - 1)}…`;
}
const encodeLost = encodeConflictValue;

function sameRecord(a: ConflictRecord, b: ConflictRecord): boolean {
  return (
    a.field === b.field && a.lostClock === b.lostClock && a.winnerClock === b.winnerClock && a.lostValue === b.lostValue
  );
}

/**
 * Per-field last-writer-wins merge by hybrid logical clock (rule R4). Each field, and the tombstone,
 * takes the value with the greater clock, so the result does not depend on the order in which
 * devices' writes arrive. A field counts as a conflict when both sides changed it since the base the
 * device started from (`assumed`); the losing value is recorded in `conflicts` so it is never dropped
 * silently. `incoming` must already be schema-valid.
 */
export function mergeDocs<D extends MergeableDoc>(
  master: D | undefined,
  assumed: D | undefined,
  incoming: D,
  mergeFields: readonly string[],
): MergeResult<D> {
  if (!master) return { doc: incoming, recorded: [], changed: true };
  const paths = new Set(
    [...Object.keys(master.clocks), ...Object.keys(incoming.clocks)].filter((k) => entryPath(k) !== undefined),
  );
  const fields = [...mergeFields, 'deleted', ...[...paths].sort()];
  const doc = { ...master, clocks: { ...master.clocks } } as MergeableDoc & Record<string, unknown>;
  const copied = new Set<string>();
  const recorded: ConflictRecord[] = [];
  const key = (c: ConflictRecord) => `${c.field}|${c.lostClock}`;
  // A retried push (its acknowledgement was lost) must not log the same loss twice, and a losing
  // value the log already shows for that field adds nothing the user could act on.
  const logged = new Set(master.conflicts.flatMap((c) => [key(c), `${c.field}=${c.lostValue}`]));
  const record = (conflict: ConflictRecord) => {
    if (!logged.has(key(conflict)) && !logged.has(`${conflict.field}=${conflict.lostValue}`)) recorded.push(conflict);
  };
  let changed = false;
  for (const field of fields) {
    const masterClock = master.clocks[field] ?? '';
    const incomingClock = incoming.clocks[field] ?? '';
    if (incomingClock === masterClock) continue;
    const baseClock = assumed?.clocks[field] ?? '';
    const concurrent = incomingClock !== baseClock && masterClock !== baseClock && masterClock !== '';
    const masterValue = readField(master, field);
    const incomingValue = readField(incoming, field);
    if (incomingClock > masterClock) {
      changed = true;
      if (field === 'deleted') doc._deleted = incoming._deleted;
      else writeField(doc, field, incomingValue, copied);
      doc.clocks[field] = incomingClock;
      const replaced = (): ConflictRecord => ({
        field,
        lostValue: encodeLost(masterValue),
        lostClock: masterClock,
        winnerClock: incomingClock,
      });
      if (concurrent && !jsonEqual(masterValue, incomingValue)) {
        record(replaced());
      } else if (
        masterClock !== '' &&
        incoming.conflicts.some((c) => c.field === field && c.winnerClock === incomingClock)
      ) {
        // A restore (R4): the device put a logged value back with a new edit and, in the same write,
        // logged the value that edit replaces, so it can be brought back in turn. Taken only if it is
        // exactly what this merge sees replaced (field, value, both clocks): nothing else can be added.
        const restore = replaced();
        if (incoming.conflicts.some((c) => sameRecord(c, restore))) record(restore);
      }
    } else if (concurrent && incomingClock !== '' && !jsonEqual(masterValue, incomingValue)) {
      record({ field, lostValue: encodeLost(incomingValue), lostClock: incomingClock, winnerClock: masterClock });
    }
  }
  // A device dismisses conflict notices by removing entries it had seen (in `assumed`); entries it
  // never saw stay, so a stale device cannot erase a newer notice.
  const kept = new Set(incoming.conflicts.map(key));
  const dismissed = new Set((assumed?.conflicts ?? []).map(key).filter((k) => !kept.has(k)));
  const remaining = master.conflicts.filter((c) => !dismissed.has(key(c)));
  if (recorded.length > 0 || remaining.length !== master.conflicts.length) {
    changed = true;
    doc.conflicts = [...remaining, ...recorded].slice(-FIELD_LIMITS.conflictEntries);
  }
  if (changed) doc.updatedAt = Math.max(master.updatedAt, incoming.updatedAt);
  return { doc: doc as D, recorded, changed };
}
