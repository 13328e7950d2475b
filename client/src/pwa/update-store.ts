type Listener = () => void;

/** Whether a new service worker is waiting, and how to activate it; fed by register-sw.ts. */
export interface UpdateState {
  needRefresh: boolean;
  offlineReady: boolean;
}

let state: UpdateState = { needRefresh: false, offlineReady: false };
let activate: (() => Promise<void>) | null = null;
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
  /** Activates the waiting service worker; the page reloads when it takes control. */
  async apply(): Promise<void> {
    if (activate) await activate();
    else window.location.reload();
  },
};
