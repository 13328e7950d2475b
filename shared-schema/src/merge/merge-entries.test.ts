import { describe, expect, it } from 'vitest';
import type { ConflictRecord } from '../collections/limits.js';
import { encodeHlc } from './hlc.js';
import { mergeDocs } from './merge.js';

interface Sub {
  title: string;
  done: boolean;
  order: number;
  removed: boolean;
}
interface Doc {
  id: string;
  _deleted: boolean;
  updatedAt: number;
  title: string;
  subtasks: Record<string, Sub>;
  clocks: Partial<Record<string, string>>;
  conflicts: ConflictRecord[];
}

const T0 = Date.UTC(2026, 11, 1);
const at = (ms: number, node: string) => encodeHlc({ ms: T0 + ms, counter: 0 }, node);
const FIELDS = ['title'] as const;

function base(): Doc {
  const c = at(0, 'base');
  const sub = (title: string, order: number): Sub => ({ title, done: false, order, removed: false });
  const subtasks = { a: sub('Passport', 1), b: sub('Tickets', 2) };
  const clocks: Record<string, string> = { title: c, deleted: c };
  for (const id of Object.keys(subtasks))
    for (const part of ['title', 'done', 'order', 'removed']) clocks[`subtasks.${id}.${part}`] = c;
  return { id: 't', _deleted: false, updatedAt: T0, title: 'Trip', subtasks, clocks, conflicts: [] };
}

/** A device's edit: set `part` of subtask `id` (creating it if new) with clock `stamp`. */
function editSub(from: Doc, stamp: string, id: string, patch: Partial<Sub>): Doc {
  const current = from.subtasks[id] ?? { title: '', done: false, order: 0, removed: false };
  const clocks = { ...from.clocks };
  const entry = { ...current, ...patch };
  for (const part of from.subtasks[id] ? Object.keys(patch) : Object.keys(entry))
    clocks[`subtasks.${id}.${part}`] = stamp;
  return { ...from, subtasks: { ...from.subtasks, [id]: entry }, clocks, updatedAt: from.updatedAt + 1 };
}

describe('[R4] map entries (subtasks) merge per entry and per part', () => {
  it('[R4] concurrent edits to different subtasks, and a new subtask, all survive in any order', () => {
    const start = base();
    const fromA = editSub(start, at(10, 'A'), 'a', { done: true });
    const fromB = editSub(editSub(start, at(11, 'B'), 'b', { title: 'Train tickets' }), at(12, 'B'), 'c', {
      title: 'Insurance',
      order: 3,
    });
    const ab = mergeDocs(mergeDocs(start, start, fromA, FIELDS).doc, start, fromB, FIELDS).doc;
    const ba = mergeDocs(mergeDocs(start, start, fromB, FIELDS).doc, start, fromA, FIELDS).doc;
    expect(ab.subtasks).toEqual(ba.subtasks);
    expect(ab.clocks).toEqual(ba.clocks);
    expect(ab.subtasks).toEqual({
      a: { title: 'Passport', done: true, order: 1, removed: false },
      b: { title: 'Train tickets', done: false, order: 2, removed: false },
      c: { title: 'Insurance', done: false, order: 3, removed: false },
    });
    expect(ab.conflicts).toEqual([]);
    expect(start.subtasks.a!.done).toBe(false); // the master state is never mutated
  });

  it('[R4] concurrent edits to different parts of one subtask both survive; a removal wins over nothing', () => {
    const start = base();
    const fromA = editSub(start, at(10, 'A'), 'a', { done: true });
    const fromB = editSub(start, at(11, 'B'), 'a', { title: 'Passport + visa' });
    const fromC = editSub(start, at(12, 'C'), 'b', { removed: true });
    let doc = start;
    for (const incoming of [fromC, fromB, fromA]) doc = mergeDocs(doc, start, incoming, FIELDS).doc;
    expect(doc.subtasks.a).toEqual({ title: 'Passport + visa', done: true, order: 1, removed: false });
    expect(doc.subtasks.b!.removed).toBe(true);
  });

  it('[R4] the same part edited on two devices converges on the later clock and records the loser', () => {
    const start = base();
    const fromA = editSub(start, at(10, 'A'), 'a', { title: 'From A' });
    const fromB = editSub(start, at(20, 'B'), 'a', { title: 'From B' });
    const ab = mergeDocs(mergeDocs(start, start, fromA, FIELDS).doc, start, fromB, FIELDS);
    const ba = mergeDocs(mergeDocs(start, start, fromB, FIELDS).doc, start, fromA, FIELDS);
    expect(ab.doc.subtasks.a!.title).toBe('From B');
    expect(ba.doc.subtasks.a!.title).toBe('From B');
    expect(ab.doc.conflicts).toEqual([
      expect.objectContaining({ field: 'subtasks.a.title', lostValue: JSON.stringify('From A') }),
    ]);
    expect(ba.doc.conflicts).toEqual(ab.doc.conflicts);
  });

  it('a document without the map (an older schema) takes the entries it is sent', () => {
    const { subtasks: _none, ...older } = base();
    const master = { ...older, subtasks: undefined } as unknown as Doc;
    const incoming = editSub({ ...base(), subtasks: {} }, at(5, 'A'), 'x', { title: 'New' });
    const merged = mergeDocs(master, undefined, incoming, FIELDS).doc;
    expect(merged.subtasks).toEqual({ x: { title: 'New', done: false, order: 0, removed: false } });
  });
});
