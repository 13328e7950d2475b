import { activateWaitingWorker } from './activate-worker';
import { updateStore } from './update-store';

/** How often an open app checks for a new version (deploys should reach long-lived tabs). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

/**
 * Registers the service worker after the app has rendered. With `registerType: 'prompt'` a new
 * version waits until the user accepts the "new version ready" prompt, so an open editor is never
 * reloaded out from under them.
 */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const { registerSW } = await import('virtual:pwa-register');
  registerSW({
    immediate: true,
    onNeedRefresh: () => updateStore.set({ needRefresh: true }),
    onOfflineReady: () => updateStore.set({ offlineReady: true }),
    onRegisteredSW: (_url, registration) => {
      if (!registration) return;
      updateStore.setActivate(() => activateWaitingWorker(registration));
      updateStore.setCheckForUpdate(() => registration.update());
      window.setInterval(() => {
        if (navigator.onLine) void registration.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
  });
}
