import type { TaskList } from '@taskmaster/shared-schema';
import { useState, type FormEvent, type ReactNode } from 'react';
import { sameScope, scopeHref } from '../../app/route';
import type { Scope } from '../tasks/task-query';

export interface ScopeCounts {
  all: number;
  today: number;
  overdue: number;
  inbox: number;
  lists: Record<string, number>;
}

interface ListsSidebarProps {
  scope: Scope;
  lists: readonly TaskList[];
  tags: readonly { tag: string; count: number }[];
  counts: ScopeCounts;
  onNavigate: (scope: Scope) => void;
  onAddList: (name: string) => void;
  onRenameList: (list: TaskList, name: string) => void;
  onDeleteList: (list: TaskList) => void;
}

/** Smart views, lists (projects) and tags. Counts are open tasks. */
export function ListsSidebar({
  scope,
  lists,
  tags,
  counts,
  onNavigate,
  onAddList,
  onRenameList,
  onDeleteList,
}: ListsSidebarProps) {
  const [newList, setNewList] = useState('');
  const add = (event: FormEvent) => {
    event.preventDefault();
    const name = newList.trim();
    if (name === '') return;
    onAddList(name.slice(0, 100));
    setNewList('');
  };
  const link = (target: Scope, label: ReactNode, count?: number, extra?: ReactNode) => (
    <a
      href={scopeHref(target)}
      className={`nav-link${sameScope(scope, target) ? ' nav-link--active' : ''}`}
      aria-current={sameScope(scope, target) ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        onNavigate(target);
      }}
    >
      {extra}
      <span className="nav-link__label">{label}</span>
      {count !== undefined && count > 0 && <span className="nav-link__count">{count}</span>}
    </a>
  );

  return (
    <nav className="sidebar" aria-label="Lists and filters">
      <div className="nav-group">
        {link({ kind: 'all' }, 'All tasks', counts.all, <Icon d="M4 6h16M4 12h16M4 18h10" />)}
        {link({ kind: 'today' }, 'Today', counts.today, <Icon d="M5 8h14M7 4v3M17 4v3M5 6h14v14H5z" />)}
        {link({ kind: 'overdue' }, 'Overdue', counts.overdue, <Icon d="M12 7v5l3 3M12 3a9 9 0 100 18 9 9 0 000-18z" />)}
        {link({ kind: 'inbox' }, 'Inbox', counts.inbox, <Icon d="M4 13l2-8h12l2 8v6H4zM4 13h5l1 2h4l1-2h5" />)}
      </div>

      <h2 className="nav-heading">Lists</h2>
      <div className="nav-group">
        {lists.map((list) => (
          <div key={list.id} className="nav-item">
            {link(
              { kind: 'list', listId: list.id },
              list.name,
              counts.lists[list.id],
              <span className="dot" style={{ background: list.color }} aria-hidden="true" />,
            )}
            <ListMenu list={list} onRename={onRenameList} onDelete={onDeleteList} />
          </div>
        ))}
      </div>
      <form className="new-list" onSubmit={add}>
        <input
          aria-label="New list"
          placeholder="+ New list"
          value={newList}
          maxLength={100}
          onChange={(e) => setNewList(e.target.value)}
        />
      </form>

      {tags.length > 0 && (
        <>
          <h2 className="nav-heading">Tags</h2>
          <div className="nav-group nav-group--tags">
            {tags.map(({ tag, count }) => (
              <div key={tag}>{link({ kind: 'tag', tag }, `#${tag}`, count)}</div>
            ))}
          </div>
        </>
      )}
    </nav>
  );
}

function ListMenu({
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

export function Icon({ d, size = 18 }: { d: string; size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" className="icon">
      <path d={d} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
