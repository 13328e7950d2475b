import type { Task } from '@taskmaster/shared-schema';
import { describeConflict } from './describe-conflict';

/**
 * A one-line, dismissible-by-review hint that some task has a recorded same-field conflict; the
 * details (the losing values, restore, dismiss) live in that task's editor.
 */
export function ConflictBanner({ tasks, onReview }: { tasks: readonly Task[]; onReview: (task: Task) => void }) {
  const affected = tasks.filter((t) => t.conflicts.length > 0);
  const first = affected[0];
  if (!first) return null;
  const latest = first.conflicts.at(-1)!;
  const { fieldLabel, lostText } = describeConflict(latest, '');
  return (
    <div className="conflict-banner" role="status">
      <span className="conflict-banner__icon" aria-hidden="true">
        ⇄
      </span>
      <span>
        {affected.length === 1 ? (
          <>
            “{first.title}” was edited on two devices. {fieldLabel} <q>{lostText}</q> was replaced.
          </>
        ) : (
          <>{affected.length} tasks were edited on two devices; some values were replaced.</>
        )}
      </span>
      <button type="button" className="link-button" onClick={() => onReview(first)}>
        Review
      </button>
    </div>
  );
}
