import { useEffect, useState } from 'react';

/** Rows in the first paint: more than any screen shows, few enough to render at once on a slow phone. */
export const FIRST_PAINT_ROWS = 40;
/** Rows rendered right after the first paint; beyond that the user asks for the rest. */
export const EAGER_ROWS = 400;

/**
 * Renders a long list in steps: the first screenful commits immediately (so the tasks are on screen
 * fast after a reload), the next rows right after the browser has painted, and very long lists
 * (thousands of tasks after a full sync) only on request.
 */
export function useRenderLimit(total: number) {
  const [limit, setLimit] = useState(FIRST_PAINT_ROWS);
  useEffect(() => {
    if (limit >= EAGER_ROWS || total <= limit) return undefined;
    let timer = 0;
    const frame = window.requestAnimationFrame(() => {
      timer = window.setTimeout(() => setLimit(EAGER_ROWS), 0);
    });
    return () => {
      window.cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [limit, total]);
  return { limit, showAll: () => setLimit(Number.POSITIVE_INFINITY) };
}
