import type { Scope, StatusFilter } from './task-query';

interface EmptyStateProps {
  scope: Scope;
  status: StatusFilter;
  search: string;
  hasAnyTask: boolean;
  onClearSearch: () => void;
}

function message({ scope, status, search, hasAnyTask }: Omit<EmptyStateProps, 'onClearSearch'>): [string, string] {
  if (search.trim() !== '')
    return [
      'No matching tasks',
      `Nothing matches “${search.trim()}”. Search works offline over titles, notes and #tags.`,
    ];
  if (!hasAnyTask)
    return [
      'No tasks yet',
      'Type a task in the box above and press Enter. Everything works offline and syncs when you are online.',
    ];
  if (status === 'completed') return ['Nothing completed here yet', 'Tasks you tick off show up here.'];
  if (scope.kind === 'today') return ['Nothing due today', 'Enjoy the free time, or give a task a due date.'];
  if (scope.kind === 'overdue') return ['Nothing overdue', 'You are on top of things.'];
  if (status === 'active') return ['All done here', 'Every task in this view is complete.'];
  return ['This view is empty', 'Add a task above to get started.'];
}

export function EmptyState(props: EmptyStateProps) {
  const [title, body] = message(props);
  return (
    <div className="empty" role="status">
      <svg className="empty__art" viewBox="0 0 120 90" aria-hidden="true" width="120" height="90">
        <rect x="18" y="14" width="84" height="66" rx="10" fill="var(--surface-2)" stroke="var(--border)" />
        <rect x="30" y="30" width="10" height="10" rx="3" fill="none" stroke="var(--accent)" strokeWidth="2" />
        <rect x="46" y="32" width="42" height="6" rx="3" fill="var(--border)" />
        <rect x="30" y="50" width="10" height="10" rx="3" fill="none" stroke="var(--accent)" strokeWidth="2" />
        <rect x="46" y="52" width="30" height="6" rx="3" fill="var(--border)" />
      </svg>
      <h2>{title}</h2>
      <p>{body}</p>
      {props.search.trim() !== '' && (
        <button type="button" className="button" onClick={props.onClearSearch}>
          Clear search
        </button>
      )}
    </div>
  );
}
