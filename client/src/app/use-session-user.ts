import type { AuthUser } from '@taskmaster/shared-schema';
import { useEffect, useSyncExternalStore } from 'react';
import { SESSION_KEY } from '@taskmaster/sync-client/session-store';
import type { Session } from '@taskmaster/sync-client/session';

/** The signed-in user, re-rendering on sign-in and sign-out; a sign-out in another tab reloads this one. */
export function useSessionUser(session: Session): AuthUser | null {
  const user = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.user,
  );
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== SESSION_KEY) return;
      const signedOutElsewhere = event.newValue === null && session.user !== null;
      const signedInElsewhere = event.oldValue === null && event.newValue !== null && session.user === null;
      if (signedOutElsewhere || signedInElsewhere) window.location.reload();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [session]);
  return user;
}
