import { Suspense } from 'react';
import type { Session } from '@taskmaster/sync-client/session';
import { lazyComponent } from './lazy-component';
import { useSessionUser } from './use-session-user';
import { Workspace } from './Workspace';

/** Only signed-out visitors need the sign-in/up forms, so they are a separate chunk. */
const AuthScreen = lazyComponent(() => import('./AuthScreen').then((m) => m.AuthScreen));

/** Signed out: the auth screen. Signed in: that user's workspace, keyed so a new user gets a fresh one. */
export function App({ session }: { session: Session }) {
  const user = useSessionUser(session);
  if (!user)
    return (
      <Suspense fallback={<div className="splash" aria-busy="true" aria-label="Loading" />}>
        <AuthScreen session={session} />
      </Suspense>
    );
  return <Workspace key={user.id} user={user} session={session} />;
}
