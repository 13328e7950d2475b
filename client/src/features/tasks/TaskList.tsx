import type { Task, TaskList as TaskListDoc } from '@taskmaster/shared-schema';
import { useCallback, useMemo, useRef } from 'react';
import { TaskItem } from './TaskItem';
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
  const listRef = useRef<HTMLUListElement>(null);
  const ids = useMemo(() => tasks.map((t) => t.id), [tasks]);
  const listsById = useMemo(() => new Map(lists.map((l) => [l.id, l])), [lists]);
  const { drag, start } = useDragReorder(listRef, ids, onReorder);
  const { limit, showAll } = useRenderLimit(tasks.length);
  const showList = useCallback((task: Task) => listsById.get(task.listId), [listsById]);
  const dropIndicator = (index: number): 'before' | 'after' | undefined => {
    if (!drag) return undefined;
    const from = ids.indexOf(drag.id);
    if (drag.slot === from || drag.slot === from + 1) return undefined;
    if (drag.slot === index) return 'before';
    return drag.slot === tasks.length && index === tasks.length - 1 ? 'after' : undefined;
  };

  return (
    <>
      <ul className={`tasks${drag ? ' tasks--dragging' : ''}`} aria-label="Tasks" ref={listRef}>
        {tasks.slice(0, limit).map((task, index) => (
          <TaskItem
            key={task.id}
            task={task}
            today={today}
            list={showList(task)}
            selected={selectedId === task.id}
            dragging={drag?.id === task.id}
            dropIndicator={dropIndicator(index)}
            onDragStart={reorderable ? (event) => start(task.id, event) : undefined}
            onToggle={onToggle}
            onOpen={onOpen}
            onDelete={onDelete}
            onSelect={onSelect}
          />
        ))}
      </ul>
      {tasks.length > limit && limit > 40 && (
        <button type="button" className="button button--block show-more" onClick={showAll}>
          Show all {tasks.length} tasks
        </button>
      )}
    </>
  );
}
