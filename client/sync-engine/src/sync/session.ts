import { isErrorBody, type AuthUser, type TokenPair } from '@taskmaster/shared-schema';
import { memorySessionStore, type SessionStore } from './session-store.js';

export * from './session-store.js';

/** A failed auth request, with the server's kebab-case reason (or `network` when unreachable). */
export class AuthRequestError extends Error {
  override readonly name = 'AuthRequestError';
  constructor(
    readonly reason: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface SessionOptions {
  /** Origin of the sync server, '' for same origin. */
  baseUrl: string;
  store?: SessionStore;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface Session {
  readonly user: AuthUser | null;
  subscribe(listener: (user: AuthUser | null) => void): () => void;
  signUp(email: string, password: string): Promise<AuthUser>;
  signIn(email: string, password: string): Promise<AuthUser>;
  signOut(): Promise<void>;
  /** A valid access token, refreshed first when it expires within 30 s; null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** Rotates the refresh token; signs out when the server rejects it. */
  refresh(): Promise<string | null>;
}

const REFRESH_MARGIN_MS = 30_000;
const REJECTED = new Set(['token-revoked', 'unauthorized', 'invalid-credentials', 'forbidden', 'invalid-payload']);

/**
 * The REST side of authentication. Refreshes are single-flight, and serialized across tabs with the
 * Web Locks API where available, because refresh tokens rotate: two tabs spending the same token
 * would look like token theft and revoke the device's session.
 */
export function createSession(options: SessionOptions): Session {
  const store = options.store ?? memorySessionStore();
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const now = options.now ?? Date.now;
  const listeners = new Set<(user: AuthUser | null) => void>();
  let current = store.load();
  let refreshing: Promise<string | null> | null = null;

  const set = (next: TokenPair | null) => {
    const changedUser = next?.user.id !== current?.user.id;
    current = next;
    store.save(next);
    if (changedUser) listeners.forEach((listener) => listener(next?.user ?? null));
  };

  async function post(path: string, body: unknown): Promise<TokenPair | null> {
    let response: Response;
    try {
      response = await doFetch(`${options.baseUrl}/api/auth/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      throw new AuthRequestError('network', 'The server cannot be reached. Check your connection.', 0);
    }
    if (response.status === 204) return null;
    const payload: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = isErrorBody(payload) ? payload.error : { reason: 'internal', message: `HTTP ${response.status}` };
      throw new AuthRequestError(error.reason, error.message, response.status);
    }
    return payload as TokenPair;
  }

  async function rotate(): Promise<string | null> {
    // Another tab may have rotated already: always start from the stored session.
    const latest = store.load();
    if (latest && latest.refreshToken !== current?.refreshToken) current = latest;
    if (!current) return null;
    try {
      const next = await post('refresh', { refreshToken: current.refreshToken });
      set(next);
      return next?.accessToken ?? null;
    } catch (error) {
      if (error instanceof AuthRequestError && REJECTED.has(error.reason)) set(null);
      throw error;
    }
  }

  function refresh(): Promise<string | null> {
    if (!refreshing) {
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
      const run = locks
        ? (locks.request('taskmaster-token-refresh', () => rotate()) as unknown as Promise<string | null>)
        : rotate();
      refreshing = run.finally(() => {
        refreshing = null;
      });
    }
    return refreshing as Promise<string | null>;
  }

  return {
    get user() {
      return current?.user ?? null;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async signUp(email, password) {
      const pair = (await post('register', { email, password }))!;
      set(pair);
      return pair.user;
    },
    async signIn(email, password) {
      const pair = (await post('login', { email, password }))!;
      set(pair);
      return pair.user;
    },
    async signOut() {
      const token = current?.refreshToken;
      set(null);
      if (token) await post('logout', { refreshToken: token }).catch(() => undefined);
    },
    async getAccessToken() {
      const latest = store.load();
      if (latest?.refreshToken !== current?.refreshToken) current = latest;
      if (!current) return null;
      if (current.accessTokenExpiresAt - now() > REFRESH_MARGIN_MS) return current.accessToken;
      return refresh();
    },
    refresh,
  };
}
