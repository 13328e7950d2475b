import { describe, expect, it } from 'vitest';
import type { SyncDoc } from '../collections/index.js';
import { FIELD_LIMITS } from '../collections/limits.js';
import { TASK_MERGE_FIELDS, type Task } from '../collections/tasks.js';
import { encodeHlc, HybridLogicalClock } from './hlc.js';
import { mergeDocs } from './merge.js';
import { permutations, Prng } from '@taskmaster/shared-schema/testing';

type Doc = SyncDoc<'tasks'>;
type Field = (typeof TASK_MERGE_FIELDS)[number];
const T0 = Date.UTC(2025, 0, 1);
const at = (offsetMs: number, node: string, counter = 0) => encodeHlc({ ms: T0 + offsetMs, counter }, node);

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
    clocks: Object.fromEntries([...TASK_MERGE_FIELDS, 'deleted'].map((f) => [f, clock])),
    conflicts: [],
    _deleted: false,
  };
}

/** A device's edit of `from`: the given fields take new values and the clock `stamp`. */
function edit(from: Doc, stamp: string, patch: Partial<Pick<Task, Field>> & { _deleted?: boolean }): Doc {
  const clocks = { ...from.clocks };
  for (const key of Object.keys(patch)) clocks[key === '_deleted' ? 'deleted' : (key as Field)] = stamp;
  return { ...from, ...patch, clocks, updatedAt: from.updatedAt + 1 };
}

const merge = (master: Doc | undefined, assumed: Doc | undefined, incoming: Doc) =>
  mergeDocs(master, assumed, incoming, TASK_MERGE_FIELDS);

/** What must converge: values, clocks and the tombstone (not the conflict log order or updatedAt). */
function converged(doc: Doc) {
  const values = Object.fromEntries(TASK_MERGE_FIELDS.map((f) => [f, doc[f]]));
  return { id: doc.id, values, clocks: doc.clocks, _deleted: doc._deleted };
}

