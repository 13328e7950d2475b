import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  type ConflictRecord,
  type Task,
  type TaskList,
} from '@taskmaster/shared-schema';
import { useEffect, useId, useRef } from 'react';
import { completionPatch, type TaskPatch } from '@taskmaster/sync-client/db';
import { ConflictNotice } from '../conflicts/ConflictNotice';
import { restorePatch } from '../conflicts/describe-conflict';
import { addDays, PRIORITY_LABEL } from './format';
import { SubtaskList, type SubtaskActions } from './SubtaskList';
import { TaskSchedule } from './TaskSchedule';
import { parseTags, useDraft, useSaveStatus, type SaveStatus } from './use-draft';

const STATUS_LABEL = { todo: 'To do', 'in-progress': 'In progress', done: 'Done' } as const;
const SAVE_LABEL: Record<SaveStatus, string> = { idle: '', saving: 'Saving…', saved: 'Saved', failed: 'Not saved' };

interface TaskEditorProps {
  task: Task;
  lists: readonly TaskList[];
  today: string;
  deviceNode: string;
  /** Resolves to whether the edit was committed to the local database. */
  onChange: (patch: TaskPatch) => Promise<boolean>;
  onDelete: () => void;
  onClose: () => void;
  onDismissConflicts: () => void;
  /** Puts a logged losing value back (and logs what it replaces); resolves to whether it was committed. */
  onRestoreConflict: (conflict: ConflictRecord, patch: TaskPatch) => Promise<boolean>;
  onAddSubtask?: SubtaskActions['onAdd'];
  onUpdateSubtask?: SubtaskActions['onUpdate'];
  onRemoveSubtask?: SubtaskActions['onRemove'];
  onSkipOccurrence?: () => void;
}

const nothing = () => undefined;

/** Edits every field of a task. Each field is written on its own, when its edit ends. */
export function TaskEditor({
  task,
  lists,
  today,
  deviceNode,
  onChange,
  onDelete,
  onClose,
  onDismissConflicts,
  onRestoreConflict,
  onAddSubtask = nothing,
  onUpdateSubtask = nothing,
  onRemoveSubtask = nothing,
  onSkipOccurrence = nothing,
}: TaskEditorProps) {
  const id = useId();
  const titleRef = useRef<HTMLInputElement>(null);
  const save = useSaveStatus();
  const change = (patch: TaskPatch) => save.track(onChange(patch));
  const title = useDraft(task.title, (next) => {
    if (next.trim() === '') title.reset();
    else change({ title: next.trim() });
  });
  const notes = useDraft(task.notes, (next) => change({ notes: next }));
  const tags = useDraft(task.tags.join(', '), (next) => change({ tags: parseTags(next) }));

  useEffect(() => {
    titleRef.current?.focus();
  }, [task.id]);

  const restore = (conflict: ConflictRecord): Promise<boolean> => {
    const patch = restorePatch(conflict);
    if (!patch) return Promise.resolve(false);
    const write = onRestoreConflict(conflict, patch);
    save.track(write);
    return write;
  };

  return (
    <section
      className="editor"
      aria-label="Edit task"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          (document.activeElement as HTMLElement | null)?.blur();
          onClose();
        }
      }}
    >
      <header className="editor__header">
        <label className="editor__done">
          <input
            type="checkbox"
            checked={task.status === 'done'}
            onChange={(event) => change(completionPatch(event.target.checked))}
          />
          <span>{task.status === 'done' ? 'Completed' : 'Mark complete'}</span>
        </label>
        <button type="button" className="icon-button" aria-label="Close editor" title="Close (Esc)" onClick={onClose}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
      </header>

      <ConflictNotice
        conflicts={task.conflicts}
        deviceNode={deviceNode}
        current={task}
        onRestore={restore}
        onDismiss={onDismissConflicts}
      />

      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input
          id={`${id}-title`}
          ref={titleRef}
          className="editor__title"
          value={title.value}
          maxLength={500}
          onChange={(e) => title.onChange(e.target.value)}
          onFocus={title.onFocus}
          onBlur={title.onBlur}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
          }}
        />
      </div>

      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
            value={task.status}
            onChange={(e) => {
              const status = TASK_STATUSES.find((s) => s === e.target.value) ?? 'todo';
              change(status === 'done' ? completionPatch(true) : { status, completedAt: 0 });
            }}
          >
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-priority`}>Priority</label>
          <select
            id={`${id}-priority`}
            value={task.priority}
            onChange={(e) => change({ priority: TASK_PRIORITIES.find((p) => p === e.target.value) ?? 'none' })}
          >
            {TASK_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABEL[p]}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div className="field">
        <label htmlFor={`${id}-due`}>Due date</label>
        <div className="field__inline">
          <input
            id={`${id}-due`}
            type="date"
            value={task.dueDate}
            onChange={(e) => change({ dueDate: e.target.value })}
          />
          <button type="button" className="pill" onClick={() => change({ dueDate: today })}>
            Today
          </button>
          <button type="button" className="pill" onClick={() => change({ dueDate: addDays(today, 1) })}>
            Tomorrow
          </button>
          {task.dueDate !== '' && (
            <button type="button" className="pill" aria-label="Clear due date" onClick={() => change({ dueDate: '' })}>
              Clear
            </button>
          )}
        </div>
      </div>

      <TaskSchedule task={task} today={today} change={change} onSkipOccurrence={onSkipOccurrence} />

      <div className="field">
        <label htmlFor={`${id}-list`}>List</label>
        <select id={`${id}-list`} value={task.listId} onChange={(e) => change({ listId: e.target.value })}>
          <option value="">Inbox</option>
          {lists.map((list) => (
            <option key={list.id} value={list.id}>
              {list.name}
            </option>
          ))}
        </select>
      </div>

      <div className="field">
        <label htmlFor={`${id}-tags`}>Tags</label>
        <input
          id={`${id}-tags`}
          value={tags.value}
          placeholder="e.g. home, errands"
          onChange={(e) => tags.onChange(e.target.value)}
          onFocus={tags.onFocus}
          onBlur={tags.onBlur}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
          }}
        />
      </div>

      <SubtaskList
        task={task}
        actions={{ onAdd: onAddSubtask, onUpdate: onUpdateSubtask, onRemove: onRemoveSubtask }}
      />

      <div className="field field--grow">
        <label htmlFor={`${id}-notes`}>Notes</label>
        <textarea
          id={`${id}-notes`}
          value={notes.value}
          rows={6}
          maxLength={10_000}
          placeholder="Add details…"
          onChange={(e) => notes.onChange(e.target.value)}
          onFocus={notes.onFocus}
          onBlur={notes.onBlur}
        />
      </div>

      <footer className="editor__footer">
        <span className="muted">Created {new Date(task.createdAt).toLocaleDateString()}</span>
        {/* "Saved" only once the write committed to IndexedDB; typed text not yet handed over is "Unsaved". */}
        <span className={`editor__save editor__save--${save.status}`} role="status">
          {save.status !== 'saving' && (title.dirty || notes.dirty || tags.dirty)
            ? 'Unsaved changes'
            : SAVE_LABEL[save.status]}
        </span>
        <button type="button" className="button button--danger" onClick={onDelete}>
          Delete task
        </button>
      </footer>
    </section>
  );
}
