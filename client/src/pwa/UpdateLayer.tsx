import { Suspense, useSyncExternalStore } from 'react';
import { lazyComponent } from '../ui/lazy-component';
import { updateStore } from './update-store';

const UpdatePrompt = lazyComponent(() => import('./UpdatePrompt').then((m) => m.UpdatePrompt));

/** Holds the place of the "new version ready" prompt; its code loads only once there is something to say. */
export function UpdateLayer() {
  const state = useSyncExternalStore(updateStore.subscribe, updateStore.get);
  if (!state.needRefresh && !(state.offlineReady && state.signedIn) && !state.syncBlocked) return null;
  return (
    <Suspense fallback={null}>
      <UpdatePrompt />
    </Suspense>
  );
}
