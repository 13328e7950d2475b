import type { TaskList } from '@taskmaster/shared-schema';
import { useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import { Icon } from '../../ui/Icon';
import { DeleteListDialog, RenameListDialog, type ListEdit } from './ListDialogs';
import { nextListColor } from './palette';

/** The sidebar's "+ New list" box. */
export function NewListForm({
  onAdd,
  lists,
}: {
  onAdd: (name: string, color: string) => void;
  /** The lists there are: a new one takes the next colour of the palette. */
  lists: readonly { color: string }[];
}) {
  const [newList, setNewList] = useState('');
  const add = (event: FormEvent) => {
    event.preventDefault();
    const name = newList.trim();
    if (name === '') return;
    onAdd(name.slice(0, 100), nextListColor(lists));
    setNewList('');
  };
  return (
    <form className="new-list" onSubmit={add}>
      <input
        aria-label="New list"
        placeholder="+ New list"
        value={newList}
        maxLength={100}
        onChange={(e) => setNewList(e.target.value)}
      />
    </form>
  );
}

/** Rename and delete buttons of one list in the sidebar; each opens its dialog. */
export function ListMenu({
  list,
  openCount,
  onUpdate,
  onDelete,
}: {
  list: TaskList;
  /** Open tasks in the list, for the delete dialog. */
  openCount: number;
  onUpdate: (list: TaskList, patch: ListEdit) => void;
  onDelete: (list: TaskList) => void;
}) {
  const [open, setOpen] = useState<'rename' | 'delete' | null>(null);
  return (
    <span className="nav-item__actions">
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={`Rename list ${list.name}`}
        onClick={() => setOpen('rename')}
      >
        <Icon d="M4 20h4L19 9l-4-4L4 16v4z" size={14} />
      </button>
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={`Delete list ${list.name}`}
        onClick={() => setOpen('delete')}
      >
        <Icon d="M6 6l12 12M18 6L6 18" size={14} />
      </button>
      {/* In <body>: the actions hide when the row loses hover and focus, the dialog must not. */}
      {open === 'rename' &&
        createPortal(
          <RenameListDialog list={list} onSave={(patch) => onUpdate(list, patch)} onClose={() => setOpen(null)} />,
          document.body,
        )}
      {open === 'delete' &&
        createPortal(
          <DeleteListDialog
            list={list}
            taskCount={openCount}
            onDelete={() => onDelete(list)}
            onClose={() => setOpen(null)}
          />,
          document.body,
        )}
    </span>
  );
}
