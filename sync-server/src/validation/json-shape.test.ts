import { describe, expect, it } from 'vitest';
import { findJsonShapeProblem } from './json-shape.js';

describe('findJsonShapeProblem', () => {
  it('accepts ordinary documents', () => {
    expect(
      findJsonShapeProblem({ rows: [{ newDocumentState: { id: 'a', tags: ['x'], clocks: { title: 'c' } } }] }),
    ).toBe(undefined);
    expect(findJsonShapeProblem('text')).toBe(undefined);
    expect(findJsonShapeProblem(null)).toBe(undefined);
  });

  it('[S4] finds 60,000 nested arrays without recursion (no stack overflow)', () => {
    const deep = JSON.parse(`${'['.repeat(60_000)}${']'.repeat(60_000)}`) as unknown;
    expect(findJsonShapeProblem({ rows: [{ newDocumentState: { notes: deep } }] })).toMatch(
      /^nesting deeper than 32 levels at \/rows\/0\/newDocumentState\/notes/,
    );
  });

  it('[S8][R5] finds an own "__proto__" key, as JSON.parse creates it', () => {
    const payload = JSON.parse('{"rows":[{"newDocumentState":{"id":"a","__proto__":{"admin":true}}}]}') as unknown;
    expect(findJsonShapeProblem(payload)).toBe('a "__proto__" key at /rows/0/newDocumentState');
  });
});
