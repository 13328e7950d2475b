export type ShortcutAction =
  | 'focus-new'
  | 'focus-search'
  | 'next'
  | 'previous'
  | 'toggle-done'
  | 'open'
  | 'delete'
  | 'delete-ask'
  | 'undo'
  | 'move-up'
  | 'move-down'
  | 'help'
  | 'escape';

/** Shown in the help dialog; the single list of bindings. */
export const SHORTCUTS: readonly { keys: string; action: ShortcutAction; description: string }[] = [
  { keys: 'N', action: 'focus-new', description: 'New task' },
  { keys: '/', action: 'focus-search', description: 'Search' },
  { keys: 'J / ↓', action: 'next', description: 'Next task' },
  { keys: 'K / ↑', action: 'previous', description: 'Previous task' },
  { keys: 'X', action: 'toggle-done', description: 'Complete / reopen' },
  { keys: 'Enter / E', action: 'open', description: 'Edit task' },
  { keys: 'Del / #', action: 'delete', description: 'Delete task' },
  { keys: 'Backspace', action: 'delete-ask', description: 'Delete task (asks first)' },
  { keys: 'Ctrl+Z / U', action: 'undo', description: 'Undo delete' },
  { keys: 'Alt+↑ / Alt+↓', action: 'move-up', description: 'Move task (manual order)' },
  { keys: '?', action: 'help', description: 'Show shortcuts' },
  { keys: 'Esc', action: 'escape', description: 'Close editor or dialog' },
];

export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** Maps a key press outside text fields to an action; `typing` is true inside inputs and textareas. */
export function resolveShortcut(event: KeyLike, typing: boolean): ShortcutAction | null {
  if (event.key === 'Escape') return 'escape';
  if (typing) return null;
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.altKey && event.key.toLowerCase() === 'z' && !event.shiftKey) return 'undo';
  if (mod) return null;
  if (event.altKey) {
    if (event.key === 'ArrowUp') return 'move-up';
    if (event.key === 'ArrowDown') return 'move-down';
    return null;
  }
  switch (event.key) {
    case 'n':
    case 'N':
      return 'focus-new';
    case '/':
      return 'focus-search';
    case 'j':
    case 'ArrowDown':
      return 'next';
    case 'k':
    case 'ArrowUp':
      return 'previous';
    case 'x':
      return 'toggle-done';
    case 'e':
    case 'Enter':
      return 'open';
    case 'Delete':
    case '#':
      return 'delete';
    // Pressed by habit to fix a typo with the focus just outside a field: ask before deleting.
    case 'Backspace':
      return 'delete-ask';
    case 'u':
      return 'undo';
    case '?':
      return 'help';
    default:
      return null;
  }
}

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type);
}
