import {
  cloneElement,
  createContext,
  isValidElement,
  useContext,
  type ReactElement,
  type ReactNode,
  type RefObject,
} from 'react';
import { Virtualizer, type CustomContainerComponentProps, type CustomItemComponentProps } from 'virtua';
import type { VirtualizerHandle } from 'virtua';

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

export interface VirtualRowsProps<T> {
  items: readonly T[];
  renderRow: (item: T, index: number) => ReactElement;
  className: string;
  label: string;
  /** The element that scrolls (the main pane), and how far below its top the list starts. */
  scrollRef: RefObject<HTMLElement | null>;
  startMargin: number;
  handle: RefObject<VirtualizerHandle | null>;
  children?: ReactNode;
}

/**
 * The long-list renderer: only the rows in and near the viewport are in the DOM (virtua, measured
 * row heights). Loaded as its own chunk once a list is longer than a screenful, so it costs nothing
 * on the critical path.
 */
export function VirtualRows<T>({
  items,
  renderRow,
  className,
  label,
  scrollRef,
  startMargin,
  handle,
}: VirtualRowsProps<T>) {
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
