/**
 * Fractional manual ordering: a task dropped between two neighbours takes the midpoint of their
 * `order`, so a drag rewrites one document (one field, one clock) instead of renumbering the list,
 * and two devices reordering different tasks never conflict.
 */
export function orderBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return 0;
  if (before === undefined) return after! - 1;
  if (after === undefined) return before + 1;
  const mid = before + (after - before) / 2;
  // Doubles run out after ~50 halvings of one gap; falling back to an end keeps the move visible.
  return mid === before || mid === after ? after : mid;
}

/**
 * The new `order` for the item with `id` moved to `toIndex` within `items` (already in display order).
 * Returns undefined when the move changes nothing.
 */
export function orderForMove<T extends { id: string; order: number }>(
  items: readonly T[],
  id: string,
  toIndex: number,
): number | undefined {
  const fromIndex = items.findIndex((item) => item.id === id);
  if (fromIndex < 0 || fromIndex === toIndex) return undefined;
  const rest = items.filter((item) => item.id !== id);
  const index = Math.max(0, Math.min(toIndex, rest.length));
  return orderBetween(rest[index - 1]?.order, rest[index]?.order);
}

/** The `order` that puts a new task at the top of the manual order. */
export function orderForTop(items: readonly { order: number }[]): number {
  return items.length === 0 ? 0 : Math.min(...items.map((item) => item.order)) - 1;
}
