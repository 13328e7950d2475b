import { useEffect, useSyncExternalStore } from 'react';
import { updateStore } from './update-store';

/** "A new version is ready" with Reload / Later; also confirms once that the app works offline. */
export function UpdatePrompt() {
  const state = useSyncExternalStore(updateStore.subscribe, updateStore.get);
  // Said once the tasks are on screen (not on the sign-in screen), for a few seconds.
  const offlineReady = state.offlineReady && state.signedIn;
  useEffect(() => {
    if (!offlineReady) return undefined;
    const timer = window.setTimeout(() => updateStore.set({ offlineReady: false }), 5000);
    return () => window.clearTimeout(timer);
  }, [offlineReady]);
  if (state.needRefresh) {
    return (
      <div className="toast toast--update" role="alert">
        <span>
          A new version of TaskMaster is ready.
          {state.syncBlocked ? ' This version can no longer sync; your changes are kept on this device.' : ''}
        </span>
        <button type="button" className="toast__action" onClick={() => void updateStore.apply()}>
          Reload
        </button>
        <button
          type="button"
          className="toast__action toast__action--quiet"
          onClick={() => updateStore.set({ needRefresh: false })}
        >
          Later
        </button>
      </div>
    );
  }
  if (state.syncBlocked) {
    // The new version is still downloading (or there is no service worker): a reload fetches it.
    return (
      <div className="toast toast--update" role="alert">
        <span>
          This version of TaskMaster can no longer sync. Your changes are kept on this device; update to sync them.
        </span>
        <button type="button" className="toast__action" onClick={() => void updateStore.apply()}>
          Update
        </button>
      </div>
    );
  }
  if (offlineReady) {
    return (
      <div className="toast" role="status">
        <span>TaskMaster is ready to work offline.</span>
        <button
          type="button"
          className="toast__action toast__action--quiet"
          onClick={() => updateStore.set({ offlineReady: false })}
        >
          OK
        </button>
      </div>
    );
  }
  return null;
}
