import { useEffect, useState } from 'react';
import type { VirtualRows } from './VirtualRows';

/** Rows rendered without the virtualizer: more than any screen shows, cheap to render at once. */
export const PLAIN_ROWS = 50;
/** Rows of a long list shown before the virtualizer's chunk has loaded (the first paint). */
export const FIRST_PAINT_ROWS = 40;

type VirtualRowsComponent = typeof VirtualRows;
let loaded: VirtualRowsComponent | null = null;
let loading: Promise<VirtualRowsComponent> | null = null;

function loadVirtualRows(): Promise<VirtualRowsComponent> {
  loading ??= import('./VirtualRows').then((m) => (loaded = m.VirtualRows));
  loading.catch(() => (loading = null));
  return loading;
}

/**
 * How a list of `total` rows renders: short lists render every row; a long list renders its first
 * screenful at once (so the tasks are on screen fast after a reload) and then hands over to the
 * virtualizer, whose chunk loads after that first paint and keeps only the rows near the viewport
 * in the DOM. Returns the virtualizer component once it is there, else null, and how many rows to
 * render plainly meanwhile.
 */
export function useRenderLimit(total: number): { Virtual: VirtualRowsComponent | null; limit: number } {
  const long = total > PLAIN_ROWS;
  const [Virtual, setVirtual] = useState<VirtualRowsComponent | null>(() => loaded);
  useEffect(() => {
    if (!long || Virtual) return undefined;
    let cancelled = false;
    loadVirtualRows().then(
      (component) => {
        if (!cancelled) setVirtual(() => component);
      },
      // Offline without the chunk cached: the first rows stay on screen, nothing breaks.
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [long, Virtual]);
  if (!long) return { Virtual: null, limit: total };
  return { Virtual, limit: Virtual ? total : FIRST_PAINT_ROWS };
}
