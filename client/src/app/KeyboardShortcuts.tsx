import type { Task } from '@taskmaster/shared-schema';
import { useEffect, useState } from 'react';
import { useShortcuts } from '../features/shortcuts/use-shortcuts';
import { ConfirmDeleteDialog } from '../features/tasks/ConfirmDeleteDialog';
import { deleteAndSelectNext, useKeyboardCommands, type KeyboardContext } from './use-keyboard-commands';

/**
 * Binds the global keyboard shortcuts to the current view. A component so the key map, its
 * bindings and the Backspace question can load as their own chunk right after the list is on screen.
 */
export function KeyboardShortcuts(props: KeyboardContext) {
  const [asking, setAsking] = useState<Task | null>(null);
  // While the question is open, no other shortcut acts (a second Delete must not delete anyway).
  useShortcuts(
    useKeyboardCommands({ ...props, dialogOpen: props.dialogOpen || asking !== null, askDelete: setAsking }),
  );
  // Says the keys are live (this chunk loads after the list is on screen): scripts and tests that
  // press a key right after load wait for it instead of racing the chunk.
  useEffect(() => {
    document.documentElement.dataset.shortcuts = 'ready';
    return () => {
      delete document.documentElement.dataset.shortcuts;
    };
  }, []);
  if (!asking) return null;
  return (
    <ConfirmDeleteDialog
      task={asking}
      onDelete={() => deleteAndSelectNext(props, asking)}
      onClose={() => setAsking(null)}
    />
  );
}
