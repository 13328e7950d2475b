type Listener = () => void;

/** Whether a new service worker is waiting, and how to activate it; fed by register-sw.ts. */
export interface UpdateState {
  needRefresh: boolean;
  offlineReady: boolean;
  /** The sync server no longer serves this build (`upgrade-required`): it must be updated to sync. */
  syncBlocked: boolean;
  /**
   * The user's tasks are on screen (set by the workspace). "Ready to work offline" waits for it: the
   * service worker usually finishes installing on the first visit, at the sign-in screen, where
   * there is nothing yet to work on offline.
   */
  signedIn: boolean;
}

let state: UpdateState = { needRefresh: false, offlineReady: false, syncBlocked: false, signedIn: false };
let activate: (() => Promise<void>) | null = null;
let checkForUpdate: (() => Promise<unknown>) | null = null;
const listeners = new Set<Listener>();

export const updateStore = {
  get: (): UpdateState => state,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  set(patch: Partial<UpdateState>): void {
    state = { ...state, ...patch };
    listeners.forEach((l) => l());
  },
  setActivate(fn: () => Promise<void>): void {
    activate = fn;
  },
  setCheckForUpdate(fn: () => Promise<unknown>): void {
    checkForUpdate = fn;
  },
  /**
   * The server refused this build (`upgrade-required`, SPEC "Versions"). Sync has stopped by itself
   * (no reconnect loop); this says so and fetches the new version now instead of at the next hourly
   * check, so the "new version ready" prompt follows as soon as it is downloaded.
   */
  requireUpgrade(): void {
    if (state.syncBlocked) return;
    updateStore.set({ syncBlocked: true });
    void checkForUpdate?.().catch(() => undefined);
  },
  /** Activates the waiting service worker (the page reloads when it takes control), or reloads. */
  async apply(): Promise<void> {
    if (activate && state.needRefresh) await activate();
    else window.location.reload();
  },
};
