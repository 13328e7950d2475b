import type { ViewPrefs } from './scope-href';
import type { SortKey, StatusFilter } from './task-query';

const STATUS_OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'completed', label: 'Completed' },
];
const SORT_OPTIONS: { value: SortKey; label: string }[] = [
  { value: 'manual', label: 'Manual order' },
  { value: 'due', label: 'Due date' },
  { value: 'priority', label: 'Priority' },
];

interface ToolbarProps {
  title: string;
  /** Open tasks in the view; null while not every task has been read (start-up). */
  count: number | null;
  prefs: ViewPrefs;
  onPrefs: (patch: Partial<ViewPrefs>) => void;
}

/** View title with the status filter (all / active / completed) and the sort order. */
export function Toolbar({ title, count, prefs, onPrefs }: ToolbarProps) {
  return (
    <div className="toolbar">
      <div className="toolbar__title">
        <h1 id="view-title">{title}</h1>
        <span className="muted" aria-busy={count === null}>
          {count === null ? 'counting…' : count === 0 ? 'nothing open' : `${count} open`}
        </span>
      </div>
      <div className="toolbar__controls">
        <div className="segmented" role="radiogroup" aria-label="Show">
          {STATUS_OPTIONS.map((option) => (
            <label
              key={option.value}
              className={prefs.status === option.value ? 'segmented__item segmented__item--on' : 'segmented__item'}
            >
              <input
                type="radio"
                name="status-filter"
                value={option.value}
                checked={prefs.status === option.value}
                onChange={() => onPrefs({ status: option.value })}
              />
              {option.label}
            </label>
          ))}
        </div>
        <label className="sort">
          <span className="visually-hidden">Sort by</span>
          <select
            aria-label="Sort by"
            value={prefs.sort}
            onChange={(e) => onPrefs({ sort: SORT_OPTIONS.find((o) => o.value === e.target.value)?.value ?? 'manual' })}
          >
            {SORT_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}
