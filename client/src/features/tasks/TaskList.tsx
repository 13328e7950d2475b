import type { Task, TaskList as TaskListDoc } from '@taskmaster/shared-schema';
import { memo, useCallback, useMemo, useRef } from 'react';
import { useLatest } from '../../ui/use-latest';
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
  const latest = useLatest(handlers);
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

/** Memoized: the shell re-renders on sync-state changes that leave the rows as they are. */
export const TaskList = memo(function TaskList({
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
  const ids = useMemo(() => tasks.map((t) => t.id), [tasks]);
  const listsById = useMemo(() => new Map(lists.map((l) => [l.id, l])), [lists]);
  const handlers = useStableHandlers({ onToggle, onOpen, onDelete, onSelect });
  const { drag, start } = useDragReorder(anchorRef, ids, onReorder);
  const { Virtual, limit } = useRenderLimit(tasks.length);
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

  const className = `tasks${drag ? ' tasks--dragging' : ''}`;
  return (
    <div ref={anchorRef} className="tasks-anchor">
      {Virtual ? (
        <Virtual
          items={tasks}
          ids={ids}
          renderRow={renderRow}
          className={className}
          label="Tasks"
          anchorRef={anchorRef}
          selectedId={selectedId}
        />
      ) : (
        <ul className={className} aria-label="Tasks">
          {tasks.slice(0, limit).map(renderRow)}
        </ul>
      )}
    </div>
  );
});
