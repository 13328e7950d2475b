import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export type PreloadableComponent<P> = LazyExoticComponent<ComponentType<P>> & {
  /** Starts loading the chunk (e.g. when the page is idle), so the first open does not wait on it. */
  preload(): Promise<unknown>;
};

/**
 * `React.lazy` for a named export: the component's code is a separate chunk, loaded the first time it
 * renders (inside a `<Suspense>`), and kept off the critical path that renders the task list.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): PreloadableComponent<P> {
  let loading: Promise<ComponentType<P>> | undefined;
  const once = () => (loading ??= load());
  return Object.assign(
    lazy(() => once().then((component) => ({ default: component }))),
    { preload: once },
  );
}
