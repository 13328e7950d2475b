import { useLayoutEffect, useRef } from 'react';

/**
 * A ref that holds the latest `value`, updated once each render commits: callbacks with a stable
 * identity (so memoized children skip re-rendering) read it to act on the current props.
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
