import type { TaskList } from '@taskmaster/shared-schema';
import { memo, Suspense, type ReactNode } from 'react';
import { lazyComponent } from '../../ui/lazy-component';
import { sameScope, scopeHref } from '../tasks/scope-href';
import type { Scope } from '../tasks/task-query';
import type { ListEdit } from './ListDialogs';
import { Icon } from '../../ui/Icon';

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
  /** A new list, with the next colour of the palette. */
  onAddList: (name: string, color: string) => void;
  /** Rename, recolour or change the icon of a list (the "Rename list" dialog). */
  onUpdateList: (list: TaskList, patch: ListEdit) => void;
  onDeleteList: (list: TaskList) => void;
}

// The list-editing controls are not needed to show the list: they load just after it is on screen.
const NewListForm = lazyComponent(() => import('./ListForms').then((m) => m.NewListForm));
const ListMenu = lazyComponent(() => import('./ListForms').then((m) => m.ListMenu));

/**
 * Smart views, lists (projects) and tags. Counts are open tasks. Memoized: the shell re-renders on
 * every sync-state change, and the sidebar only needs to when its counts, lists or scope change.
 */
export const ListsSidebar = memo(function ListsSidebar({
  scope,
  lists,
  tags,
  counts,
  onNavigate,
  onAddList,
  onUpdateList,
  onDeleteList,
}: ListsSidebarProps) {
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
        {link({ kind: 'upcoming' }, 'Upcoming', undefined, <Icon d="M4 6h16M4 12h10M4 18h6M17 14l3 3-3 3" />)}
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
              list.icon ? (
                <span className="list-icon" style={{ boxShadow: `inset 0 -2px 0 ${list.color}` }} aria-hidden="true">
                  {list.icon}
                </span>
              ) : (
                <span className="dot" style={{ background: list.color }} aria-hidden="true" />
              ),
            )}
            <Suspense fallback={null}>
              <ListMenu
                list={list}
                openCount={counts.lists[list.id] ?? 0}
                onUpdate={onUpdateList}
                onDelete={onDeleteList}
              />
            </Suspense>
          </div>
        ))}
      </div>
      <Suspense fallback={<div className="new-list" style={{ minHeight: 42 }} />}>
        <NewListForm onAdd={onAddList} lists={lists} />
      </Suspense>

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
});
