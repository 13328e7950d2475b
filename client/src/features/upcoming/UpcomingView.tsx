import type { Task, TaskList } from '@taskmaster/shared-schema';
import { useEffect, useMemo, useState } from 'react';
import { formatDue } from '../tasks/format';
import { TaskItem } from '../tasks/TaskItem';
import { projectRepeats, type ProjectedOccurrence, type RecurrenceRules } from './project-repeats';
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

/**
 * The engine's recurrence rules, loaded only when some task in the view repeats (rrule-temporal is
 * a chunk of its own, shared with the editor and the write path).
 */
function useRecurrence(needed: boolean): RecurrenceRules | null {
  const [rules, setRules] = useState<RecurrenceRules | null>(null);
  useEffect(() => {
    if (!needed || rules) return undefined;
    let live = true;
    void import('@taskmaster/sync-client/recurrence').then(
      (module) => live && setRules(module),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [needed, rules]);
  return rules;
}

/** A future occurrence of a repeating task: shown, marked as a repeat, never written; opens the task. */
function ProjectedRow({ repeat, onOpen }: { repeat: ProjectedOccurrence; onOpen: (task: Task) => void }) {
  const metaId = `repeat-${repeat.task.id}-${repeat.date}`;
  return (
    <li className="task task--projected" data-projected-date={repeat.date}>
      <span className="task__projected-mark" aria-hidden="true">
        ↻
      </span>
      <div className="task__body">
        <button
          type="button"
          className="task__title"
          onClick={() => onOpen(repeat.task)}
          aria-describedby={metaId}
          title="A future occurrence: open the repeating task"
        >
          {repeat.task.title}
        </button>
        <div className="task__meta" id={metaId}>
          <span className="chip chip--repeat-projected">Repeats{repeat.time ? ` · ${repeat.time}` : ''}</span>
        </div>
      </div>
    </li>
  );
}

/** The next 14 days, one section per day, with overdue tasks on top and repeats projected ahead. */
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
  const rules = useRecurrence(useMemo(() => tasks.some((t) => t.repeat && t.status !== 'done'), [tasks]));
  const repeats = useMemo(() => (rules ? projectRepeats(tasks, today, rules) : []), [rules, tasks, today]);
  const groups = useMemo(() => groupUpcoming(tasks, today, repeats), [tasks, today, repeats]);
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
            {group.tasks.length === 0 && group.repeats.length === 0 ? (
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
                {group.repeats.map((repeat) => (
                  <ProjectedRow key={`${repeat.task.id}@${repeat.date}`} repeat={repeat} onOpen={onOpen} />
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
