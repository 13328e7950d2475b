import { useId, useRef, useState, type FormEvent, type Ref } from 'react';
import { parseQuickAdd, type ParsedQuickAdd } from './parse-quick-add';

interface QuickAddProps {
  /** Resolves once the task is committed to the local database; rejects if it could not be stored. */
  onAdd: (parsed: ParsedQuickAdd) => Promise<unknown>;
  inputRef?: Ref<HTMLInputElement>;
  placeholder?: string;
}

/** The text whose save is in flight, kept across a reload of this tab (sessionStorage is synchronous). */
const IN_FLIGHT_KEY = 'taskmaster:quick-add-unsaved';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the text then only lives in the box
  }
}

/**
 * The "New task" box: type a title and press Enter. Supports `#tag` and `!priority` shorthand.
 *
 * The box empties only once the task is committed to IndexedDB, never before: a reload right after
 * the box cleared then always finds the task. Until then the text stays in the box, and also in
 * sessionStorage, so a reload while the write is still in flight (the first write after a page load
 * waits for the write path's lazy chunk) brings the text back instead of dropping it. A failed write
 * leaves the text in the box with the reason.
 */
export function QuickAdd({ onAdd, inputRef, placeholder = 'Add a task — #tag !high — press Enter' }: QuickAddProps) {
  const [value, setValue] = useState(() => storage()?.getItem(IN_FLIGHT_KEY) ?? '');
  const [error, setError] = useState<string | null>(null);
  // Texts being saved: a second Enter on the same text (key repeat, impatience) adds nothing.
  const saving = useRef(new Set<string>());
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const submitted = value;
    if (submitted.trim() === '' || saving.current.has(submitted)) return;
    saving.current.add(submitted);
    setError(null);
    storage()?.setItem(IN_FLIGHT_KEY, submitted);
    onAdd(parseQuickAdd(submitted))
      .then(
        () => {
          if (storage()?.getItem(IN_FLIGHT_KEY) === submitted) storage()?.removeItem(IN_FLIGHT_KEY);
          // Typing may have gone on during the write: clear only what was saved.
          setValue((current) => (current === submitted ? '' : current));
        },
        (cause: unknown) => setError(cause instanceof Error ? cause.message : 'Something went wrong'),
      )
      .finally(() => saving.current.delete(submitted));
  };

  return (
    <>
      <form className="quick-add" onSubmit={submit} aria-label="Add a task">
        <span className="quick-add__plus" aria-hidden="true">
          +
        </span>
        <input
          ref={inputRef}
          type="text"
          aria-label="New task"
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          placeholder={placeholder}
          value={value}
          maxLength={500}
          autoComplete="off"
          enterKeyHint="done"
          onChange={(event) => setValue(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') event.currentTarget.blur();
          }}
        />
      </form>
      {error && (
        <p id={errorId} className="quick-add__error" role="alert">
          Not saved: {error}. Press Enter to try again.
        </p>
      )}
    </>
  );
}
