import { useCallback, useEffect, useState } from 'react';
import type { Scope, SortKey, StatusFilter } from '../features/tasks/task-query';

/** The scope lives in the URL hash (`#/today`, `#/list/<id>`, `#/tag/<tag>`) so reloads and back work. */
export function parseScope(hash: string): Scope {
  const [kind = '', arg = ''] = hash.replace(/^#\/?/, '').split('/', 2);
  const value = decodeURIComponent(arg);
  switch (kind) {
    case 'today':
    case 'overdue':
    case 'upcoming':
    case 'inbox':
      return { kind };
    case 'list':
      return value ? { kind: 'list', listId: value } : { kind: 'all' };
    case 'tag':
      return value ? { kind: 'tag', tag: value } : { kind: 'all' };
    default:
      return { kind: 'all' };
  }
}

export function scopeHref(scope: Scope): string {
  if (scope.kind === 'list') return `#/list/${encodeURIComponent(scope.listId)}`;
  if (scope.kind === 'tag') return `#/tag/${encodeURIComponent(scope.tag)}`;
  return `#/${scope.kind}`;
}

export function sameScope(a: Scope, b: Scope): boolean {
  return scopeHref(a) === scopeHref(b);
}

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

export interface ViewPrefs {
  status: StatusFilter;
  sort: SortKey;
}

const PREFS_KEY = 'taskmaster:view-prefs';
const STATUSES: readonly StatusFilter[] = ['all', 'active', 'completed'];
const SORTS: readonly SortKey[] = ['manual', 'due', 'priority'];

function readPrefs(): ViewPrefs {
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
  const [prefs, setPrefs] = useState(readPrefs);
  const update = useCallback((patch: Partial<ViewPrefs>) => {
    setPrefs((current) => {
      const next = { ...current, ...patch };
      window.localStorage.setItem(PREFS_KEY, JSON.stringify(next));
      return next;
    });
  }, []);
  return [prefs, update];
}
