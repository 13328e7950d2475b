import type { AuthUser, Task } from '@taskmaster/shared-schema';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { deferredTaskActions } from '@taskmaster/sync-client/db';
import type { Session } from '@taskmaster/sync-client/session';
import { updateStore } from '../pwa/update-store';
import { closeUserDatabase, openUserDatabase, type OpenedDatabase } from './open-database';
import { TaskApp } from './TaskApp';
import { saveFirstScreen } from './first-screen';
import { useCollections, viewChangeCount } from './use-collections';
import { useSync } from './use-sync';

/** Opens the user's local database, starts sync after first render, and renders the task app. */
export function Workspace({ user, session }: { user: AuthUser; session: Session }) {
  const [opened, setOpened] = useState<OpenedDatabase | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [deviceNode, setDeviceNode] = useState('');

  useEffect(() => {
    let closed = false;
    let current: OpenedDatabase | null = null;
    openUserDatabase(user.id).then(
      (result) => {
        current = result;
        if (closed) void closeUserDatabase(user.id, result);
        else setOpened(result);
      },
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
    // The user is signed in and cares about these tasks: ask the browser not to evict them.
    const persist = window.setTimeout(
      () => void import('../features/settings/storage').then((m) => m.requestPersistence()).catch(() => undefined),
      1000,
    );
    return () => {
      closed = true;
      window.clearTimeout(persist);
      if (current) void closeUserDatabase(user.id, current);
    };
  }, [user.id]);

  const data = useCollections(opened?.db ?? null);
  // Until every task is read: the saved first screen of this view, if there is one (first-screen.ts).
  const shownTasks = data.ready ? data.tasks : data.listsReady ? (opened?.firstScreen ?? null) : null;
  const shown = shownTasks !== null;
  // Sync (socket.io and the replication code) loads only once every task is read.
  const sync = useSync(data.ready ? opened : null, session);
  useLayoutEffect(() => {
    // Read by the bench: navigation start to the task list from IndexedDB committed to the DOM.
    if (shown) performance.mark('taskmaster:tasks-visible');
  }, [shown]);
  useLayoutEffect(() => {
    // Read by the bench: navigation start to every task read, the counts included.
    if (data.ready) performance.mark('taskmaster:tasks-complete');
  }, [data.ready]);
  const userId = user.id;
  const onViewShown = useCallback(
    (view: string, tasks: readonly Task[]) => {
      const seenAt = viewChangeCount(tasks);
      if (seenAt !== undefined) saveFirstScreen(userId, view, tasks, seenAt);
    },
    [userId],
  );
  useEffect(() => {
    // "Ready to work offline" is worth saying only with the tasks on screen, never at sign-in.
    if (!data.ready) return undefined;
    updateStore.set({ signedIn: true });
    return () => updateStore.set({ signedIn: false });
  }, [data.ready]);
  useEffect(() => {
    // The tasks are on screen: load the write path now, so the first edit does not wait for it.
    if (!opened || !data.ready) return;
    opened.writable().then(
      (write) => setDeviceNode(write.clock.node),
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  }, [opened, data.ready]);
  const actions = useMemo(
    () => (opened ? deferredTaskActions(async () => (await opened.writable()).actions) : null),
    [opened],
  );

  // Once per workspace: a deleted account signs out from Settings and from the server's `account:erased` alike.
  const signingOut = useRef<Promise<void> | null>(null);
  const signOut = useCallback(
    () =>
      (signingOut.current ??= import('./sign-out')
        .then(({ signOutOfDevice }) => signOutOfDevice({ userId: user.id, opened, session, stopSync: sync.stop }))
        .catch((error: unknown) => {
          signingOut.current = null;
          throw error;
        })),
    [opened, session, sync, user.id],
  );
  const getAccessToken = useCallback(() => session.getAccessToken(), [session]);
  const ended = sync.view.ended;
  useEffect(() => {
    // The server ended this device's access for good (the account was erased, or this session was
    // signed out elsewhere): sign out here too, which removes the local copy of the data (SPEC R5).
    if (ended) void signOut().catch(() => undefined);
  }, [ended, signOut]);

  if (failure || data.error) {
    return (
      <div className="splash" role="alert">
        <h1>Your tasks could not be opened</h1>
        <p>{failure ?? data.error}</p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Try again
        </button>
      </div>
    );
  }
  if (!opened || !actions || !shownTasks)
    return <div className="splash" aria-busy="true" aria-label="Loading your tasks" />;
  return (
    <TaskApp
      db={opened.db}
      store={data.store}
      tasks={shownTasks}
      complete={data.ready}
      onViewShown={onViewShown}
      lists={data.lists}
      actions={actions}
      sync={sync.view}
      deviceNode={deviceNode}
      email={user.email}
      onSignOut={() => void signOut()}
      getAccessToken={getAccessToken}
    />
  );
}
