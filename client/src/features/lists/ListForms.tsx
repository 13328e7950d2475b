import type { TaskList } from '@taskmaster/shared-schema';
import { useState, type FormEvent } from 'react';
import { Icon } from '../../ui/Icon';

/** The sidebar's "+ New list" box. */
export function NewListForm({ onAdd }: { onAdd: (name: string) => void }) {
  const [newList, setNewList] = useState('');
  const add = (event: FormEvent) => {
    event.preventDefault();
    const name = newList.trim();
    if (name === '') return;
    onAdd(name.slice(0, 100));
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

/** Rename and delete buttons of one list in the sidebar. */
export function ListMenu({
  list,
  onRename,
  onDelete,
}: {
  list: TaskList;
  onRename: (list: TaskList, name: string) => void;
  onDelete: (list: TaskList) => void;
}) {
  return (
    <span className="nav-item__actions">
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={`Rename list ${list.name}`}
        onClick={() => {
          const name = window.prompt('Rename list', list.name)?.trim();
          if (name && name !== list.name) onRename(list, name.slice(0, 100));
        }}
      >
        <Icon d="M4 20h4L19 9l-4-4L4 16v4z" size={14} />
      </button>
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={`Delete list ${list.name}`}
        onClick={() => {
          if (window.confirm(`Delete the list “${list.name}”? Its tasks move to the Inbox.`)) onDelete(list);
        }}
      >
        <Icon d="M6 6l12 12M18 6L6 18" size={14} />
      </button>
    </span>
  );
}
