import { useCallback, useEffect, useState } from 'react';
import { parseScope, scopeHref, type ViewPrefs } from '../features/tasks/scope-href';
import type { Scope, SortKey, StatusFilter } from '../features/tasks/task-query';

export { parseScope, sameScope, scopeHref, type ViewPrefs } from '../features/tasks/scope-href';

export function useScope(): [Scope, (scope: Scope) => void] {
  const [scope, setScope] = useState(() => parseScope(window.location.hash));
  useEffect(() => {
    const onHash = () => setScope(parseScope(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const navigate = useCallback((next: Scope) => {
    window.location.hash = scopeHref(next);
    setScope(next);
  }, []);
  return [scope, navigate];
}

const PREFS_KEY = 'taskmaster:view-prefs';
const STATUSES: readonly StatusFilter[] = ['all', 'active', 'completed'];
const SORTS: readonly SortKey[] = ['manual', 'due', 'priority'];

/** The remembered status filter and sort (defaults when none or unreadable). */
export function readViewPrefs(): ViewPrefs {
  const fallback: ViewPrefs = { status: 'all', sort: 'manual' };
  try {
    const raw: unknown = JSON.parse(window.localStorage.getItem(PREFS_KEY) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return fallback;
    const { status, sort } = raw as Record<string, unknown>;
    return {
      status: STATUSES.find((s) => s === status) ?? fallback.status,
      sort: SORTS.find((s) => s === sort) ?? fallback.sort,
    };
  } catch {
    return fallback;
  }
}

/** Status filter and sort order, remembered per browser. */
export function useViewPrefs(): [ViewPrefs, (patch: Partial<ViewPrefs>) => void] {
  const [prefs, setPrefs] = useState(readViewPrefs);
  const update = useCallback((patch: Partial<ViewPrefs>) => {
    setPrefs((current) => {
      const next = { ...current, ...patch };
      window.localStorage.setItem(PREFS_KEY, JSON.stringify(next));
      return next;
    });
  }, []);
  return [prefs, update];
}

/** The sort a view uses: Upcoming reads by day (its rows, and J/K, follow the due date) whatever the list's sort. */
export function viewSort(scope: Scope, prefs: ViewPrefs): SortKey {
  return scope.kind === 'upcoming' ? 'due' : prefs.sort;
}