describe('mergeDocs (rule R4: per-field last-writer-wins by hybrid logical clock)', () => {
  it('stores a new document as pushed', () => {
    const doc = baseDoc();
    expect(merge(undefined, undefined, doc)).toEqual({ doc, recorded: [], changed: true });
  });

  it('[R4] concurrent edits to different fields both survive, in either order, without conflicts', () => {
    const base = baseDoc();
    const a = edit(base, at(10, 'devA'), { title: 'Buy oat milk' });
    const b = edit(base, at(5, 'devB'), { status: 'done', completedAt: T0 + 5 });
    for (const [first, second] of [
      [a, b],
      [b, a],
    ] as const) {
      const one = merge(base, base, first);
      const two = merge(one.doc, base, second);
      expect(two.doc.title).toBe('Buy oat milk');
      expect(two.doc.status).toBe('done');
      expect(two.doc.completedAt).toBe(T0 + 5);
      expect(two.doc.conflicts).toEqual([]);
      expect(two.changed).toBe(true);
    }
  });

  it('[R4] concurrent edits to one field: the greater clock wins and the loser is recorded', () => {
    const base = baseDoc();
    const a = edit(base, at(10, 'devA'), { title: 'From A' });
    const b = edit(base, at(20, 'devB'), { title: 'From B' });
    const expected = {
      field: 'title',
      lostValue: JSON.stringify('From A'),
      lostClock: a.clocks.title,
      winnerClock: b.clocks.title,
    };

    const aFirst = merge(merge(base, base, a).doc, base, b);
    expect(aFirst.doc.title).toBe('From B');
    expect(aFirst.doc.clocks.title).toBe(b.clocks.title);
    expect(aFirst.recorded).toEqual([expected]);
    expect(aFirst.doc.conflicts).toEqual([expected]);

    const bFirst = merge(merge(base, base, b).doc, base, a);
    expect(bFirst.doc.title).toBe('From B');
    expect(bFirst.recorded).toEqual([expected]);
    expect(bFirst.changed).toBe(true);
    expect(converged(bFirst.doc)).toEqual(converged(aFirst.doc));
  });

  it('[R4] the HLC, not the wall clock alone, decides: same millisecond ties break by counter then node', () => {
    const base = baseDoc();
    const a = edit(base, at(10, 'zzz', 0), { priority: 'high' });
    const b = edit(base, at(10, 'aaa', 1), { priority: 'low' });
    expect(merge(merge(base, base, a).doc, base, b).doc.priority).toBe('low');
    const c = edit(base, at(10, 'aaa', 0), { priority: 'urgent' });
    expect(merge(merge(base, base, a).doc, base, c).doc.priority).toBe('high');
  });

  it('concurrent edits that chose the same value are not reported as a conflict', () => {
    const base = baseDoc();
    const a = edit(base, at(10, 'devA'), { status: 'done' });
    const b = edit(base, at(20, 'devB'), { status: 'done' });
    const result = merge(merge(base, base, a).doc, base, b);
    expect(result.doc.conflicts).toEqual([]);
    expect(result.doc.clocks.status).toBe(b.clocks.status);
  });

  it('sequential edits of one field (the second device had seen the first) are not conflicts', () => {
    const base = baseDoc();
    const a = edit(base, at(10, 'devA'), { title: 'First' });
    const afterA = merge(base, base, a).doc;
    const b = edit(afterA, at(20, 'devB'), { title: 'Second' });
    const result = merge(afterA, afterA, b);
    expect(result.doc.title).toBe('Second');
    expect(result.recorded).toEqual([]);
    expect(result.doc.conflicts).toEqual([]);
  });

  it('a stale device that did not touch a field does not overwrite it', () => {
    const base = baseDoc();
    const afterA = merge(base, base, edit(base, at(10, 'devA'), { notes: 'details' })).doc;
    const stale = edit(base, at(30, 'devB'), { dueDate: '2025-02-01' });
    const result = merge(afterA, base, stale);
    expect(result.doc.notes).toBe('details');
    expect(result.doc.dueDate).toBe('2025-02-01');
    expect(result.doc.conflicts).toEqual([]);
  });

  it('[R4] a delete racing an edit: the tombstone merges like a field, the edit survives inside it', () => {
    const base = baseDoc();
    const del = edit(base, at(10, 'devA'), { _deleted: true });
    const change = edit(base, at(20, 'devB'), { title: 'Edited offline' });
    const one = merge(merge(base, base, del).doc, base, change).doc;
    const two = merge(merge(base, base, change).doc, base, del).doc;
    for (const doc of [one, two]) {
      expect(doc._deleted).toBe(true);
      expect(doc.title).toBe('Edited offline');
      expect(doc.conflicts).toEqual([]);
    }
    expect(converged(one)).toEqual(converged(two));
  });

  it('[R4] delete versus restore: the later tombstone clock wins and the loser is recorded', () => {
    const base = { ...baseDoc(), _deleted: true };
    const restore = edit(base, at(20, 'devA'), { _deleted: false });
    const deleteAgain = edit(base, at(30, 'devB'), { _deleted: true });
    const fresh = edit(base, at(10, 'devC'), { _deleted: false });
    // deleteAgain does not change the value, so it is not a conflict with the base...
    const r1 = merge(merge(base, base, restore).doc, base, deleteAgain);
    expect(r1.doc._deleted).toBe(true);
    expect(r1.recorded).toEqual([
      {
        field: 'deleted',
        lostValue: 'false',
        lostClock: restore.clocks.deleted,
        winnerClock: deleteAgain.clocks.deleted,
      },
    ]);
    // ...and the restore with the later clock wins over an earlier concurrent restore.
    const r2 = merge(merge(base, base, fresh).doc, base, restore);
    expect(r2.doc._deleted).toBe(false);
    expect(r2.doc.clocks.deleted).toBe(restore.clocks.deleted);
  });

  it('an idempotent re-push of the winning state changes nothing', () => {
    const base = baseDoc();
    const a = edit(base, at(10, 'devA'), { title: 'Once', tags: ['x'] });
    const once = merge(base, base, a).doc;
    const again = merge(once, base, a);
    expect(again.changed).toBe(false);
    expect(again.recorded).toEqual([]);
    expect(again.doc).toEqual(once);
  });

  it('a retried push of a losing edit (its ack was lost) records the conflict only once', () => {
    const base = baseDoc();
    const a = edit(base, at(10, 'devA'), { title: 'From A' });
    const b = edit(base, at(20, 'devB'), { title: 'From B' });
    const afterB = merge(base, base, b).doc;
    const first = merge(afterB, base, a);
    expect(first.doc.conflicts).toHaveLength(1);
    const retry = merge(first.doc, base, a);
    expect(retry.changed).toBe(false);
    expect(retry.doc.conflicts).toHaveLength(1);
  });

  it('a device dismisses the conflict notices it had seen, but cannot erase ones it never saw', () => {
    const base = baseDoc();
    const seen = { field: 'title', lostValue: '"x"', lostClock: at(1, 'devX'), winnerClock: at(2, 'devY') };
    const unseen = { field: 'notes', lostValue: '"y"', lostClock: at(3, 'devX'), winnerClock: at(4, 'devY') };
    const master = { ...base, conflicts: [seen, unseen] };
    const assumed = { ...base, conflicts: [seen] };
    const result = merge(master, assumed, { ...assumed, conflicts: [] });
    expect(result.changed).toBe(true);
    expect(result.doc.conflicts).toEqual([unseen]);
  });

  it('keeps at most the configured number of conflict entries, dropping the oldest', () => {
    let master = baseDoc();
    const base = baseDoc();
    for (let i = 1; i <= FIELD_LIMITS.conflictEntries + 3; i++) {
      master = merge(master, base, edit(base, at(i * 2, `dev${i}`), { title: `t${i}` })).doc;
    }
    expect(master.conflicts).toHaveLength(FIELD_LIMITS.conflictEntries);
    expect(master.conflicts.at(-1)!.lostValue).toBe(JSON.stringify(`t${FIELD_LIMITS.conflictEntries + 2}`));
    expect(master.title).toBe(`t${FIELD_LIMITS.conflictEntries + 3}`);
  });
});

