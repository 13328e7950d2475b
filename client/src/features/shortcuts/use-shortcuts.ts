import { useEffect, useRef } from 'react';
import { isTypingTarget, resolveShortcut, type ShortcutAction } from './shortcuts';

/**
 * Global keyboard shortcuts. Handlers return false to let the browser keep the key (e.g. Enter on a
 * focused button). Keys typed into text fields are left alone, except Escape.
 */
export function useShortcuts(handler: (action: ShortcutAction) => boolean | void) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const target = event.target;
      // Enter and Space keep their meaning on focused buttons, links and checkboxes.
      if (
        (event.key === 'Enter' || event.key === ' ') &&
        target instanceof HTMLElement &&
        target.closest('button, a, select')
      ) {
        return;
      }
      const action = resolveShortcut(event, isTypingTarget(target));
      if (action && ref.current(action) !== false) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
