import type { Task, TaskList } from '@taskmaster/shared-schema';
import { useMemo } from 'react';
import { formatDue } from '../tasks/format';
import { TaskItem } from '../tasks/TaskItem';
import { groupUpcoming } from './upcoming';
import './upcoming.css';

interface UpcomingViewProps {
  tasks: readonly Task[];
  lists: readonly TaskList[];
  today: string;
  selectedId: string | null;
  onToggle: (task: Task) => void;
  onOpen: (task: Task) => void;
  onDelete: (task: Task) => void;
  onSelect: (task: Task) => void;
}

const longDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });

function dayHeading(day: string, today: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const long = longDay.format(new Date(y, m - 1, d));
  const near = formatDue(day, today);
  return near === 'Today' || near === 'Tomorrow' ? `${near} · ${long}` : long;
}

/** The next 14 days, one section per day, with overdue tasks on top. */
export function UpcomingView({
  tasks,
  lists,
  today,
  selectedId,
  onToggle,
  onOpen,
  onDelete,
  onSelect,
}: UpcomingViewProps) {
  const groups = useMemo(() => groupUpcoming(tasks, today), [tasks, today]);
  const listById = useMemo(() => new Map(lists.map((l) => [l.id, l])), [lists]);
  return (
    <div className="upcoming">
      {groups.map((group) => {
        const headingId = `upcoming-${group.key}`;
        const title = group.day ? dayHeading(group.day, today) : 'Overdue';
        return (
          <section
            key={group.key}
            className={`upcoming__day${group.day ? '' : ' upcoming__day--overdue'}`}
            aria-labelledby={headingId}
          >
            <h2 id={headingId} className="upcoming__heading">
              {title}
              {group.tasks.length > 0 && <span className="upcoming__count">{group.tasks.length}</span>}
            </h2>
            {group.tasks.length === 0 ? (
              <p className="upcoming__empty muted">Nothing planned</p>
            ) : (
              <ul className="tasks" aria-label={title}>
                {group.tasks.map((task, index) => (
                  <TaskItem
                    key={task.id}
                    task={task}
                    today={today}
                    list={task.listId ? listById.get(task.listId) : undefined}
                    selected={task.id === selectedId}
                    dragging={false}
                    onToggle={onToggle}
                    onOpen={onOpen}
                    onDelete={onDelete}
                    onSelect={onSelect}
                    index={index}
                    total={group.tasks.length}
                  />
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
