import { useEffect, useRef, useState } from 'react';
import type { SyncView } from '../features/sync/SyncIndicator';
import type { SyncHandle } from '../sync';
import type { Session } from '../sync/session';
import type { OpenedDatabase } from './open-database';

type RelayMessage = { type: 'hello' } | { type: 'state'; state: SyncView };

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
 * Starts live sync once the task list is on screen: the sync module (and socket.io-client with it)
 * is loaded with a dynamic import, so it is not on the critical path. Every tab calls it; only the
 * RxDB leader opens the socket, and it relays its sync state to the other tabs over a
 * BroadcastChannel so every tab shows the same indicator.
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
    const { db, clock } = opened;
    let cancelled = false;
    let leader = false;
    let latest = initialView(db.name);
    setView(latest);
    const channel =
      typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`taskmaster-sync-state:${db.name}`);
    const publish = (state: SyncView) => {
      latest = state;
      setView(state);
      if (state.lastSyncedAt) window.localStorage.setItem(lastSyncKey(db.name), String(state.lastSyncedAt));
    };
    if (channel) {
      channel.onmessage = (event: MessageEvent<RelayMessage>) => {
        if (event.data.type === 'hello' && leader)
          channel.postMessage({ type: 'state', state: latest } satisfies RelayMessage);
        if (event.data.type === 'state' && !leader) publish(event.data.state);
      };
      channel.postMessage({ type: 'hello' } satisfies RelayMessage);
    }

    let subscription: { unsubscribe(): void } | undefined;
    // Defer to after first paint so the list renders from IndexedDB before the socket code loads.
    const timer = window.setTimeout(() => {
      void import('../sync').then(({ startSync }) => {
        if (cancelled) return;
        const handle = startSync({ db, session, clock, url: '', waitForLeadership: true });
        handleRef.current = handle;
        void handle.socket.then(() => {
          leader = true;
        });
        subscription = handle.state$.subscribe((state) => {
          if (!leader && state.status === 'connecting') return;
          leader = true;
          const next: SyncView = { ...state, lastSyncedAt: state.lastSyncedAt ?? latest.lastSyncedAt };
          publish(next);
          channel?.postMessage({ type: 'state', state: next } satisfies RelayMessage);
        });
      });
    }, 0);

    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      subscription?.unsubscribe();
      channel?.close();
      const handle = handleRef.current;
      handleRef.current = null;
      void handle?.stop();
    };
  }, [opened, session]);

  const shown: SyncView = !online && view.status !== 'error' ? { ...view, status: 'offline' } : view;
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
