import type { Session } from '../sync/session';
import { AuthScreen } from './AuthScreen';
import { useSessionUser } from './use-session-user';
import { Workspace } from './Workspace';

/** Signed out: the auth screen. Signed in: that user's workspace, keyed so a new user gets a fresh one. */
export function App({ session }: { session: Session }) {
  const user = useSessionUser(session);
  if (!user) return <AuthScreen session={session} />;
  return <Workspace key={user.id} user={user} session={session} />;
}
