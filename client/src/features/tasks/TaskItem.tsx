import type { Task } from '@taskmaster/shared-schema';
import { memo, useState, type CSSProperties, type PointerEvent as ReactPointerEvent, type Ref } from 'react';
import { formatDue, PRIORITY_LABEL } from './format';
import { isNotStarted } from './start-date';
import { isDone, isOverdue } from './task-query';

export interface TaskItemProps {
  task: Task;
  today: string;
  list?: { name: string; color: string } | undefined;
  selected: boolean;
  dragging: boolean;
  dropIndicator?: 'before' | 'after' | undefined;
  /** Omitted when the current sort is not the manual order (dragging would have no effect). */
  onDragStart?: ((task: Task, event: ReactPointerEvent<HTMLButtonElement>) => void) | undefined;
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  onDelete: (task: Task) => void;
  onSelect: (task: Task) => void;
  /** 0-based position in the whole list and its length: rows may be virtualized (aria-posinset/setsize). */
  index: number;
  total: number;
  /** Placement from the virtualizer (absolute position), and its measuring ref. */
  style?: CSSProperties | undefined;
  ref?: Ref<HTMLLIElement> | undefined;
}

/**
 * One row of the task list: completion checkbox (named by the title), title, metadata, actions.
 * Memoized: the list passes stable callbacks, and an unchanged task keeps its object identity.
 */
export const TaskItem = memo(function TaskItem({
  task,
  today,
  list,
  selected,
  dragging,
  dropIndicator,
  onDragStart,
  onToggle,
  onOpen,
  onDelete,
  onSelect,
  index,
  total,
  style,
  ref,
}: TaskItemProps) {
  // React puts a controlled checkbox back right after the click unless state changed in that event,
  // and the write reaches the list a moment later: show the new state until this task is re-read.
  const [toggled, setToggled] = useState<Task | null>(null);
  const done = isDone(task) !== (toggled === task);
  const overdue = isOverdue(task, today);
  // A start date ahead: the row says when the task becomes actionable (views place it "later").
  const later = isNotStarted(task, today);
  const classes = [
    'task',
    done && 'task--done',
    selected && 'task--selected',
    dragging && 'task--dragging',
    dropIndicator && `task--drop-${dropIndicator}`,
    index === total - 1 && 'task--last',
  ]
    .filter(Boolean)
    .join(' ');
  // Subtask progress "2/5" (removed subtasks do not count).
  let subDone = 0;
  let subTotal = 0;
  for (const sub of Object.values(task.subtasks ?? {})) {
    if (sub.removed) continue;
    subTotal++;
    if (sub.done) subDone++;
  }
  const hasMeta =
    later ||
    subTotal > 0 ||
    Boolean(task.repeat) ||
    task.dueDate !== '' ||
    task.priority !== 'none' ||
    task.status === 'in-progress' ||
    list ||
    task.tags.length > 0 ||
    task.notes !== '' ||
    task.conflicts.length > 0;

  return (
    // The row's look (padding, border, background) is on the inner `.task`: the virtualizer measures
    // the `<li>` by its content box (virtua reads the ResizeObserver's `contentRect`), so the `<li>`
    // has none, or each row would be placed that much too close and overlap the next.
    <li
      className="task-slot"
      data-task-id={task.id}
      data-index={index}
      aria-posinset={index + 1}
      aria-setsize={total}
      style={style}
      ref={ref}
      onFocusCapture={() => onSelect(task)}
    >
      <div className={classes}>
        {onDragStart && (
          <button
            type="button"
            className="task__handle"
            aria-label={`Reorder ${task.title}`}
            title="Drag to reorder (or Alt+↑/↓)"
            onPointerDown={(event) => onDragStart(task, event)}
          >
            <svg viewBox="0 0 10 16" aria-hidden="true" width="10" height="16">
              {[3, 8, 13].map((y) => [3, 7].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.4" />))}
            </svg>
          </button>
        )}
        <input
          type="checkbox"
          className={`task__check task__check--${task.priority}`}
          checked={done}
          aria-label={task.title}
          onChange={() => {
            setToggled(task);
            onToggle(task);
          }}
        />
        <div className="task__body">
          <button
            type="button"
            className="task__title"
            onClick={() => onOpen(task)}
            aria-describedby={`meta-${task.id}`}
          >
            {task.title}
          </button>
          {hasMeta && (
            <div className="task__meta" id={`meta-${task.id}`}>
              {later && <span className="chip chip--starts">Starts {formatDue(task.startDate!, today)}</span>}
              {task.dueDate !== '' && (
                <span className={`chip chip--due${overdue ? ' chip--overdue' : ''}`}>
                  {overdue ? 'Overdue · ' : ''}
                  {formatDue(task.dueDate, today)}
                  {task.dueTime ? ` ${task.dueTime}` : ''}
                </span>
              )}
              {task.repeat && (
                <span className="chip chip--repeat" title="Repeats">
                  <span aria-hidden="true">↻</span>
                  <span className="visually-hidden">Repeats</span>
                </span>
              )}
              {subTotal > 0 && (
                <span className="chip chip--subtasks" title={`${subDone} of ${subTotal} subtasks done`}>
                  <span aria-hidden="true">
                    {subDone}/{subTotal}
                  </span>
                  <span className="visually-hidden">
                    {subDone} of {subTotal} subtasks done
                  </span>
                </span>
              )}
              {task.status === 'in-progress' && <span className="chip chip--progress">In progress</span>}
              {task.priority !== 'none' && (
                <span className={`chip chip--priority chip--${task.priority}`}>{PRIORITY_LABEL[task.priority]}</span>
              )}
              {list && (
                <span className="chip chip--list">
                  <span className="dot" style={{ background: list.color }} aria-hidden="true" />
                  {list.name}
                </span>
              )}
              {task.tags.map((tag) => (
                <span key={tag} className="chip chip--tag">
                  #{tag}
                </span>
              ))}
              {task.notes !== '' && (
                <span className="chip chip--notes" title="Has notes">
                  Notes
                </span>
              )}
              {task.conflicts.length > 0 && (
                <span className="chip chip--conflict" title="Another device's edit replaced a value">
                  Edited elsewhere
                </span>
              )}
            </div>
          )}
        </div>
        <button
          type="button"
          className="icon-button task__delete"
          aria-label={`Delete ${task.title}`}
          title="Delete (Del)"
          onClick={() => onDelete(task)}
        >
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path
              d="M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z"
              fill="currentColor"
            />
          </svg>
        </button>
      </div>
    </li>
  );
});
