import { taskSchema } from '@taskmaster/shared-schema';
import { getQueryMatcher, getSortComparator, type FilledMangoQuery, type RxJsonSchema } from 'rxdb/plugins/core';
import { describe, expect, it } from 'vitest';
import { compare, getMingoQuery, UnsupportedSelectorError } from './mango-matcher.js';

// RxDB's own matcher and comparator run mingo with the operators RxDB enables: the reference.
const schema = taskSchema as unknown as RxJsonSchema<never>;
const mingoMatcher = (selector: object) =>
  getQueryMatcher(schema, { selector, sort: [{ id: 'asc' }], skip: 0 } as unknown as FilledMangoQuery<never>) as (
    doc: unknown,
  ) => boolean;

function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof seeded>;

const SCALARS: readonly unknown[] = [0, 1, 2, -1, 1.5, 10, '', 'a', 'b', 'ab', '1', 'B', true, false, null];
const FIELDS = ['a', 'b', 'arr', 'n.x', 'n.y', 'objs.k', 'arr.0', 'n'];

function randomValue(rng: Rng, depth = 0): unknown {
  const roll = rng.int(10);
  if (depth < 2 && roll === 0) return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
  if (depth < 2 && roll === 1)
    return { x: randomValue(rng, depth + 1), ...(rng.int(2) ? { y: rng.pick(SCALARS) } : {}) };
  return rng.pick(SCALARS);
}

function randomDoc(rng: Rng): Record<string, unknown> {
  const doc: Record<string, unknown> = { id: `d${rng.int(1000)}` };
  for (const field of ['a', 'b', 'arr', 'n', 'objs']) {
    if (rng.int(5) === 0) continue; // missing
    if (field === 'arr') doc.arr = Array.from({ length: rng.int(4) }, () => randomValue(rng, 1));
    else if (field === 'n')
      doc.n = rng.int(4) === 0 ? randomValue(rng) : { x: randomValue(rng, 1), y: rng.pick(SCALARS) };
    else if (field === 'objs') doc.objs = Array.from({ length: rng.int(3) }, () => ({ k: randomValue(rng, 1) }));
    else doc[field] = randomValue(rng);
  }
  return doc;
}

function randomCondition(rng: Rng, depth: number): unknown {
  const value = () => (rng.int(6) === 0 ? randomValue(rng, 1) : rng.pick(SCALARS));
  switch (rng.int(depth > 1 ? 14 : 16)) {
    case 0:
      return value();
    case 1:
      return { $eq: value() };
    case 2:
      return { $ne: value() };
    case 3:
      return { $gt: value() };
    case 4:
      return { $gte: value(), $lte: value() };
    case 5:
      return { $lt: value() };
    case 6:
      return { $in: Array.from({ length: rng.int(3) }, value) };
    case 7:
      return { $nin: Array.from({ length: rng.int(3) }, value) };
    case 8:
      return { $exists: rng.int(2) === 0 };
    case 9:
      return { $regex: rng.pick(['^a', 'b$', '1', 'A']), ...(rng.int(2) ? { $options: 'i' } : {}) };
    case 10:
      return { $size: rng.int(3) };
    case 11:
      return { $type: rng.pick(['string', 'number', 'array', 'null', 'object', 'bool']) };
    case 12:
      return { $mod: [2, rng.int(2)] };
    case 13:
      return { $not: { $eq: value() } };
    case 14:
      return { $elemMatch: rng.int(2) ? { $gt: rng.pick(SCALARS) } : { k: rng.pick(SCALARS) } };
    default:
      return { $elemMatch: { $eq: rng.pick(SCALARS) } };
  }
}

function randomSelector(rng: Rng, depth = 0): Record<string, unknown> {
  const selector: Record<string, unknown> = {};
  const parts = 1 + rng.int(2);
  for (let i = 0; i < parts; i++) {
    if (depth < 2 && rng.int(5) === 0) {
      const op = rng.pick(['$and', '$or', '$nor']);
      selector[op] = Array.from({ length: 1 + rng.int(2) }, () => randomSelector(rng, depth + 1));
    } else {
      selector[rng.pick(FIELDS)] = randomCondition(rng, depth);
    }
  }
  return selector;
}

describe('mango matcher (the browser build’s stand-in for mingo)', () => {
  it('matches exactly what RxDB’s mingo matcher matches: 3,000 seeded random selectors × 40 documents', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const rng = seeded(seed);
      const selector = randomSelector(rng);
      const docs = Array.from({ length: 40 }, () => randomDoc(rng));
      const reference = mingoMatcher(selector);
      const ours = getMingoQuery(selector);
      for (const doc of docs) {
        const expected = reference(doc);
        if (ours.test(doc) !== expected) {
          throw new Error(
            `seed ${seed}: ${JSON.stringify(selector)} on ${JSON.stringify(doc)}: mingo says ${expected}`,
          );
        }
      }
    }
  });

  it('orders values of every type as RxDB’s sort comparator does (mingo’s compare)', () => {
    const rng = seeded(7);
    const values = [...SCALARS, undefined, ...Array.from({ length: 80 }, () => randomValue(rng))];
    const rxdbCompare = getSortComparator(schema, {
      selector: {},
      sort: [{ v: 'asc' }],
      skip: 0,
    } as unknown as FilledMangoQuery<never>) as (a: unknown, b: unknown) => number;
    for (const a of values) {
      for (const b of values) {
        // RxDB asks the comparator only for values that differ, and returns undefined for equal rows.
        const expected = a === b ? 0 : Math.sign(rxdbCompare({ v: a }, { v: b }) ?? 0);
        expect([JSON.stringify(a), JSON.stringify(b), Math.sign(compare(a, b))]).toEqual([
          JSON.stringify(a),
          JSON.stringify(b),
          expected,
        ]);
      }
    }
  });

  it('matches the selectors RxDB itself builds (checkpoints, deleted flag) like mingo', () => {
    const selectors = [
      { _deleted: { $eq: false } },
      {
        $or: [{ '_meta.lwt': { $gt: 5 } }, { '_meta.lwt': { $eq: 5 }, id: { $gt: 'b' } }],
        '_meta.lwt': { $gte: 5 },
      },
      { context: { $eq: 'collection' }, _deleted: { $eq: false } },
      { id: { $in: ['a', 'c'] } },
    ];
    const docs = ['a', 'b', 'c'].flatMap((id) =>
      [4, 5, 6].map((lwt) => ({ id, context: id === 'b' ? 'collection' : 'x', _deleted: lwt === 6, _meta: { lwt } })),
    );
    for (const selector of selectors) {
      const reference = mingoMatcher(selector);
      const ours = getMingoQuery(selector);
      expect(docs.map((d) => ours.test(d))).toEqual(docs.map((d) => reference(d)));
    }
  });

  it('refuses what RxDB’s mingo context refuses ($where, $expr, $all, unknown operators)', () => {
    for (const selector of [
      { $where: 'true' },
      { $expr: { $eq: [1, 1] } },
      { a: { $all: [1] } },
      { a: { $near: 1 } },
    ]) {
      expect(() => mingoMatcher(selector)).toThrow();
      expect(() => getMingoQuery(selector)).toThrow(UnsupportedSelectorError);
    }
  });
});
