import { describe, expect, it } from 'vitest';
import type { SyncDoc } from '../collections/index.js';
import { TASK_MERGE_FIELDS } from '../collections/tasks.js';
import { encodeHlc } from './hlc.js';
import { encodeConflictValue, mergeDocs } from './merge.js';

type Doc = SyncDoc<'tasks'>;
const T0 = Date.UTC(2025, 0, 1);
const at = (offsetMs: number, node: string) => encodeHlc({ ms: T0 + offsetMs, counter: 0 }, node);
const FIELDS = TASK_MERGE_FIELDS;

function baseDoc(): Doc {
  const clock = at(0, 'base');
  return {
    id: 'task1',
    title: 'Buy milk',
    notes: '',
    status: 'todo',
    priority: 'none',
    dueDate: '',
    tags: [],
    listId: '',
    order: 1,
    completedAt: 0,
    createdAt: T0,
    updatedAt: T0,
    clocks: Object.fromEntries([...FIELDS, 'deleted'].map((f) => [f, clock])),
    conflicts: [],
    _deleted: false,
  };
}

const retitle = (from: Doc, title: string, clock: string): Doc => ({
  ...from,
  title,
  clocks: { ...from.clocks, title: clock },
  updatedAt: from.updatedAt + 1,
});

/** What a device's Restore writes: the logged value back under a new clock, and the value it replaces logged. */
function restore(from: Doc, clock: string): Doc {
  const [logged] = from.conflicts;
  const restored = retitle(from, JSON.parse(logged!.lostValue) as string, clock);
  return {
    ...restored,
    conflicts: [
      { field: 'title', lostValue: encodeConflictValue(from.title), lostClock: from.clocks.title!, winnerClock: clock },
    ],
  };
}

describe('merge: Restore of a logged value', () => {
  // Device a and device b retitle the same task offline; b's edit wins and a's title is logged.
  const base = baseDoc();
  const fromA = retitle(base, 'Buy oat milk', at(10, 'a'));
  const fromB = retitle(base, 'Buy almond milk', at(20, 'b'));
  const master = mergeDocs(mergeDocs(base, base, fromA, FIELDS).doc, base, fromB, FIELDS).doc;

  it("[R4] records the value a Restore replaced, so the other device's value can be brought back", () => {
    expect(master.title).toBe('Buy almond milk');
    expect(master.conflicts).toEqual([
      { field: 'title', lostValue: '"Buy oat milk"', lostClock: at(10, 'a'), winnerClock: at(20, 'b') },
    ]);
    const restoring = restore(master, at(30, 'a'));
    const { doc, recorded } = mergeDocs(master, master, restoring, FIELDS);
    expect(doc.title).toBe('Buy oat milk');
    // The restored entry is gone (the device had seen it) and the replaced value is logged instead.
    expect(doc.conflicts).toEqual([
      { field: 'title', lostValue: '"Buy almond milk"', lostClock: at(20, 'b'), winnerClock: at(30, 'a') },
    ]);
    expect(recorded).toEqual(doc.conflicts);

    // Bringing the other value back works the same way, and logs the restored one in turn.
    const back = mergeDocs(doc, doc, restore(doc, at(40, 'b')), FIELDS).doc;
    expect(back.title).toBe('Buy almond milk');
    expect(back.conflicts).toEqual([
      { field: 'title', lostValue: '"Buy oat milk"', lostClock: at(30, 'a'), winnerClock: at(40, 'b') },
    ]);
  });

  it('[R4] takes no entry the merge did not see replaced: a device cannot log anything else', () => {
    const restoring = restore(master, at(30, 'a'));
    const [entry] = restoring.conflicts;
    const forged = [
      { ...entry!, lostValue: '"Something never written"' },
      { ...entry!, lostClock: at(15, 'b') },
      { ...entry!, winnerClock: at(31, 'a') },
      { ...entry!, field: 'notes' },
    ];
    for (const conflict of forged) {
      const { doc, recorded } = mergeDocs(master, master, { ...restoring, conflicts: [conflict] }, FIELDS);
      expect(doc.title).toBe('Buy oat milk');
      expect(recorded).toEqual([]);
      expect(doc.conflicts).toEqual([]);
    }
  });

  it('[R4] a restore that reaches the server twice (a lost acknowledgement) logs once', () => {
    const restoring = restore(master, at(30, 'a'));
    const once = mergeDocs(master, master, restoring, FIELDS).doc;
    const twice = mergeDocs(once, master, restoring, FIELDS);
    expect(twice.doc.conflicts).toEqual(once.conflicts);
    expect(twice.recorded).toEqual([]);
  });
});