// ----- property: merge order does not matter -----------------------------------------------------

const TITLES = ['a', 'b', 'c'];
const TAG_SETS = [[], ['x'], ['x', 'y'], ['y']];
const STATUSES = ['todo', 'in-progress', 'done'] as const;
const PROPERTY_FIELDS = ['title', 'status', 'tags', 'order', '_deleted'] as const;

function randomPatch(random: Prng, fields: readonly (typeof PROPERTY_FIELDS)[number][]) {
  const patch: Partial<Pick<Task, Field>> & { _deleted?: boolean } = {};
  for (const field of fields) {
    if (field === 'title') patch.title = random.pick(TITLES);
    else if (field === 'status') patch.status = random.pick(STATUSES);
    else if (field === 'tags') patch.tags = [...random.pick(TAG_SETS)];
    else if (field === 'order') patch.order = random.int(0, 2);
    else patch._deleted = random.chance(0.5);
  }
  return patch;
}

interface Row {
  assumed: Doc;
  incoming: Doc;
}

/**
 * Offline edits on several devices. Each device's wall clock is random within a few ms of the
 * others (many same-millisecond ties), and a device may have seen another device's edit first.
 */
function randomRows(random: Prng, devices: number, commonBase: boolean): Row[] {
  const base = baseDoc();
  const rows: Row[] = [];
  for (let d = 0; d < devices; d++) {
    let wall = T0 + random.int(1, 4);
    const clock = new HybridLogicalClock(`dev${d}`, () => wall);
    const assumed = commonBase || rows.length === 0 || random.chance(0.5) ? base : random.pick(rows).incoming;
    for (const row of rows) if (row.incoming === assumed) clock.receive(Object.values(assumed.clocks).sort().at(-1));
    const fields = random.subset(PROPERTY_FIELDS, 0.4);
    if (fields.length === 0) fields.push(random.pick(PROPERTY_FIELDS));
    let incoming = edit(assumed, clock.now(), randomPatch(random, fields));
    if (random.chance(0.3)) {
      wall += random.int(0, 1);
      incoming = edit(incoming, clock.now(), randomPatch(random, [random.pick(PROPERTY_FIELDS)]));
    }
    rows.push({ assumed, incoming });
  }
  return rows;
}

