import type { Task } from '@taskmaster/shared-schema';
import type { ShortcutAction } from '../features/shortcuts/shortcuts';
import type { useTaskCommands } from './use-task-commands';

export interface KeyboardContext {
  visible: readonly Task[];
  selectedId: string | null;
  setSelectedId: (id: string | null) => void;
  editing: boolean;
  dialogOpen: boolean;
  reorderable: boolean;
  commands: ReturnType<typeof useTaskCommands>;
  focusNew: () => void;
  focusSearch: () => void;
  open: (task: Task) => void;
  closeEditor: () => void;
  showHelp: () => void;
  /** Backspace: ask before deleting `task` (the question is the caller's to show). */
  askDelete?: (task: Task) => void;
}

function focusRow(id: string) {
  const row = Array.from(document.querySelectorAll<HTMLElement>('[data-task-id]')).find(
    (el) => el.dataset.taskId === id,
  );
  row?.querySelector<HTMLElement>('.task__check')?.focus();
}

/** Deletes `task` (with undo) and moves the selection to its neighbour. */
export function deleteAndSelectNext(ctx: KeyboardContext, task: Task): void {
  const index = ctx.visible.findIndex((t) => t.id === task.id);
  ctx.commands.remove(task);
  const next = ctx.visible[index + 1 < ctx.visible.length ? index + 1 : index - 1];
  if (index >= 0 && next) {
    ctx.setSelectedId(next.id);
    focusRow(next.id);
  }
}

/** Binds shortcut actions to the current view; returns false for keys it leaves to the browser. */
export function useKeyboardCommands(ctx: KeyboardContext) {
  return (action: ShortcutAction): boolean => {
    if (ctx.dialogOpen) return false;
    const index = ctx.visible.findIndex((t) => t.id === ctx.selectedId);
    const selected = index >= 0 ? ctx.visible[index] : undefined;
    const select = (next: number) => {
      const task = ctx.visible[Math.max(0, Math.min(ctx.visible.length - 1, next))];
      if (!task) return;
      ctx.setSelectedId(task.id);
      focusRow(task.id);
    };
    switch (action) {
      case 'focus-new':
        ctx.focusNew();
        return true;
      case 'focus-search':
        ctx.focusSearch();
        return true;
      case 'next':
        select(index + 1);
        return true;
      case 'previous':
        select(index < 0 ? 0 : index - 1);
        return true;
      case 'toggle-done':
        if (selected) ctx.commands.toggle(selected);
        return selected !== undefined;
      case 'open':
        if (selected) ctx.open(selected);
        return selected !== undefined;
      case 'delete':
        if (!selected) return false;
        deleteAndSelectNext(ctx, selected);
        return true;
      case 'delete-ask':
        if (!selected || !ctx.askDelete) return false;
        ctx.askDelete(selected);
        return true;
      case 'undo':
        return ctx.commands.undoDelete();
      case 'move-up':
      case 'move-down':
        if (!selected || !ctx.reorderable) return false;
        ctx.commands.moveBy(selected.id, action === 'move-up' ? -1 : 1);
        requestAnimationFrame(() => focusRow(selected.id));
        return true;
      case 'help':
        ctx.showHelp();
        return true;
      case 'escape':
        if (!ctx.editing) return false;
        ctx.closeEditor();
        return true;
    }
  };
}
