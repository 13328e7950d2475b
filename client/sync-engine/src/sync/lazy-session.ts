import type { AuthUser } from '@taskmaster/shared-schema';
import type { Session } from './session.js';
import { localStorageSessionStore, SESSION_KEY } from './session-store.js';

/** The signed-in user stored under `key`, read synchronously; null when signed out or unreadable. */
export function readStoredUser(key = SESSION_KEY): AuthUser | null {
  return localStorageSessionStore(key).load()?.user ?? null;
}

/**
 * A `Session` for the critical path: `user` comes from the stored session, read synchronously, and the
 * REST code (`./session`: sign-in/up/out, token refresh) loads on the first call that needs it. The list
 * only needs to know who is signed in; the sign-in forms, sign-out and the sync relay are lazy anyway.
 */
export function createLazySession(baseUrl = '', key = SESSION_KEY): Session & { load(): Promise<Session> } {
  const listeners = new Set<(user: AuthUser | null) => void>();
  let user = readStoredUser(key);
  let loading: Promise<Session> | null = null;

  const load = () =>
    (loading ??= import('./session.js').then(({ createSession, localStorageSessionStore }) => {
      const session = createSession({ baseUrl, store: localStorageSessionStore(key) });
      session.subscribe((next) => {
        user = next;
        listeners.forEach((listener) => listener(next));
      });
      // The stored session may have changed since it was first read (e.g. another tab).
      if (session.user?.id !== user?.id) {
        user = session.user;
        listeners.forEach((listener) => listener(user));
      }
      return session;
    }));

  return {
    get user() {
      return user;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signUp: async (email, password) => (await load()).signUp(email, password),
    signIn: async (email, password) => (await load()).signIn(email, password),
    signOut: async () => (await load()).signOut(),
    getAccessToken: async () => (await load()).getAccessToken(),
    refresh: async () => (await load()).refresh(),
    load,
  };
}
