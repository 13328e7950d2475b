import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { activateWaitingWorker } from './activate-worker';

/** A waiting service worker that activates when told to skip waiting, as Workbox's does. */
class FakeWorker extends EventTarget {
  state: ServiceWorkerState = 'installed';
  readonly messages: unknown[] = [];
  postMessage(message: unknown) {
    this.messages.push(message);
    queueMicrotask(() => {
      this.state = 'activated';
      this.dispatchEvent(new Event('statechange'));
    });
  }
}

const registrationWith = (waiting: FakeWorker | null) => ({ waiting }) as unknown as ServiceWorkerRegistration;

describe('activateWaitingWorker: Reload on the update prompt', () => {
  let container: EventTarget;
  beforeEach(() => {
    container = new EventTarget();
    Object.defineProperty(navigator, 'serviceWorker', { value: container, configurable: true });
  });
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'serviceWorker');
  });

  it('reloads once the new worker is activated, on a page no worker controls (first session after install)', async () => {
    const waiting = new FakeWorker();
    const reload = vi.fn();
    // No controllerchange ever fires on an uncontrolled page: only the worker's own state changes.
    await activateWaitingWorker(registrationWith(waiting), reload);
    expect(waiting.messages).toEqual([{ type: 'SKIP_WAITING' }]);
    expect(reload).toHaveBeenCalledOnce();
  });

  it('reloads once when the controlled page switches controller too', async () => {
    const waiting = new FakeWorker();
    const reload = vi.fn();
    const done = activateWaitingWorker(registrationWith(waiting), reload);
    container.dispatchEvent(new Event('controllerchange'));
    await done;
    await Promise.resolve();
    expect(reload).toHaveBeenCalledOnce();
  });

  it('reloads at once when no worker is waiting any more (another tab activated it)', async () => {
    const reload = vi.fn();
    await activateWaitingWorker(registrationWith(null), reload);
    expect(reload).toHaveBeenCalledOnce();
  });
});
