import type { SyncView } from '../features/sync/SyncIndicator';
import { addLeaderElection } from '@taskmaster/sync-client/db';
import type { SyncHandle } from '@taskmaster/sync-client/sync';
import type { Session } from '@taskmaster/sync-client/session';
import { updateStore } from '../pwa/update-store';
import type { OpenedDatabase } from './open-database';

type RelayMessage = { type: 'hello' } | { type: 'state'; state: SyncView };

export interface RelayedSync {
  /** Resolves once the sync module has loaded and `startSync` has been called. */
  handle: Promise<SyncHandle | null>;
  /** Stops listening to the relay (replication itself is stopped through the handle). */
  close(): void;
}

/**
 * Loaded after the task list is on screen, with the sync code. Every tab calls `startSync`; only the
 * RxDB leader opens the socket, and it relays its sync state to the other tabs over a
 * BroadcastChannel so every tab shows the same indicator.
 */
export function startRelayedSync(
  opened: OpenedDatabase,
  session: Session,
  initial: SyncView,
  publish: (state: SyncView) => void,
): RelayedSync {
  const { db } = opened;
  let closed = false;
  let leader = false;
  let latest = initial;
  const show = (state: SyncView) => {
    // The server no longer serves this build: sync has stopped; every tab asks for the update.
    if (state.error === 'upgrade-required') updateStore.requireUpgrade();
    latest = state;
    publish(state);
  };
  const channel =
    typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`taskmaster-sync-state:${db.name}`);
  if (channel) {
    channel.onmessage = (event: MessageEvent<RelayMessage>) => {
      if (event.data.type === 'hello' && leader)
        channel.postMessage({ type: 'state', state: latest } satisfies RelayMessage);
      if (event.data.type === 'state' && !leader) show(event.data.state);
    };
    channel.postMessage({ type: 'hello' } satisfies RelayMessage);
  }

  let subscription: { unsubscribe(): void } | undefined;
  // Leader election is only needed to decide which tab replicates, so it loads with the sync code.
  const handle = Promise.all([import('@taskmaster/sync-client/sync'), addLeaderElection(), opened.writable()]).then(
    ([{ startSync }, , { clock }]) => {
      if (closed) return null;
      const started = startSync({ db, session, clock, url: '', waitForLeadership: true });
      void started.transport.then(() => {
        leader = true;
      });
      subscription = started.state$.subscribe((state) => {
        if (!leader && state.status === 'connecting') return;
        leader = true;
        const next: SyncView = { ...state, lastSyncedAt: state.lastSyncedAt ?? latest.lastSyncedAt };
        show(next);
        channel?.postMessage({ type: 'state', state: next } satisfies RelayMessage);
      });
      return started;
    },
  );

  return {
    handle,
    close() {
      closed = true;
      subscription?.unsubscribe();
      channel?.close();
    },
  };
}
