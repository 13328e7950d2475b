/**
 * Lets the waiting service worker take over, then reloads into the new version.
 *
 * vite-plugin-pwa's own `updateSW(true)` reloads on `controllerchange`, which never comes in the
 * first session after install: the first worker does not claim the page that installed it (no
 * `clientsClaim`), so that page has no controller to change, and Reload did nothing. The waiting
 * worker reaching `activated` happens in every session, controlled page or not, and a navigation
 * after it is served by the new worker, so that is when to reload.
 */
export function activateWaitingWorker(
  registration: ServiceWorkerRegistration,
  reload: () => void = () => window.location.reload(),
): Promise<void> {
  const waiting = registration.waiting;
  if (!waiting) {
    // Already activated (by another tab, say): the next navigation gets the new version.
    reload();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      reload();
      resolve();
    };
    waiting.addEventListener('statechange', () => {
      if (waiting.state === 'activated' || waiting.state === 'redundant') go();
    });
    navigator.serviceWorker.addEventListener('controllerchange', go, { once: true });
    waiting.postMessage({ type: 'SKIP_WAITING' });
  });
}
