import { FIELD_LIMITS, type Subtask, type Task } from '@taskmaster/shared-schema';
import { useId, useState } from 'react';
import { useDraft } from './use-draft';

export interface SubtaskActions {
  onAdd: (title: string) => void;
  onUpdate: (subId: string, patch: Partial<Pick<Subtask, 'title' | 'done' | 'order'>>) => void;
  onRemove: (subId: string) => void;
}

/** The visible (not removed) subtasks of a task, in checklist order. */
export function checklist(task: Pick<Task, 'subtasks'>): (Subtask & { id: string })[] {
  return Object.entries(task.subtasks ?? {})
    .filter(([, s]) => !s.removed)
    .map(([id, s]) => ({ id, ...s }))
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

function SubtaskRow({
  sub,
  index,
  count,
  neighbours,
  actions,
}: {
  sub: Subtask & { id: string };
  index: number;
  count: number;
  neighbours: { before?: number; after?: number };
  actions: SubtaskActions;
}) {
  // A controlled checkbox snaps back until the write comes back: show the click's state meanwhile.
  const [clicked, setClicked] = useState<{ from: boolean; to: boolean } | null>(null);
  const done = clicked && clicked.from === sub.done ? clicked.to : sub.done;
  const title = useDraft(sub.title, (next) => {
    if (next.trim() === '') title.reset();
    else actions.onUpdate(sub.id, { title: next.trim() });
  });
  return (
    <li className={`subtask${done ? ' subtask--done' : ''}`}>
      <input
        type="checkbox"
        className="subtask__check"
        checked={done}
        aria-label={sub.title}
        onChange={(e) => {
          setClicked({ from: sub.done, to: e.target.checked });
          actions.onUpdate(sub.id, { done: e.target.checked });
        }}
      />
      <input
        className="subtask__title"
        aria-label={`Subtask ${index + 1} of ${count}`}
        value={title.value}
        maxLength={FIELD_LIMITS.titleLength}
        onChange={(e) => title.onChange(e.target.value)}
        onFocus={title.onFocus}
        onBlur={title.onBlur}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          // Alt+↑/↓ moves the subtask: one `order` part is stamped, between its new neighbours.
          if (e.altKey && e.key === 'ArrowUp' && neighbours.before !== undefined) {
            e.preventDefault();
            actions.onUpdate(sub.id, { order: neighbours.before });
          }
          if (e.altKey && e.key === 'ArrowDown' && neighbours.after !== undefined) {
            e.preventDefault();
            actions.onUpdate(sub.id, { order: neighbours.after });
          }
        }}
      />
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={`Remove subtask ${sub.title}`}
        onClick={() => actions.onRemove(sub.id)}
      >
        <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
          <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
      </button>
    </li>
  );
}

/** The editor's checklist: tick, rename, reorder (Alt+↑/↓), remove, and "Add subtask". */
export function SubtaskList({ task, actions }: { task: Task; actions: SubtaskActions }) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const items = checklist(task);
  const done = items.filter((s) => s.done).length;
  const between = (a: number | undefined, b: number | undefined) =>
    a === undefined ? undefined : b === undefined ? a + 1 : (a + b) / 2;
  return (
    <div className="field subtasks">
      <div className="subtasks__heading" id={`${id}-heading`}>
        Subtasks
        {items.length > 0 && (
          <span className="muted">
            {' '}
            · {done}/{items.length} done
          </span>
        )}
      </div>
      {items.length > 0 && (
        <ul className="subtasks__list" aria-labelledby={`${id}-heading`}>
          {items.map((sub, i) => (
            <SubtaskRow
              key={sub.id}
              sub={sub}
              index={i}
              count={items.length}
              actions={actions}
              neighbours={{
                // Before the previous one: between the one before it and it; after the next likewise.
                before:
                  i > 0
                    ? i > 1
                      ? (items[i - 2]!.order + items[i - 1]!.order) / 2
                      : items[i - 1]!.order - 1
                    : undefined,
                after: i < items.length - 1 ? between(items[i + 1]!.order, items[i + 2]?.order) : undefined,
              }}
            />
          ))}
        </ul>
      )}
      <form
        className="subtasks__add"
        onSubmit={(e) => {
          e.preventDefault();
          const title = draft.trim();
          if (title === '') return;
          actions.onAdd(title);
          setDraft('');
        }}
      >
        <input
          aria-label="Add subtask"
          placeholder="+ Add subtask"
          value={draft}
          maxLength={FIELD_LIMITS.titleLength}
          onChange={(e) => setDraft(e.target.value)}
        />
      </form>
    </div>
  );
}
