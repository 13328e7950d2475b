import type { TokenPair } from '@taskmaster/shared-schema';

/** localStorage key of the signed-in session. */
export const SESSION_KEY = 'taskmaster.session';

/** Where the signed-in session lives: localStorage in browsers, memory in tests. */
export interface SessionStore {
  load(): TokenPair | null;
  save(session: TokenPair | null): void;
}

export function memorySessionStore(initial: TokenPair | null = null): SessionStore {
  let value = initial;
  return { load: () => value, save: (next) => void (value = next) };
}

export function localStorageSessionStore(key = SESSION_KEY): SessionStore {
  return {
    load() {
      try {
        const raw = localStorage.getItem(key);
        return raw ? (JSON.parse(raw) as TokenPair) : null;
      } catch {
        return null;
      }
    },
    save(session) {
      if (session) localStorage.setItem(key, JSON.stringify(session));
      else localStorage.removeItem(key);
    },
  };
}
