import { Suspense, useEffect, useState } from 'react';
import type { Session } from '@taskmaster/sync-client/session';
import { lazyComponent } from '../ui/lazy-component';
import { useSessionUser } from './use-session-user';
import { Workspace } from './Workspace';

/** Only signed-out visitors need the sign-in/up forms, so they are a separate chunk. */
const AuthScreen = lazyComponent(() => import('./AuthScreen').then((m) => m.AuthScreen));
/** Admins only, at `#/admin`: its own chunk, never loaded for anyone else. */
const AdminPage = lazyComponent(() => import('../features/admin/AdminPage').then((m) => m.AdminPage));

function useIsAdminRoute(): boolean {
  const [admin, setAdmin] = useState(() => window.location.hash.startsWith('#/admin'));
  useEffect(() => {
    const onHash = () => setAdmin(window.location.hash.startsWith('#/admin'));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return admin;
}

/** Signed out: the auth screen. Signed in: that user's workspace, keyed so a new user gets a fresh one. */
export function App({ session }: { session: Session }) {
  const user = useSessionUser(session);
  const adminRoute = useIsAdminRoute();
  if (user?.role === 'admin' && adminRoute)
    return (
      <Suspense fallback={<div className="splash" aria-busy="true" aria-label="Loading" />}>
        <AdminPage getAccessToken={() => session.getAccessToken()} />
      </Suspense>
    );
  if (!user)
    return (
      <Suspense fallback={<div className="splash" aria-busy="true" aria-label="Loading" />}>
        <AuthScreen session={session} />
      </Suspense>
    );
  return <Workspace key={user.id} user={user} session={session} />;
}
