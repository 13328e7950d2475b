import { FIELD_LIMITS, type TaskList } from '@taskmaster/shared-schema';
import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../ui/Dialog';
import { LIST_COLORS, LIST_ICONS } from './palette';
import './list-dialogs.css';

export interface ListEdit {
  name?: string;
  color?: string;
  icon?: string;
}

/** "Rename list": name, colour and icon from a small palette. Writes only what changed. */
export function RenameListDialog({
  list,
  onSave,
  onClose,
}: {
  list: TaskList;
  onSave: (patch: ListEdit) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [name, setName] = useState(list.name);
  const [color, setColor] = useState(list.color);
  const [icon, setIcon] = useState(list.icon ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim().slice(0, FIELD_LIMITS.listNameLength);
    if (trimmed === '') return;
    const patch: ListEdit = {};
    if (trimmed !== list.name) patch.name = trimmed;
    if (color !== list.color) patch.color = color;
    if (icon !== (list.icon ?? '')) patch.icon = icon;
    if (Object.keys(patch).length > 0) onSave(patch);
    onClose();
  };
  return (
    <Dialog title="Rename list" onClose={onClose}>
      <form className="list-dialog" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={FIELD_LIMITS.listNameLength}
            required
            autoFocus
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <fieldset className="palette">
          <legend>Colour</legend>
          {LIST_COLORS.map((c) => (
            <label key={c.value} className="palette__swatch" title={c.name}>
              <input
                type="radio"
                name={`${id}-color`}
                value={c.value}
                checked={color.toLowerCase() === c.value}
                onChange={() => setColor(c.value)}
              />
              <span className="palette__dot" style={{ background: c.value }} aria-hidden="true" />
              <span className="visually-hidden">{c.name}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="palette">
          <legend>Icon</legend>
          {LIST_ICONS.map((i) => (
            <label key={i.value || 'none'} className="palette__swatch" title={i.name}>
              <input
                type="radio"
                name={`${id}-icon`}
                value={i.value}
                checked={icon === i.value}
                onChange={() => setIcon(i.value)}
              />
              <span className="palette__emoji" aria-hidden="true">
                {i.value || '–'}
              </span>
              <span className="visually-hidden">{i.name}</span>
            </label>
          ))}
        </fieldset>
        <div className="dialog__actions">
          <button type="button" className="button button--quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Delete list": says where the tasks go; the sidebar offers Undo afterwards. */
export function DeleteListDialog({
  list,
  taskCount,
  onDelete,
  onClose,
}: {
  list: TaskList;
  taskCount: number;
  onDelete: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title="Delete list" onClose={onClose}>
      <p>
        Delete “{list.name}”?{' '}
        {taskCount === 0 ? 'Its tasks, if any, move to the Inbox.' : `Its tasks (${taskCount} open) move to the Inbox.`}{' '}
        You can undo this.
      </p>
      <div className="dialog__actions">
        <button type="button" className="button button--quiet" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => {
            onDelete();
            onClose();
          }}
        >
          Delete list
        </button>
      </div>
    </Dialog>
  );
}
