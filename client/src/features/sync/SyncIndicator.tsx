import { useEffect, useState } from 'react';
import { formatAgo } from '../tasks/format';

/** What the indicator shows; the shape of the sync module's `state$` values. */
export interface SyncView {
  status: 'offline' | 'connecting' | 'syncing' | 'idle' | 'error';
  pending: number;
  lastSyncedAt: number | null;
  error?: string | undefined;
  /** The server ended this device's access for good (account erased, session signed out elsewhere). */
  ended?: 'account-erased' | 'session-ended' | undefined;
}

const LABEL: Record<SyncView['status'], string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  syncing: 'Syncing…',
  idle: 'Synced',
  error: 'Sync error',
};

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * Online / offline / syncing / error, the count of local changes not yet pushed, and the last sync time.
 * "Offline" with an error is the engine's view of a failed connection attempt while the browser is
 * online (`connect_error`: the server is down or unreachable), which is shown as such: the user's
 * own connection is fine, and telling them they are offline would send them to check the wrong thing.
 */
export function SyncIndicator({ state }: { state: SyncView }) {
  const now = useNow(15_000);
  const pending = state.pending > 0 ? `${state.pending} ${state.pending === 1 ? 'change' : 'changes'} not synced` : '';
  const last = state.lastSyncedAt ? `last synced ${formatAgo(state.lastSyncedAt, now)}` : 'never synced';
  const error = state.status === 'error' ? state.error : undefined;
  const label = state.status === 'offline' && state.error ? "Can't reach server" : LABEL[state.status];
  const details = [label, pending, last, error].filter(Boolean).join(' · ');

  return (
    <div
      className={`sync sync--${state.status}`}
      role="status"
      aria-live="polite"
      aria-label={details}
      title={details}
      data-status={state.status}
    >
      <span className="sync__dot" aria-hidden="true" />
      <span className="sync__label">{label}</span>
      {state.pending > 0 && (
        <span className="sync__pending" aria-hidden="true">
          {state.pending}
        </span>
      )}
      <span className="sync__time" aria-hidden="true">
        {state.lastSyncedAt ? formatAgo(state.lastSyncedAt, now) : ''}
      </span>
    </div>
  );
}
