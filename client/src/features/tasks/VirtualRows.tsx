import {
  cloneElement,
  createContext,
  isValidElement,
  useContext,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ReactElement,
  type RefObject,
} from 'react';
import {
  Virtualizer,
  type CustomContainerComponentProps,
  type CustomItemComponentProps,
  type VirtualizerHandle,
} from 'virtua';

/** Class name and label of the `<ul>` the virtualizer renders as its container. */
const ContainerProps = createContext<{ className: string; label: string }>({ className: 'tasks', label: 'Tasks' });

/** The virtualizer's container is the list itself, so rows stay `<li>` children of a `<ul>`. */
function TasksContainer({ style, children, ref }: CustomContainerComponentProps) {
  const { className, label } = useContext(ContainerProps);
  return (
    <ul className={`${className} tasks--virtual`} aria-label={label} style={style} ref={ref}>
      {children}
    </ul>
  );
}

interface SlotProps {
  style?: CustomItemComponentProps['style'];
  ref?: CustomItemComponentProps['ref'];
}

/** Each row renders its own `<li>`: the virtualizer's placement style and measuring ref go onto it. */
function RowSlot({ style, children, ref }: CustomItemComponentProps) {
  return isValidElement<SlotProps>(children) ? cloneElement(children, { style, ref }) : null;
}

/** The scrolling main pane around the list, and the list's offset from the top of its content. */
function useScrollParent(anchorRef: RefObject<HTMLElement | null>) {
  const scrollRef = useRef<HTMLElement | null>(null);
  const [startMargin, setStartMargin] = useState<number | null>(null);
  useLayoutEffect(() => {
    const anchor = anchorRef.current;
    const parent = anchor?.closest<HTMLElement>('.main') ?? document.scrollingElement;
    if (!anchor || !(parent instanceof HTMLElement)) return undefined;
    scrollRef.current = parent;
    const measure = () => {
      const offset = anchor.getBoundingClientRect().top - parent.getBoundingClientRect().top + parent.scrollTop;
      setStartMargin(Math.round(offset));
    };
    measure();
    // The toolbar, banners and the quick-add preview above the list change height.
    const observer = new ResizeObserver(measure);
    if (parent.firstElementChild) observer.observe(parent.firstElementChild);
    return () => observer.disconnect();
  }, [anchorRef]);
  return { scrollRef, startMargin };
}

/**
 * Keyboard navigation selects rows that may not be rendered: when the selection changes to a row
 * outside the rendered range, bring it into view, then give it the focus if the focus was in the
 * list (the user is moving through it). A selected row that moves away (completed, it sinks to the
 * end) is not followed.
 */
function useFollowSelection(
  handle: RefObject<VirtualizerHandle | null>,
  anchorRef: RefObject<HTMLElement | null>,
  ids: readonly string[],
  selectedId: string | null,
) {
  const idsRef = useRef(ids);
  idsRef.current = ids;
  useEffect(() => {
    const virtualizer = handle.current;
    const list = anchorRef.current;
    const index = selectedId ? idsRef.current.indexOf(selectedId) : -1;
    if (!virtualizer || !list || index < 0) return undefined;
    const rowOf = () =>
      Array.from(list.querySelectorAll<HTMLElement>('li[data-task-id]')).find((el) => el.dataset.taskId === selectedId);
    if (rowOf()) return undefined;
    const focusWasInList = document.activeElement === document.body || list.contains(document.activeElement);
    virtualizer.scrollToIndex(index, { align: 'nearest' });
    if (!focusWasInList) return undefined;
    const frame = requestAnimationFrame(() => rowOf()?.querySelector<HTMLElement>('.task__check')?.focus());
    return () => cancelAnimationFrame(frame);
  }, [handle, anchorRef, selectedId]);
}

export interface VirtualRowsProps<T> {
  items: readonly T[];
  ids: readonly string[];
  renderRow: (item: T, index: number) => ReactElement;
  className: string;
  label: string;
  /** An element just around the list, inside the scrolling main pane. */
  anchorRef: RefObject<HTMLElement | null>;
  selectedId: string | null;
}

/**
 * The long-list renderer: only the rows in and near the viewport are in the DOM (virtua, measured
 * row heights). Loaded as its own chunk once a list is longer than a screenful, so it costs nothing
 * on the critical path.
 */
export function VirtualRows<T>({
  items,
  ids,
  renderRow,
  className,
  label,
  anchorRef,
  selectedId,
}: VirtualRowsProps<T>) {
  const handle = useRef<VirtualizerHandle | null>(null);
  const { scrollRef, startMargin } = useScrollParent(anchorRef);
  useFollowSelection(handle, anchorRef, ids, selectedId);
  if (startMargin === null) return null;
  return (
    <ContainerProps.Provider value={{ className, label }}>
      <Virtualizer
        ref={handle}
        data={items}
        as={TasksContainer}
        item={RowSlot}
        scrollRef={scrollRef}
        startMargin={startMargin}
        itemSize={58}
      >
        {renderRow}
      </Virtualizer>
    </ContainerProps.Provider>
  );
}
