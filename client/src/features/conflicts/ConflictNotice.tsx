import { decodeHlc, type ConflictRecord } from '@taskmaster/shared-schema';
import { useState } from 'react';
import { describeConflict, displayValue } from './describe-conflict';

/** The task as it is now: its fields, and the clock that wrote each. */
export interface CurrentFields {
  readonly clocks: Readonly<Partial<Record<string, string>>>;
}

const valueOf = (doc: CurrentFields, field: string): unknown => (doc as unknown as Record<string, unknown>)[field];

interface ConflictNoticeProps {
  conflicts: readonly ConflictRecord[];
  /** This device's clock node id: tells "your edit lost" apart from "another device's edit lost". */
  deviceNode: string;
  /** The task now, so an entry whose winner still holds the field can name both values. */
  current?: CurrentFields;
  /** Resolves to whether the restore was committed locally. */
  onRestore: (conflict: ConflictRecord) => Promise<boolean>;
  onDismiss: () => void;
}

/**
 * The discreet notice of rule R4: when a same-field conflict picked one device's value, the losing
 * value is shown here (never silently dropped) and can be put back with one click. Putting it back
 * logs the value it replaces in its place (the engine's `restoreConflict`), so after a Restore the
 * notice says what happened and offers the other value back, instead of still calling the restored
 * value "replaced".
 */
export function ConflictNotice({ conflicts, deviceNode, current, onRestore, onDismiss }: ConflictNoticeProps) {
  const [restored, setRestored] = useState<string | null>(null);
  if (conflicts.length === 0) return null;
  const who = (clock: string) => (decodeHlc(clock).node === deviceNode ? 'your' : "another device's");
  return (
    <section className="conflict-notice" aria-label="Sync conflicts" role="note">
      <header className="conflict-notice__header">
        <strong>Edited on two devices</strong>
        <button type="button" className="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      </header>
      {restored && (
        <p className="conflict-notice__done" role="status">
          {restored}
        </p>
      )}
      <ul>
        {conflicts.map((conflict) => {
          const { fieldLabel, lostText } = describeConflict(conflict, deviceNode);
          // The winner still holds the field: say what it holds now, so the entry reads as what happened.
          const winnerHolds = current !== undefined && current.clocks[conflict.field] === conflict.winnerClock;
          return (
            <li key={`${conflict.field}|${conflict.lostClock}`}>
              <span>
                {fieldLabel}:{' '}
                {winnerHolds && (
                  <>
                    now <q className="conflict-notice__value">{displayValue(valueOf(current, conflict.field))}</q>;{' '}
                  </>
                )}
                {who(conflict.lostClock)} value <q className="conflict-notice__value">{lostText}</q> was replaced.
              </span>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  const done = `Restored ${fieldLabel.toLowerCase()} “${lostText}”. The value it replaced is kept below.`;
                  void onRestore(conflict).then((ok) => setRestored(ok ? done : null));
                }}
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
