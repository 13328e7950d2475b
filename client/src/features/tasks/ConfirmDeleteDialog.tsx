import type { Task } from '@taskmaster/shared-schema';
import { Dialog } from '../../ui/Dialog';

/** "Delete this task?": what Backspace outside a text field asks (Delete deletes at once, with undo). */
export function ConfirmDeleteDialog({
  task,
  onDelete,
  onClose,
}: {
  task: Pick<Task, 'title'>;
  onDelete: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title="Delete task" onClose={onClose}>
      <p>Delete “{task.title}”? You can undo this.</p>
      <div className="dialog__actions">
        <button type="button" className="button button--quiet" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => {
            onClose();
            onDelete();
          }}
        >
          Delete task
        </button>
      </div>
    </Dialog>
  );
}
