import { describe, expect, it } from 'vitest';
import { orderBetween, orderForMove, orderForTop } from './ordering';

describe('fractional ordering', () => {
  it('puts an item between, before or after its neighbours', () => {
    expect(orderBetween(1, 2)).toBe(1.5);
    expect(orderBetween(undefined, 2)).toBe(1);
    expect(orderBetween(5, undefined)).toBe(6);
    expect(orderBetween(undefined, undefined)).toBe(0);
  });

  it('computes the order for a move so only the moved item changes', () => {
    const items = [
      { id: 'a', order: 1 },
      { id: 'b', order: 2 },
      { id: 'c', order: 3 },
    ];
    expect(orderForMove(items, 'c', 0)).toBe(0);
    expect(orderForMove(items, 'a', 1)).toBe(2.5);
    expect(orderForMove(items, 'a', 2)).toBe(4);
    expect(orderForMove(items, 'b', 1)).toBeUndefined();
  });

  it('places new tasks on top', () => {
    expect(orderForTop([{ order: 3 }, { order: -2 }])).toBe(-3);
    expect(orderForTop([])).toBe(0);
  });
});
