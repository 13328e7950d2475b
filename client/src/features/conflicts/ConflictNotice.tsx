import type { ConflictRecord } from '@taskmaster/shared-schema';
import { describeConflict } from './describe-conflict';

interface ConflictNoticeProps {
  conflicts: readonly ConflictRecord[];
  /** This device's clock node id: tells "your edit lost" apart from "another device's edit lost". */
  deviceNode: string;
  onRestore: (conflict: ConflictRecord) => void;
  onDismiss: () => void;
}

/**
 * The discreet notice of rule R4: when a same-field conflict picked one device's value, the losing
 * value is shown here (never silently dropped) and can be put back with one click.
 */
export function ConflictNotice({ conflicts, deviceNode, onRestore, onDismiss }: ConflictNoticeProps) {
  if (conflicts.length === 0) return null;
  return (
    <section className="conflict-notice" aria-label="Sync conflicts" role="note">
      <header className="conflict-notice__header">
        <strong>Edited on two devices</strong>
        <button type="button" className="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      </header>
      <ul>
        {conflicts.map((conflict) => {
          const { fieldLabel, lostText, whose } = describeConflict(conflict, deviceNode);
          return (
            <li key={`${conflict.field}|${conflict.lostClock}`}>
              <span>
                {fieldLabel}: {whose} value <q className="conflict-notice__value">{lostText}</q> was replaced.
              </span>
              <button
                type="button"
                className="link-button"
                onClick={() => onRestore(conflict)}
                aria-label={`Restore ${fieldLabel.toLowerCase()} ${lostText}`}
              >
                Restore
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
