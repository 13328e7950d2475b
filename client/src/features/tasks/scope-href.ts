import type { Scope, SortKey, StatusFilter } from './task-query';

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

export interface ViewPrefs {
  status: StatusFilter;
  sort: SortKey;
}
