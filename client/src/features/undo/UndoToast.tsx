import { useEffect } from 'react';

interface UndoToastProps {
  message: string;
  onUndo: () => void;
  onExpire: () => void;
  timeoutMs?: number;
}

/** "Task deleted · Undo", for a few seconds after a delete (Ctrl/Cmd+Z also undoes). */
export function UndoToast({ message, onUndo, onExpire, timeoutMs = 8000 }: UndoToastProps) {
  useEffect(() => {
    const timer = window.setTimeout(onExpire, timeoutMs);
    return () => window.clearTimeout(timer);
  }, [message, onExpire, timeoutMs]);
  return (
    <div className="toast" role="status" aria-live="polite">
      <span>{message}</span>
      <button type="button" className="toast__action" onClick={onUndo}>
        Undo
      </button>
    </div>
  );
}
