import { useShortcuts } from '../features/shortcuts/use-shortcuts';
import { useKeyboardCommands, type KeyboardContext } from './use-keyboard-commands';

/**
 * Binds the global keyboard shortcuts to the current view. A component (rendering nothing) so the
 * key map and its bindings can load as their own chunk right after the list is on screen.
 */
export function KeyboardShortcuts(props: KeyboardContext) {
  useShortcuts(useKeyboardCommands(props));
  return null;
}
