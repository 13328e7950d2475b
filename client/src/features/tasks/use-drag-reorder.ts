import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
  type RefObject,
} from 'react';

export interface DragState {
  id: string;
  /** Insertion slot in the displayed list: 0 = before the first item, n = after the last. */
  slot: number;
}

/**
 * Pointer-based drag to reorder (mouse, pen and touch alike): the handle captures the pointer, the
 * slot under it is tracked against the rows' midpoints, and `onDrop(id, toIndex)` fires once on release.
 */
export function useDragReorder(
  listRef: RefObject<HTMLElement | null>,
  ids: readonly string[],
  onDrop: (id: string, toIndex: number) => void,
) {
  const [drag, setDrag] = useState<DragState | null>(null);
  const dragRef = useRef<DragState | null>(null);
  const idsRef = useRef(ids);
  idsRef.current = ids;

  // Rows may be virtualized (only those near the viewport are in the DOM, absolutely placed), so the
  // slot comes from the rows' own positions in the list (`data-index`), not from their DOM order.
  const slotAt = useCallback(
    (clientY: number): number => {
      const rows = Array.from(listRef.current?.querySelectorAll<HTMLElement>('li[data-index]') ?? []);
      let after = 0;
      for (const row of rows) {
        const rect = row.getBoundingClientRect();
        const index = Number(row.dataset.index);
        if (clientY < rect.top + rect.height / 2) return index;
        after = Math.max(after, index + 1);
      }
      return after;
    },
    [listRef],
  );

  useEffect(() => {
    if (!drag) return undefined;
    const move = (event: PointerEvent) => {
      const next = { id: drag.id, slot: slotAt(event.clientY) };
      if (next.slot !== dragRef.current?.slot) {
        dragRef.current = next;
        setDrag(next);
      }
    };
    const finish = (commit: boolean) => {
      const current = dragRef.current;
      dragRef.current = null;
      setDrag(null);
      if (!commit || !current) return;
      const from = idsRef.current.indexOf(current.id);
      const toIndex = current.slot > from ? current.slot - 1 : current.slot;
      if (from >= 0 && toIndex !== from) onDrop(current.id, toIndex);
    };
    const up = () => finish(true);
    const cancel = () => finish(false);
    const key = (event: KeyboardEvent) => {
      if (event.key === 'Escape') cancel();
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', cancel);
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', cancel);
      window.removeEventListener('keydown', key);
    };
    // Re-subscribe only when a drag starts or ends, not on every slot change.
  }, [drag?.id, slotAt, onDrop]);

  const start = useCallback((id: string, event: ReactPointerEvent<HTMLElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const index = idsRef.current.indexOf(id);
    const state = { id, slot: index };
    dragRef.current = state;
    setDrag(state);
  }, []);

  return { drag, start };
}