function mergeInOrder(rows: Row[]): Doc {
  return rows.reduce((master, row) => merge(master, row.assumed, row.incoming).doc, baseDoc());
}

describe('mergeDocs properties (seeded)', () => {
  it('[R4] concurrent edits merged in every order converge to identical values, clocks and tombstone', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const random = new Prng(seed);
      const rows = randomRows(random, random.int(2, 5), false);
      const results = permutations(rows).map((order) => converged(mergeInOrder(order)));
      for (const result of results) {
        if (JSON.stringify(result) !== JSON.stringify(results[0])) {
          expect.fail(
            `seed ${seed}: merge order changed the result\n${JSON.stringify(results[0])}\n${JSON.stringify(result)}`,
          );
        }
      }
    }
  });

  it('[R4] each field ends with the value of its greatest clock', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const random = new Prng(seed);
      const rows = randomRows(random, random.int(2, 5), false);
      const doc = mergeInOrder(random.shuffle(rows));
      for (const field of [...TASK_MERGE_FIELDS, 'deleted'] as const) {
        const winner = [baseDoc(), ...rows.map((r) => r.incoming)].reduce((best, d) =>
          (d.clocks[field] ?? '') > (best.clocks[field] ?? '') ? d : best,
        );
        expect(doc.clocks[field], `seed ${seed} ${field}`).toBe(winner.clocks[field]);
        const value = (d: Doc) => (field === 'deleted' ? d._deleted : d[field]);
        expect(value(doc), `seed ${seed} ${field}`).toEqual(value(winner));
      }
    }
  });

  it('[R4] nothing is silently dropped: every losing concurrent value is in the conflict log, in any order', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const random = new Prng(seed);
      // Three devices on a common base: at most 2 losers per field, so the log cap is never reached.
      const rows = randomRows(random, 3, true);
      for (const order of permutations(rows)) {
        const doc = mergeInOrder(order);
        // Value-level: a loser whose value equals an already logged loser is represented by that entry.
        const logged = new Set(doc.conflicts.map((c) => `${c.field}|${c.lostValue}`));
        for (const { incoming } of rows) {
          for (const field of [...PROPERTY_FIELDS.filter((f) => f !== '_deleted'), 'deleted'] as const) {
            const clock = incoming.clocks[field as Field | 'deleted'];
            if (clock === baseDoc().clocks.title || clock === doc.clocks[field as Field | 'deleted']) continue;
            const lost = field === 'deleted' ? incoming._deleted : incoming[field as Field];
            const final = field === 'deleted' ? doc._deleted : doc[field as Field];
            if (JSON.stringify(lost) === JSON.stringify(final)) continue;
            expect(
              logged.has(`${field}|${JSON.stringify(lost)}`),
              `seed ${seed}: ${field}@${clock} lost silently`,
            ).toBe(true);
          }
        }
      }
    }
  });

  it('re-pushing any already merged row afterwards changes nothing', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const random = new Prng(seed);
      const rows = randomRows(random, random.int(2, 4), true);
      const doc = mergeInOrder(rows);
      for (const row of rows) {
        const again = merge(doc, row.assumed, row.incoming);
        expect(again.changed, `seed ${seed}`).toBe(false);
      }
    }
  });
});
