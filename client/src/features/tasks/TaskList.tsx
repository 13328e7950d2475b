import type { Task, TaskList as TaskListDoc } from '@taskmaster/shared-schema';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { VirtualizerHandle } from 'virtua';
import { TaskItem, type TaskItemProps } from './TaskItem';
import { useDragReorder } from './use-drag-reorder';
import { useRenderLimit } from './use-render-limit';

interface TaskListProps {
  tasks: readonly Task[];
  lists: readonly TaskListDoc[];
  today: string;
  selectedId: string | null;
  /** Manual order is active, so rows get a drag handle. */
  reorderable: boolean;
  onReorder: (id: string, toIndex: number) => void;
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  onDelete: (task: Task) => void;
  onSelect: (task: Task) => void;
}

type Handlers = Pick<TaskListProps, 'onToggle' | 'onOpen' | 'onDelete' | 'onSelect'>;

/** Callbacks with a stable identity that call the latest props, so memoized rows skip re-rendering. */
function useStableHandlers(handlers: Handlers): Handlers {
  const latest = useRef(handlers);
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  return useMemo(
    () => ({
      onToggle: (task) => latest.current.onToggle(task),
      onOpen: (task) => latest.current.onOpen(task),
      onDelete: (task) => latest.current.onDelete(task),
      onSelect: (task) => latest.current.onSelect(task),
    }),
    [],
  );
}

/** The scrolling main pane around the list, and the list's offset from the top of its content. */
function useScrollParent(listRef: RefObject<HTMLElement | null>, active: boolean) {
  const scrollRef = useRef<HTMLElement | null>(null);
  const [startMargin, setStartMargin] = useState<number | null>(null);
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!active || !list) return undefined;
    const parent = list.closest<HTMLElement>('.main') ?? document.scrollingElement;
    if (!(parent instanceof HTMLElement)) return undefined;
    scrollRef.current = parent;
    const measure = () => {
      const anchor = listRef.current;
      if (!anchor) return;
      const offset = anchor.getBoundingClientRect().top - parent.getBoundingClientRect().top + parent.scrollTop;
      setStartMargin(Math.round(offset));
    };
    measure();
    // The toolbar, banners and the quick-add preview above the list change height.
    const observer = new ResizeObserver(measure);
    const content = parent.firstElementChild;
    if (content) observer.observe(content);
    return () => observer.disconnect();
  }, [listRef, active]);
  return { scrollRef, startMargin };
}

export function TaskList({
  tasks,
  lists,
  today,
  selectedId,
  reorderable,
  onReorder,
  onToggle,
  onOpen,
  onDelete,
  onSelect,
}: TaskListProps) {
  const anchorRef = useRef<HTMLDivElement>(null);
  const handle = useRef<VirtualizerHandle | null>(null);
  const ids = useMemo(() => tasks.map((t) => t.id), [tasks]);
  const listsById = useMemo(() => new Map(lists.map((l) => [l.id, l])), [lists]);
  const handlers = useStableHandlers({ onToggle, onOpen, onDelete, onSelect });
  const { drag, start } = useDragReorder(anchorRef, ids, onReorder);
  const { Virtual, limit } = useRenderLimit(tasks.length);
  const { scrollRef, startMargin } = useScrollParent(anchorRef, Virtual !== null);
  const onDragStart = useCallback<NonNullable<TaskItemProps['onDragStart']>>(
    (task, event) => start(task.id, event),
    [start],
  );
  const from = drag ? ids.indexOf(drag.id) : -1;
  const dropIndicator = (index: number): 'before' | 'after' | undefined => {
    if (!drag || drag.slot === from || drag.slot === from + 1) return undefined;
    if (drag.slot === index) return 'before';
    return drag.slot === tasks.length && index === tasks.length - 1 ? 'after' : undefined;
  };
  const renderRow = (task: Task, index: number) => (
    <TaskItem
      key={task.id}
      task={task}
      today={today}
      list={listsById.get(task.listId)}
      selected={selectedId === task.id}
      dragging={drag?.id === task.id}
      dropIndicator={dropIndicator(index)}
      onDragStart={reorderable ? onDragStart : undefined}
      {...handlers}
      index={index}
      total={tasks.length}
    />
  );

  // Keyboard navigation selects rows that may not be rendered yet: when the selection changes to a
  // row outside the rendered range, bring it into view, then give it the focus if the focus was in
  // the list (the user is moving through it). A selected row that moves away (completed, it sinks to
  // the end) is not followed.
  const selectedIndex = useRef(-1);
  selectedIndex.current = selectedId ? ids.indexOf(selectedId) : -1;
  useEffect(() => {
    const virtualizer = handle.current;
    const list = anchorRef.current;
    const index = selectedIndex.current;
    if (!Virtual || !virtualizer || !list || index < 0 || !selectedId) return undefined;
    const rowOf = () =>
      Array.from(list.querySelectorAll<HTMLElement>('li[data-task-id]')).find((el) => el.dataset.taskId === selectedId);
    if (rowOf()) return undefined;
    const focusWasInList = document.activeElement === document.body || list.contains(document.activeElement);
    virtualizer.scrollToIndex(index, { align: 'nearest' });
    if (!focusWasInList) return undefined;
    const frame = requestAnimationFrame(() => rowOf()?.querySelector<HTMLElement>('.task__check')?.focus());
    return () => cancelAnimationFrame(frame);
  }, [Virtual, selectedId]);

  const className = `tasks${drag ? ' tasks--dragging' : ''}`;
  return (
    <div ref={anchorRef} className="tasks-anchor">
      {Virtual && startMargin !== null ? (
        <Virtual
          items={tasks}
          renderRow={renderRow}
          className={className}
          label="Tasks"
          scrollRef={scrollRef}
          startMargin={startMargin}
          handle={handle}
        />
      ) : (
        <ul className={className} aria-label="Tasks">
          {tasks.slice(0, limit).map(renderRow)}
        </ul>
      )}
    </div>
  );
}
