import { PROTOCOL_LIMITS, TaskmasterError } from '@taskmaster/shared-schema';
import { benchTask, mulberry32 } from '@taskmaster/shared-schema/testing';
import { describe, expect, it } from 'vitest';
import { DocValidator, jsonBytesUpperBound } from './doc-validator.js';

const exactBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Strings that stress JSON escaping and UTF-8: controls, quotes, lone surrogates, astral pairs. */
const NASTY = ['', '"', '\\', '\u0000', '\u001f', '\n\t', '\ud800', '\udfff', '😀', 'é', '\u2028', '€'];

function randomJson(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 4 ? 5 : 7));
  switch (pick) {
    case 0:
      return Array.from({ length: Math.floor(random() * 4) }, () => NASTY[Math.floor(random() * NASTY.length)]).join(
        String.fromCharCode(Math.floor(random() * 0xffff)),
      );
    case 1:
      return [0, -0, 1e21, -1.7976931348623157e308, 5e-324, 0.1 + 0.2, NaN, Infinity][Math.floor(random() * 8)];
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return undefined;
    case 5:
      return Array.from({ length: Math.floor(random() * 5) }, () => randomJson(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 5) }, (_, i) => [
          `${NASTY[Math.floor(random() * NASTY.length)]}k${i}`,
          randomJson(random, depth + 1),
        ]),
      );
  }
}

describe('jsonBytesUpperBound', () => {
  it('never undercounts the serialized UTF-8 size (seeded random JSON values)', () => {
    const random = mulberry32(11);
    for (let i = 0; i < 5000; i++) {
      const value = { v: randomJson(random) };
      expect(jsonBytesUpperBound(value, Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(exactBytes(value));
    }
  });

  it('gives up (Infinity) past the budget, for non-plain data and for deep nesting', () => {
    expect(jsonBytesUpperBound({ title: 'x'.repeat(1000) }, 1000)).toBe(Infinity);
    expect(jsonBytesUpperBound({ when: new Date(0) }, 1e9)).toBe(Infinity);
    expect(jsonBytesUpperBound({ n: 1n }, 1e9)).toBe(Infinity);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(jsonBytesUpperBound(deep, 1e9)).toBe(Infinity);
  });

  it('is far below the document limit for a realistic task, so no serialization happens', () => {
    const doc = { ...benchTask('t1', '000000000-0000-node', 1), _deleted: false };
    expect(jsonBytesUpperBound(doc, PROTOCOL_LIMITS.maxDocBytes)).toBeLessThan(PROTOCOL_LIMITS.maxDocBytes / 4);
  });
});

describe('DocValidator.check size limit', () => {
  const validator = new DocValidator();
  const base = { ...benchTask('t1', '000000000-0000-node', 1), _deleted: false };

  it('still refuses an oversized document with its exact size', () => {
    const doc = { ...base, notes: 'é'.repeat(PROTOCOL_LIMITS.maxDocBytes / 2) };
    let error: unknown;
    try {
      validator.check('tasks', doc, 'doc');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TaskmasterError);
    expect((error as TaskmasterError).reason).toBe('payload-too-large');
    expect((error as Error).message).toContain(`is ${exactBytes(doc)} bytes`);
  });

  it('decides at the exact byte boundary, not at the bound', () => {
    // A document whose bound is over the limit but whose real size is under it passes the size check
    // (and then fails only on the schema's field limits, which are tighter).
    const doc = { ...base, extra: 'a'.repeat(PROTOCOL_LIMITS.maxDocBytes / 3) };
    expect(jsonBytesUpperBound(doc, PROTOCOL_LIMITS.maxDocBytes)).toBe(Infinity);
    expect(exactBytes(doc)).toBeLessThan(PROTOCOL_LIMITS.maxDocBytes);
    expect(() => validator.check('tasks', doc, 'doc')).toThrow(/schema/);
  });
});
