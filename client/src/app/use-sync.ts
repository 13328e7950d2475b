import { useEffect, useRef, useState } from 'react';
import type { SyncView } from '../features/sync/SyncIndicator';
import type { SyncHandle } from '@taskmaster/sync-client/sync';
import type { Session } from '@taskmaster/sync-client/session';
import type { OpenedDatabase } from './open-database';
import type { RelayedSync } from './sync-relay';

const lastSyncKey = (dbName: string) => `taskmaster:last-sync:${dbName}`;

function initialView(dbName: string): SyncView {
  const stored = Number(window.localStorage.getItem(lastSyncKey(dbName)));
  return {
    status: navigator.onLine ? 'connecting' : 'offline',
    pending: 0,
    lastSyncedAt: Number.isFinite(stored) && stored > 0 ? stored : null,
  };
}

/**
 * Starts live sync once the task list is on screen: the relay (`sync-relay.ts`), the sync module and
 * socket.io-client are loaded with dynamic imports, so they are not on the critical path.
 */
export function useSync(opened: OpenedDatabase | null, session: Session) {
  const [view, setView] = useState<SyncView>({ status: 'connecting', pending: 0, lastSyncedAt: null });
  const handleRef = useRef<SyncHandle | null>(null);
  const [online, setOnline] = useState(() => navigator.onLine);

  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);

  useEffect(() => {
    if (!opened) return undefined;
    const { db } = opened;
    let cancelled = false;
    let relay: RelayedSync | undefined;
    const initial = initialView(db.name);
    setView(initial);
    const publish = (state: SyncView) => {
      setView(state);
      if (state.lastSyncedAt) window.localStorage.setItem(lastSyncKey(db.name), String(state.lastSyncedAt));
    };
    // Defer to after first paint so the list renders from IndexedDB before the socket code loads.
    const timer = window.setTimeout(() => {
      void import('./sync-relay').then(({ startRelayedSync }) => {
        if (cancelled) return;
        relay = startRelayedSync(opened, session, initial, publish);
        void relay.handle.then((handle) => {
          if (cancelled) void handle?.stop();
          else handleRef.current = handle;
        });
      });
    }, 0);

    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      relay?.close();
      const handle = handleRef.current;
      handleRef.current = null;
      void handle?.stop();
    };
  }, [opened, session]);

  // The browser knows it is offline: that, not a failed attempt to reach the server, is the reason.
  const shown: SyncView = !online && view.status !== 'error' ? { ...view, status: 'offline', error: undefined } : view;
  return {
    view: shown,
    /** Stops replication before the local database is removed on sign-out. */
    stop: async () => {
      const handle = handleRef.current;
      handleRef.current = null;
      await handle?.stop();
    },
  };
}
